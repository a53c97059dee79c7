"""The selection of workers in the demo (applications.toml): verified companies ask available
candidates to meet them, and each request is walked to its stage through the portal's services,
each move made by the person who makes it on the portal (the company's login or its chamber
advisor, the candidate's own login). The accepted offers take some of the scheme's places and
open the workers' pre-departure cases, as acceptance does.

Only the applications missing are created, each walked at once to its stage: seeding again
changes nothing, and an application moved during a demo stays where it was moved. A request the
portal would no longer let the company make (the candidate was selected or hid their profile, the
vacancy was filled, the company suspended during a demo) is left out rather than forced.
"""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.utils import timezone, translation

from accounts.models import User
from candidates.models import Candidate
from companies.models import Company, Vacancy
from companies.selectors import company_list
from matching.models import Application, Interview, InterviewSlot, QuotaSlot
from matching.services import (
    ITALY,
    application_answer,
    application_candidate_withdraw,
    application_company_move,
    application_shortlist,
    interview_choose,
    interview_held,
    interview_propose,
    offer_accept,
    offer_decline,
    offer_prepare,
    offer_send,
    offer_terms,
    offer_terms_from,
    terms_hash,
)
from thamm.exceptions import DomainError
from thamm.models import Scheme, StageChange
from thamm.scheme import region_name

from .employers import _admin, _advisor_province
from .files import DemoDataError, check, read

A = Application.Stage
# The way every request goes while it goes on; the other stages end it.
MAIN_LINE = (
    A.SHORTLISTED,
    A.AGREED,
    A.INTERVIEW_PROPOSED,
    A.INTERVIEW_SCHEDULED,
    A.INTERVIEWED,
    A.OFFERED,
)
# The stages a request ends at, and the stages it may have reached before (`after`; the first
# when the file gives none).
ENDS_AFTER = {
    A.MEETING_DECLINED: (A.SHORTLISTED,),
    A.ACCEPTED: (A.OFFERED,),
    A.DECLINED: (A.OFFERED,),
    A.REJECTED: (A.AGREED, A.INTERVIEW_PROPOSED, A.INTERVIEW_SCHEDULED, A.INTERVIEWED),
    A.WITHDRAWN: (
        A.SHORTLISTED,
        A.AGREED,
        A.INTERVIEW_PROPOSED,
        A.INTERVIEW_SCHEDULED,
        A.INTERVIEWED,
    ),
}
PROPOSED_TIMES = {A.INTERVIEW_PROPOSED: 3}  # else two, or one for an interview that took place


@dataclass(frozen=True)
class Selection:
    """What `seed_demo` prints of the demo's selection of workers."""

    applications: int
    companies: int
    stages: dict[str, int]  # how many at each stage, in the lifecycle's order
    places: int  # the scheme's places held
    quota: int
    by_region: dict[str, int]

    def __str__(self) -> str:
        with translation.override("en"):  # as the rest of what `seed_demo` prints
            labels = {stage: str(label).lower() for stage, label in A.choices}
        stages = ", ".join(f"{n} {labels[stage]}" for stage, n in self.stages.items())
        regions = ", ".join(f"{n} {name}" for name, n in self.by_region.items())
        return (
            f"{self.applications} applications at {self.companies} companies ({stages}); "
            f"{self.places} of the scheme's {self.quota} places taken ({regions})."
        )


def path(spec: dict) -> list[str]:
    """The stages an application of applications.toml goes through, in order."""
    stage = spec["stage"]
    if stage in MAIN_LINE:
        return list(MAIN_LINE[: MAIN_LINE.index(stage) + 1])
    after = spec.get("after", ENDS_AFTER[stage][0])
    return [*MAIN_LINE[: MAIN_LINE.index(after) + 1], stage]


def _where(spec: dict) -> str:
    return f"the application of {spec['cin']} to “{spec['vacancy']}” at {spec['company']}"


