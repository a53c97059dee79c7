"""The demo's organisations and the logins it prints (accounts.toml), and how a demo account is
made: as the portal's sign-up makes one, with the demo password. The candidates are in
demo/trainees.py, the companies in demo/employers.py."""

from dataclasses import dataclass
from functools import cache

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Membership, Organisation, User

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
# is a comparison: hashing takes a quarter of a second, and the demo has dozens of accounts. The
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


def new_account(*, email: str, full_name: str) -> User:
    """An account as the portal's sign-up leaves it: the person chose the demo password and
    proved their address. What it may do comes after, from the service that takes it (a
    company's registration, an invitation's acceptance) or from accounts.toml."""
    user = User(
        email=User.objects.normalize_email(email).lower(),
        full_name=full_name,
        password=demo_password_hash(),
    )
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def seed_logins() -> list[DemoLogin]:
    """Create (or bring back to their demo state) the organisations and the logins of
    accounts.toml; return the logins. A company login's company, and the candidate login, are
    made later through the services that make them on the portal (demo/employers.py,
    demo/trainees.py): here they are only brought back once they exist."""
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
        trained = spec.get("ethical_training_completed_on")
        check(
            trained is None or (bool(company) and trained <= timezone.localdate()),
            "accounts",
            f"{email}: ethical_training_completed_on is for a company login, on a day past",
        )
        user = User.objects.filter(email=email).first()
        if user is None and (org_name or company):
            user = new_account(email=email, full_name=spec["full_name"])
        if user is not None:
            _bring_back(user, spec, organisation=orgs.get(org_name))
        if org_name:
            label, where = ROLE_OF_KIND[orgs[org_name].kind], org_name
        elif company:
            label, where = ROLE_OF_KIND[Organisation.Kind.COMPANY], company
        else:
            label, where = "candidate", "—"
        logins.append(DemoLogin(label, email, where, spec.get("totp_secret", "")))
    return logins


def _bring_back(user: User, spec: dict, *, organisation: Organisation | None) -> None:
    """The login's demo name, password, flags, confirmed address, membership, MFA secret, and
    the ethical-recruitment course IOM records (in the admin) on a company user."""
    user.full_name = spec["full_name"]
    user.ethical_training_completed_on = spec.get("ethical_training_completed_on")
    user.is_candidate = not (spec.get("organisation") or spec.get("company"))
    user.is_superuser = user.is_staff = spec.get("superuser", False)
    user.is_active = True
    user.password = demo_password_hash()
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if organisation is not None:
        Membership.objects.update_or_create(
            user=user, defaults={"organisation": organisation, "role": spec["role"]}
        )
    if totp_secret := spec.get("totp_secret", ""):
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        TOTP.activate(user, totp_secret)
