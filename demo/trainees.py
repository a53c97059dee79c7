"""The demo candidates (candidates.toml): about 60 per demo training centre, registered and moved
only through the portal's services, by their centre's staff login (accounts.toml): their cohorts,
results, certification, withdrawal or end without the certificate. Two of every three certified
candidates accept the login their centre invites them to make and agree to be shown to
companies, which makes them available; the candidate login (accounts.toml) is made the same way,
for Casablanca's first candidate, who agrees too (candidates.toml, `login_candidate`).

Only the candidates missing are created, each taken at once to its outcome: seeding again
changes nobody, and a candidate moved during a demo stays where they were moved.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.services import invitation_accept, invitation_lock_for_signup
from candidates.models import Candidate, Occupation, PrivacyNotice
from candidates.services import (
    candidate_create,
    candidate_invite,
    candidate_mark_not_certified,
    candidate_start_training,
    candidate_withdraw,
    consent_give,
)
from training.models import Cohort, Course
from training.selectors import catalogue_courses
from training.services import candidate_certify, cohort_create, cohort_enrol, result_record

from .files import check, read
from .people import new_account

OUTCOMES = ("certified", "missing_module", "half_way", "registered", "withdrawn", "not_certified")
# How far ahead a candidate could start work in Italy, in days, by where their training stands.
EARLIEST_START_DAYS = {
    "certified": (30, 180),
    "missing_module": (90, 270),
    "half_way": (150, 330),
    "registered": (240, 420),
}


# The stages whose value does not read as words in the summary line.
STAGE_WORDS = {"predeparture": "in pre-departure", "arrived": "arrived in Italy"}


@dataclass(frozen=True)
class Trainees:
    """What `seed_demo` prints of the demo candidates."""

    total: int
    stages: dict[str, int]  # how many at each stage, in the lifecycle's order
    logins: int  # how many have their own login
    login_domain: str

    def __str__(self) -> str:  # in English, as the command prints
        stages = ", ".join(
            f"{n} {STAGE_WORDS.get(stage, stage.replace('_', ' '))}"
            for stage, n in self.stages.items()
        )
        return (
            f"{self.total} demo candidates at the two training centres ({stages}); "
            f"{self.logins} with their own login: the candidate login below, and each other one "
            f"who agreed to be shown to companies as <CIN in lower case>@{self.login_domain}."
        )


@dataclass(frozen=True)
class Centre:
    """One demo centre as the seed works on it."""

    organisation: Organisation
    city: str
    staff: User  # its staff login, who registers and moves its candidates


def _check_file(data: dict) -> None:
    for spec in data["outcomes"]:
        check(spec["outcome"] in OUTCOMES, "candidates", f"no outcome {spec['outcome']!r}")
    check(bool(data["shown_to_companies"]), "candidates", "shown_to_companies is empty")
    today = timezone.localdate()
    for spec in data["cohort"]:
        check(
            spec["starts_on"] <= today,
            "candidates",
            f"the cohort {spec['name']} starts on {spec['starts_on']}: its candidates cannot "
            "have results, nor be certified, before it starts",
        )


def seed_candidates() -> None:
    """Create the demo candidates that are missing, each taken to their outcome."""
    data = read("candidates")
    _check_file(data)
    outcomes = [spec["outcome"] for spec in data["outcomes"] for _ in range(spec["count"])]
    for city, place in data["centres"].items():
        organisation = Organisation.objects.get(kind=Organisation.Kind.TRAINING_CENTRE, city=city)
        centre = Centre(organisation, city, _staff_login(organisation))
        registered = _register(centre, place, outcomes, data)
        if registered:
            _train(centre, registered, outcomes, data)
    _login_person_chooses(data)


def trainees() -> Trainees:
    """What the demo centres hold (once the selection has moved some candidates on)."""
    data = read("candidates")
    candidates = Candidate.objects.filter(
        training_centre__kind=Organisation.Kind.TRAINING_CENTRE,
        training_centre__city__in=list(data["centres"]),
    )
    counts = dict(candidates.order_by().values_list("status").annotate(n=Count("pk")))
    return Trainees(
        total=sum(counts.values()),
        stages={s: counts[s] for s in Candidate.Status.values if counts.get(s)},
        logins=candidates.filter(user__isnull=False).count(),
        login_domain=data["login_domain"],
    )


def _staff_login(centre: Organisation) -> User:
    """The centre's login in accounts.toml: its staff member who registers and moves its
    candidates."""
    emails = [s["email"] for s in read("accounts")["login"] if s.get("organisation") == centre.name]
    check(bool(emails), "accounts", f"no login at {centre.name}")
    return User.objects.get(email=emails[0])


def _register(centre: Centre, place: dict, outcomes: list[str], data: dict) -> dict:
    """Register the centre's demo candidates that are missing (by CIN); returns them by their
    index in `outcomes`. Every person is drawn, present or not, so that each index is always the
    same person."""
    rng = random.Random(centre.city)  # the same people every time
    occupations = list(Occupation.objects.all())
    educations = Candidate.Education.values[2:]  # the baccalaureate or more
    letters = place["cin_letters"]
    cins = [f"{letters}{100000 + index}" for index in range(len(outcomes))]
    present = set(Candidate.objects.filter(cin__in=cins).values_list("cin", flat=True))
    person = _login_person(data)
    today = timezone.localdate()
    registered = {}
    for index, (cin, outcome) in enumerate(zip(cins, outcomes, strict=True)):
        first, first_ar, sex = rng.choice(data["first_names"])
        last, last_ar = rng.choice(data["last_names"])
        with_arabic = index % 4 == 0
        record = {
            "cin": cin,
            "first_name": first,
            "last_name": last,
            "first_name_ar": first_ar if with_arabic else "",
            "last_name_ar": last_ar if with_arabic else "",
            "date_of_birth": datetime.date(1988 + rng.randrange(14), rng.randrange(1, 13), 10),
            "sex": sex,
            "phone": f"+2126{rng.randrange(10_000_000, 99_999_999)}",
            "email": f"{cin.lower()}@{data['login_domain']}",
            "residence_region": place["region"],
            "education": rng.choice(educations),
            "years_experience": rng.randrange(0, 12),
            "preferred_regions": rng.sample(data["preferred_regions"], k=rng.randrange(1, 4)),
        }
        worked_as = rng.sample(occupations, k=rng.randrange(0, 3))
        if cin in present:
            continue
        # Drawn apart from the people, so that adding a field leaves everyone else as they were.
        profile = random.Random(f"{cin} profile")
        if record["years_experience"] and not worked_as:  # experience is in some occupation
            worked_as = [profile.choice(occupations)]
        if outcome in EARLIEST_START_DAYS:
            days = profile.randrange(*EARLIEST_START_DAYS[outcome])
            record["earliest_start"] = today + datetime.timedelta(days=days)
        if _is_login_person(centre, index, person):
            record |= {k: v for k, v in person.items() if k in Candidate.RECORD_FIELDS}
        registered[index] = candidate_create(
            centre=centre.organisation, data=record, occupations=worked_as, by=centre.staff
        )
    return registered


def _login_person(data: dict) -> dict:
    """The candidate login's person (candidates.toml, `login_candidate`): their centre's first
    candidate, under the login's name and address, so that the greeting and the record name the
    same person."""
    person = dict(data["login_candidate"])
    names = [s["full_name"] for s in read("accounts")["login"] if s["email"] == person["email"]]
    check(bool(names), "candidates", f"login_candidate: no login {person['email']} in accounts")
    return person | {"full_name": names[0]}


def _is_login_person(centre: Centre, index: int, person: dict) -> bool:
    return (centre.city, index) == (person["centre"], 0)


def _cohorts(centre: Centre, data: dict) -> list[Cohort]:
    cohorts = []
    for spec in data["cohort"]:
        name = f"{centre.city} {spec['name']}"
        cohort = Cohort.objects.filter(training_centre=centre.organisation, name=name).first()
        if cohort is None:
            fields = {k: spec[k] for k in ("starts_on", "ends_on", "trainers")}
            cohort = cohort_create(
                centre=centre.organisation, data={"name": name, **fields}, by=centre.staff
            )
        cohorts.append(cohort)
    return cohorts


def _train(centre: Centre, registered: dict, outcomes: list[str], data: dict) -> None:
    """Enrol the new candidates who started training (every other one in each cohort) and take
    each to their outcome."""
    cohorts = _cohorts(centre, data)
    size = len(cohorts)
    for position, cohort in enumerate(cohorts):
        group = [
            candidate
            for index, candidate in registered.items()
            if outcomes[index] != "registered" and index % size == position
        ]
        if group:
            cohort_enrol(cohort=cohort, candidates=group, by=centre.staff)
    person = _login_person(data)
    for index, candidate in registered.items():
        outcome = outcomes[index]
        rank = outcomes[:index].count(outcome)  # their place among those of the same outcome
        _take_to(outcome, candidate, centre, cohort=cohorts[index % size], rank=rank)
        if _is_login_person(centre, index, person):
            _sign_up(candidate, staff=centre.staff, full_name=person["full_name"])
        elif outcome == "certified" and _shown(rank, data["shown_to_companies"]):
            user = _sign_up(candidate, staff=centre.staff, full_name=candidate.full_name)
            _share(candidate, user)


def _share(candidate: Candidate, user: User) -> None:
    """The candidate accepts the privacy notice and agrees to be shown to companies."""
    notice = PrivacyNotice.in_force()
    check(notice is not None, "candidates", "no privacy notice in force to consent to")
    consent_give(candidate=candidate, notice=notice, share_with_companies=True, by=user)


def _login_person_chooses(data: dict) -> None:
    """The candidate login's person agrees to be shown to companies if the file says so, once:
    a choice made during a demo (consent withdrawn, given again) stays as it was made. Also in
    a database seeded before they agreed in the demo."""
    person = _login_person(data)
    if not person.get("shown_to_companies"):
        return
    candidate = Candidate.objects.select_related("user").filter(user__email=person["email"])
    candidate = candidate.first()
    if candidate is not None and not candidate.consents.exists():
        _share(candidate, candidate.user)


def _shown(rank: int, pattern: list[bool]) -> bool:
    return pattern[rank % len(pattern)]


def _take_to(
    outcome: str, candidate: Candidate, centre: Centre, *, cohort: Cohort, rank: int
) -> None:
    """Move a registered candidate to their outcome, as their centre's staff would."""
    if outcome == "registered":
        return
    data = read("candidates")
    staff = centre.staff
    candidate_start_training(candidate=candidate, by=staff)
    results = _Results(
        staff=staff, candidate=candidate, cohort=cohort, levels=data["italian_levels"]
    )
    courses = [c for c in catalogue_courses() if c.kind != Course.Kind.EMPLOYER]
    mandatory = [c for c in courses if c.mandatory]
    if outcome == "certified":
        results.record(mandatory, passing=True)
        # Some took an optional module too (robotics), which some vacancies ask for.
        optional = [c for c in courses if not c.mandatory]
        results.record([c for c in optional if results.rng.random() < 0.5], passing=True)
        candidate_certify(candidate=candidate, by=staff)
    elif outcome in ("missing_module", "not_certified"):
        failed = results.rng.choice([c for c in mandatory if c.kind == Course.Kind.TECHNICAL])
        results.record([c for c in mandatory if c != failed], passing=True)
        results.record([failed], passing=False)
    elif outcome == "half_way":
        results.record(mandatory[: len(mandatory) // 2], passing=True)
    elif outcome == "withdrawn":  # left after the first assessments
        results.record(mandatory[:2], passing=True)
    if outcome == "not_certified":
        reason = data["not_certified_reasons"][rank % len(data["not_certified_reasons"])]
        candidate_mark_not_certified(candidate=candidate, by=staff, reason=reason)
    elif outcome == "withdrawn":
        reason = data["withdrawal_reasons"][rank % len(data["withdrawal_reasons"])]
        candidate_withdraw(candidate=candidate, by=staff, reason=reason)


def _sign_up(candidate: Candidate, *, staff: User, full_name: str) -> User:
    """The portal's way to a candidate login: their centre invites them (to the e-mail address on
    their record) and they sign up from the invitation, which links the login to the record. The
    invitation is used before the seed commits, so its e-mail is never sent."""
    invitation = candidate_invite(candidate=candidate, by=staff, base_url=settings.PORTAL_URL)
    invitation_lock_for_signup(invitation_id=invitation.pk)
    user = new_account(email=invitation.email, full_name=full_name)
    invitation_accept(invitation_id=invitation.pk, user=user)
    candidate.refresh_from_db(fields=["user"])
    return user


@dataclass
class _Results:
    """Records a candidate's results as their centre's staff, drawn (the same way every time)
    from the candidate's CIN."""

    staff: User
    candidate: Candidate
    cohort: Cohort
    levels: list[str]  # the Italian levels of those who pass

    def __post_init__(self):
        self.rng = random.Random(self.candidate.cin)

    def record(self, courses: list[Course], *, passing: bool) -> None:
        today = timezone.localdate()
        for course in courses:
            if course.kind == Course.Kind.LANGUAGE:
                score, level = None, self.rng.choice(self.levels) if passing else "A1"
            else:
                mark = int(course.pass_mark)
                points = self.rng.randrange(mark, 100) if passing else self.rng.randrange(35, mark)
                score, level = Decimal(points), ""
            # Assessed some three to five months into the cohort, and never in the future.
            days = datetime.timedelta(days=self.rng.randrange(90, 150))
            result_record(
                candidate=self.candidate,
                course=course,
                score=score,
                attendance=Decimal(self.rng.randrange(82, 100)),
                cefr_level=level,
                assessed_on=min(self.cohort.starts_on + days, today),
                by=self.staff,
            )