def _check_file(data: dict) -> None:
    """Each application names a verified company, one of its published vacancies, a stage it can
    reach and who acts, as the other files give them; a candidate who accepts has no other."""
    companies = {c["name"]: c for c in read("companies")["company"]}
    published = {
        (v["company"], v["title"])
        for v in read("vacancies")["vacancy"]
        if v["status"] == "published"
    }
    logins = {s["email"]: s for s in read("accounts")["login"]}
    advisors = read("companies")["advisors"]
    for name in data["interview"]:
        check(name in companies, "applications", f"interview: no company {name!r}")
    seen, accepting = set(), set()
    for spec in data["application"]:
        where, company = _where(spec), spec["company"]
        check(company in companies, "applications", f"{where}: no such company in companies.toml")
        check(
            companies[company]["status"] == "verified",
            "applications",
            f"{where}: the company is not verified in companies.toml",
        )
        check(
            (company, spec["vacancy"]) in published,
            "applications",
            f"{where}: no such published vacancy in vacancies.toml",
        )
        check(spec["stage"] in A.values, "applications", f"{where}: no stage {spec['stage']!r}")
        check(
            spec["stage"] in MAIN_LINE or spec["stage"] in ENDS_AFTER,
            "applications",
            f"{where}: the demo does not walk to {spec['stage']!r}",
        )
        if "after" in spec:
            check(
                spec["after"] in ENDS_AFTER.get(spec["stage"], ()),
                "applications",
                f"{where}: {spec['stage']!r} cannot follow {spec['after']!r}",
            )
        steps = path(spec)
        check(
            A.REJECTED not in steps or bool(spec.get("reason")),
            "applications",
            f"{where}: a company that does not go on writes its reason",
        )
        by = spec.get("by")
        check(by is None or by in logins, "applications", f"{where}: no login {by!r}")
        has_login = any(s.get("company") == company for s in logins.values())
        has_advisor = _advisor_province(companies[company], advisors) is not None
        check(
            bool(has_login or has_advisor or by),
            "applications",
            f"{where}: nobody acts for the company (no login, no demo chamber advisor)",
        )
        check(
            A.OFFERED not in steps or has_login,
            "applications",
            f"{where}: an offer is sent by a company user, and the company has no login",
        )
        check(
            A.INTERVIEW_PROPOSED not in steps or company in data["interview"],
            "applications",
            f'{where}: no interview settings for {company} (interview."{company}")',
        )
        key = (company, spec["vacancy"], spec["cin"])
        check(key not in seen, "applications", f"{where}: given twice")
        seen.add(key)
        if spec["stage"] == A.ACCEPTED:
            accepting.add(spec["cin"])
    for cin in sorted(accepting):
        count = sum(1 for spec in data["application"] if spec["cin"] == cin)
        check(
            count == 1,
            "applications",
            f"{cin} accepts an offer and has other applications: accepting would end them",
        )


class _Schedule:
    """Interview times in the company's working hours (applications.toml, `schedule`): one a
    working day at the file's times in turn, from the next working day on (`ahead`) or going
    back from the last one before today (`behind`). No two times are on the same day, so no
    one is ever in two interviews at once."""

    def __init__(self, spec: dict, today: datetime.date):
        self.times = [datetime.time.fromisoformat(t) for t in spec["times"]]
        self.holidays = set(spec["holidays"])
        self.easter_mondays = set(spec["easter_mondays"])
        self.today = today
        self.zone = ZoneInfo(ITALY)
        self._ahead = self._days(1)
        self._behind = self._days(-1)
        self._turn = 0

    def _working(self, day: datetime.date) -> bool:
        return (
            day.weekday() < 5
            and day.strftime("%m-%d") not in self.holidays
            and day not in self.easter_mondays
        )

    def _days(self, step: int):
        day = self.today
        while True:
            day += datetime.timedelta(days=step)
            if self._working(day):
                yield day

    def _at(self, day: datetime.date) -> datetime.datetime:
        time = self.times[self._turn % len(self.times)]
        self._turn += 1
        return datetime.datetime.combine(day, time, tzinfo=self.zone)

    def ahead(self, count: int) -> list[datetime.datetime]:
        return [self._at(next(self._ahead)) for _ in range(count)]

    def behind(self) -> datetime.datetime:
        return self._at(next(self._behind))


