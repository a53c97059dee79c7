"""The demo's organisations and logins (accounts.toml), and its candidates, cohorts and results
(candidates.toml): about 60 candidates per demo training centre, of whom those in training have
results that make a third of them certified."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from candidates.models import Candidate, Occupation
from thamm.stages import stage_record
from training.models import Cohort, Course, Enrolment, Result
from training.selectors import catalogue_courses

from .files import check, read

DEMO_PASSWORD: str = read("accounts")["password"]
# (Latin script, Arabic script, sex) and (Latin script, Arabic script): benchmarks/pages.py draws
# its candidates' names from them too.
FIRST_NAMES: list[tuple[str, str, str]] = [tuple(n) for n in read("candidates")["first_names"]]
LAST_NAMES: list[tuple[str, str]] = [tuple(n) for n in read("candidates")["last_names"]]

ROLE_OF_KIND = {
    Organisation.Kind.IOM: "IOM coordinator",
    Organisation.Kind.CHAMBER: "chamber advisor",
    Organisation.Kind.TRAINING_CENTRE: "training-centre staff",
    Organisation.Kind.COMPANY: "company user",
}
# A fixed salt, so that every demo account holds the same hash and giving one its password back
# is a comparison: hashing takes a quarter of a second, and the demo has a dozen accounts. The
# password is printed for all to read anyway.
DEMO_SALT = "thammdemo2026passwordsalt"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    organisation: str
    totp_secret: str = ""


@cache
def demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD, salt=DEMO_SALT)


def seed_logins() -> list[DemoLogin]:
    """Create (or bring back to their demo state) the organisations and users; return the logins.
    The advisors' companies are assigned with the companies, and a company login's company is
    signed up by it there (demo/employers.py)."""
    accounts = read("accounts")
    companies = {spec["name"] for spec in read("companies")["company"]}
    orgs = {}
    for spec in accounts["organisation"]:
        org, _ = Organisation.objects.update_or_create(
            kind=spec["kind"],
            name=spec["name"],
            defaults={"city": spec["city"], "country": spec["country"]},
        )
        orgs[spec["name"]] = org
    logins = []
    for spec in accounts["login"]:
        email, org_name, company = spec["email"], spec.get("organisation"), spec.get("company")
        totp_secret = spec.get("totp_secret", "")
        check(
            org_name is None or org_name in orgs,
            "accounts",
            f"{email}: no organisation {org_name!r}",
        )
        check(
            company is None or company in companies,
            "accounts",
            f"{email}: no company {company!r} in companies.toml",
        )
        user, _ = User.objects.get_or_create(email=email)
        user.full_name = spec["full_name"]
        user.is_candidate = not (org_name or company)
        user.is_superuser = user.is_staff = spec.get("superuser", False)
        user.is_active = True
        user.password = demo_password_hash()
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if org_name:
            Membership.objects.update_or_create(
                user=user, defaults={"organisation": orgs[org_name], "role": spec["role"]}
            )
        if totp_secret:
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
            TOTP.activate(user, totp_secret)
        if org_name:
            label, where = ROLE_OF_KIND[orgs[org_name].kind], org_name
        elif company:
            label, where = ROLE_OF_KIND[Organisation.Kind.COMPANY], company
        else:
            label, where = "candidate", "—"
        logins.append(DemoLogin(label, email, where, totp_secret))
    return logins


def seed_candidates() -> int:
    """Create the demo candidates that are missing; returns how many demo candidates exist."""
    occupations = list(Occupation.objects.all())
    educations = Candidate.Education.values[2:]  # the baccalaureate or more
    data = read("candidates")
    stages = [s["status"] for s in data["stages"] for _ in range(s["count"])]
    total = 0
    for city, place in data["centres"].items():
        centre = Organisation.objects.get(kind=Organisation.Kind.TRAINING_CENTRE, city=city)
        rng = random.Random(city)  # the same people every time
        for index, status in enumerate(stages):
            first, first_ar, sex = rng.choice(data["first_names"])
            last, last_ar = rng.choice(data["last_names"])
            with_arabic = index % 4 == 0
            candidate, created = Candidate.objects.get_or_create(
                cin=f"{place['cin_letters']}{100000 + index}",
                defaults={
                    "training_centre": centre,
                    "first_name": first,
                    "last_name": last,
                    "first_name_ar": first_ar if with_arabic else "",
                    "last_name_ar": last_ar if with_arabic else "",
                    "date_of_birth": datetime.date(
                        1988 + rng.randrange(14), rng.randrange(1, 13), 10
                    ),
                    "sex": sex,
                    "phone": f"+2126{rng.randrange(10_000_000, 99_999_999)}",
                    "residence_region": place["region"],
                    "education": rng.choice(educations),
                    "years_experience": rng.randrange(0, 12),
                    "preferred_regions": rng.sample(
                        data["preferred_regions"], k=rng.randrange(1, 4)
                    ),
                    "status": status,
                    "status_changed_at": timezone.now(),
                },
            )
            if created:
                candidate.previous_occupations.set(rng.sample(occupations, k=rng.randrange(0, 3)))
                stage_record(
                    obj=candidate, from_stage="", to_stage=status, by=None, note="demo data"
                )
            total += 1
    _link_the_candidate_login()
    return total


def _link_the_candidate_login() -> None:
    """The candidate login is the first candidate of its centre, under the login's name (also in a
    database seeded before the two were the same person)."""
    data = read("candidates")
    person = dict(data["login_candidate"])
    login = User.objects.get(email=person.pop("email"))
    letters = data["centres"][person.pop("centre")]["cin_letters"]
    first = Candidate.objects.get(cin=f"{letters}100000")
    if first.user_id != login.pk:
        Candidate.objects.filter(user=login).update(user=None)
        first.user = login
        first.save(update_fields=["user"])
    changed = [name for name, value in person.items() if getattr(first, name) != value]
    if changed:
        for name in changed:
            setattr(first, name, person[name])
        first.save(update_fields=changed)


def _result(candidate, course, rng, *, passing: bool) -> None:
    if course.kind == Course.Kind.LANGUAGE:
        level = rng.choice(["A2", "B1"]) if passing else "A1"
        score, passed = None, passing
    else:
        score = Decimal(
            rng.randrange(int(course.pass_mark), 96) if passing else rng.randrange(35, 59)
        )
        level, passed = "", passing
    Result.objects.update_or_create(
        candidate=candidate,
        course=course,
        defaults={
            "score": score,
            "cefr_level": level,
            "attendance": Decimal(rng.randrange(82, 100)),
            "assessed_on": datetime.date(2026, 5, 1) + datetime.timedelta(days=rng.randrange(60)),
            "passed": passed,
        },
    )


def _seed_cohorts(city: str, letters: str) -> None:
    candidates = list(Candidate.objects.filter(cin__startswith=letters).order_by("cin"))
    if not candidates:
        return
    centre = candidates[0].training_centre
    for index, spec in enumerate(read("candidates")["cohort"]):
        cohort, _created = Cohort.objects.get_or_create(
            training_centre=centre,
            name=f"{city} {spec['name']}",
            defaults={
                "starts_on": spec["starts_on"],
                "ends_on": spec["ends_on"],
                "trainers": spec["trainers"],
            },
        )
        for candidate in candidates[index::2]:  # every other candidate in each cohort
            Enrolment.objects.get_or_create(cohort=cohort, candidate=candidate)


def seed_results() -> int:
    """Create the demo cohorts and results once: of the candidates in training at each centre, a
    third passed everything and are certified, a third miss one module, a third are half-way.
    Returns how many candidates are certified."""
    mandatory = [c for c in catalogue_courses() if c.mandatory]
    for city, place in read("candidates")["centres"].items():
        letters = place["cin_letters"]
        _seed_cohorts(city, letters)
        trainees = Candidate.objects.filter(cin__startswith=letters).order_by("cin")
        trainees = [c for c in trainees if c.status in ("in_training", "certified")]
        for index, candidate in enumerate(trainees):
            if Result.objects.filter(candidate=candidate).exists():
                continue  # already seeded
            rng = random.Random(candidate.cin)
            if index % 3 == 0:  # passed everything: certified
                for course in mandatory:
                    _result(candidate, course, rng, passing=True)
                if candidate.status == Candidate.Status.IN_TRAINING:
                    candidate.status = Candidate.Status.CERTIFIED
                    candidate.status_changed_at = timezone.now()
                    candidate.save(update_fields=["status", "status_changed_at"])
                    stage_record(
                        obj=candidate,
                        from_stage="in_training",
                        to_stage="certified",
                        by=None,
                        note="demo data",
                    )
            elif index % 3 == 1:  # one module failed
                failed = rng.choice([c for c in mandatory if c.kind == Course.Kind.TECHNICAL])
                for course in mandatory:
                    _result(candidate, course, rng, passing=course != failed)
            else:  # half-way through the courses
                for course in mandatory[: len(mandatory) // 2]:
                    _result(candidate, course, rng, passing=True)
    return Candidate.objects.filter(status=Candidate.Status.CERTIFIED).count()