@dataclass
class _Walk:
    """One application of the file, walked to its stage."""

    spec: dict
    vacancy: Vacancy
    candidate: Candidate
    actor: User  # who acts for the company
    sender: User | None  # the company's login, who sends offers
    settings: dict  # the company's interview settings
    times: list[datetime.datetime] = field(default_factory=list)  # its interview's times
    held_at: datetime.datetime | None = None  # when its interview took place, if it did
    application: Application | None = None
    interview: Interview | None = None

    def step(self, stage: str, *, came_from: str) -> None:
        spec, user = self.spec, self.candidate.user
        if stage == A.SHORTLISTED:
            self.application = application_shortlist(
                vacancy=self.vacancy,
                candidate=self.candidate,
                by=self.actor,
                note=spec.get("why", ""),
            )
        elif stage in (A.AGREED, A.MEETING_DECLINED):
            application_answer(application=self.application, agree=stage == A.AGREED, by=user)
        elif stage == A.INTERVIEW_PROPOSED:
            self.interview = interview_propose(
                application=self.application,
                times=self.times,
                mode=Interview.Mode.VIDEO,
                video_link=self.settings["video_link"],
                minutes=self.settings["minutes"],
                guidance=self.settings["guidance"],
                by=self.actor,
            )
        elif stage == A.INTERVIEW_SCHEDULED:
            first = self.interview.slots.order_by("starts_at").first()
            self.interview = interview_choose(interview=self.interview, slot_id=first.pk, by=user)
        elif stage == A.INTERVIEWED:
            # The one write outside the services: the portal records an interview as held only
            # once its time has passed, and proposes only times to come. The demo's interviews
            # that took place were proposed and chosen through the services at a time to come,
            # then that time is moved to when they took place (the company's working hours on
            # a working day before the seeding), as the days passing would have done.
            InterviewSlot.objects.filter(pk=self.interview.chosen_id).update(starts_at=self.held_at)
            self.interview = interview_held(
                interview=self.interview, note=spec.get("interview_note", ""), by=self.actor
            )
        elif stage == A.OFFERED:
            terms = offer_terms_from(self.vacancy)
            if "pay" in spec:
                terms["gross_monthly_pay"] = spec["pay"]
            offer = offer_prepare(application=self.application, terms=terms, by=self.actor)
            offer_send(offer=offer, by=self.sender)
        elif stage == A.ACCEPTED:
            offer = self.application.offer
            language = user.reading_language
            shown = terms_hash(offer_terms(offer, language))
            offer_accept(offer=offer, by=user, language=language, shown_hash=shown)
        elif stage == A.DECLINED:
            offer_decline(offer=self.application.offer, by=user)
        elif stage == A.REJECTED:
            application_company_move(
                application=self.application, move="reject", note=spec["reason"], by=self.actor
            )
        elif stage == A.WITHDRAWN and came_from == A.SHORTLISTED:
            application_company_move(application=self.application, move="withdraw", by=self.actor)
        elif stage == A.WITHDRAWN:
            application_candidate_withdraw(application=self.application, by=user)
        self.application.refresh_from_db()


def seed_applications() -> Selection:
    """Create the demo applications that are missing, each walked to its stage; returns what the
    selection then holds."""
    data = read("applications")
    _check_file(data)
    companies = read("companies")
    specs = {c["name"]: c for c in companies["company"]}
    today = timezone.localdate()
    schedule = _Schedule(data["schedule"], today)
    walks = []
    for spec in data["application"]:
        where = _where(spec)
        company = Company.objects.get(legal_name=spec["company"])
        vacancy = Vacancy.objects.get(company=company, title=spec["vacancy"])
        candidate = Candidate.objects.select_related("user").filter(cin=spec["cin"]).first()
        check(candidate is not None, "applications", f"{where}: no candidate {spec['cin']}")
        if Application.objects.filter(vacancy=vacancy, candidate=candidate).exists():
            continue
        check(
            _ever_available(candidate),
            "applications",
            f"{where}: the candidate is not available to companies (candidates.toml)",
        )
        if not _may_ask(company, vacancy, candidate):
            continue  # moved during a demo: left as it is
        walks.append(
            _Walk(
                spec=spec,
                vacancy=vacancy,
                candidate=candidate,
                actor=_actor(spec, company, specs[spec["company"]], companies["advisors"]),
                sender=_admin(company),
                settings=data["interview"].get(spec["company"], {}),
            )
        )
    # The times proposed for interviews to come; then those that took place, going back from
    # the last working day (those that went furthest since were the earliest), each first
    # proposed and chosen at a time to come after the others (see _Walk.step).
    held = [w for w in walks if A.INTERVIEWED in path(w.spec)]
    for walk in walks:
        if A.INTERVIEW_PROPOSED in path(walk.spec) and walk not in held:
            walk.times = schedule.ahead(PROPOSED_TIMES.get(walk.spec["stage"], 2))
    for walk in sorted(held, key=lambda w: len(path(w.spec))):
        walk.held_at = schedule.behind()
    for walk in held:
        walk.times = schedule.ahead(1)
    for walk in walks:
        _walk(walk)
    return selection()


def _ever_available(candidate: Candidate) -> bool:
    """Whether the candidate was ever shown to companies (so a demo move may have taken them
    out since), from their stage history."""
    if candidate.status == Candidate.Status.AVAILABLE:
        return True
    return StageChange.objects.filter(
        target_type=candidate._meta.label_lower,
        target_id=str(candidate.pk),
        to_stage=Candidate.Status.AVAILABLE,
    ).exists()


def _may_ask(company: Company, vacancy: Vacancy, candidate: Candidate) -> bool:
    """What application_shortlist asks, still true (a demo may have changed it)."""
    return (
        company.status == Company.Status.VERIFIED
        and vacancy.status == Vacancy.Status.PUBLISHED
        and candidate.status == Candidate.Status.AVAILABLE
        and candidate.profile_shared
    )


def _actor(spec: dict, company: Company, company_spec: dict, advisors: dict) -> User:
    """Who acts for the company: `by`, else its login, else its demo chamber advisor."""
    if spec.get("by"):
        user = User.objects.get(email=spec["by"])
        check(
            company_list(user=user).filter(pk=company.pk).exists(),
            "applications",
            f"{_where(spec)}: {spec['by']} does not act for {company.legal_name}",
        )
        return user
    admin = _admin(company)
    if admin is not None:
        return admin
    return User.objects.get(email=advisors[_advisor_province(company_spec, advisors)])


def _walk(walk: _Walk) -> None:
    steps = path(walk.spec)
    try:
        for came_from, stage in zip(["", *steps], steps, strict=False):
            walk.step(stage, came_from=came_from)
    except DomainError as exc:  # the file asks something the portal refuses
        raise DemoDataError(
            f"demo/data/applications.toml: {_where(walk.spec)}: {exc.message}"
        ) from exc
    check(
        walk.application.status == walk.spec["stage"],
        "applications",
        f"{_where(walk.spec)}: ended “{walk.application.status}”, not “{walk.spec['stage']}”",
    )


def selection() -> Selection:
    """What the selection holds now: applications by stage, the places taken by region."""
    applications = Application.objects.order_by()
    counts = dict(applications.values_list("status").annotate(n=Count("pk")))
    # From the database, as the acceptance counts places (not the per-process reference copy).
    scheme = Scheme.objects.get(is_current=True)
    held = QuotaSlot.objects.filter(scheme=scheme, released_at__isnull=True).order_by()
    regions = dict(held.values_list("region").annotate(n=Count("pk")))
    return Selection(
        applications=sum(counts.values()),
        companies=applications.values("company").distinct().count(),
        stages={s: counts[s] for s in A.values if counts.get(s)},
        places=sum(regions.values()),
        quota=scheme.quota,
        by_region={
            region_name(code): regions[code]
            for code in scheme.destination_regions
            if regions.get(code)
        },
    )
