"""Demo organisations and one login per role, for `manage.py seed_demo` (idempotent)."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from .models import Membership, Organisation, User

DEMO_PASSWORD = "thamm-demo-2026"

# Fixed TOTP secrets so that a person (or the browser tests) can compute the codes.
IOM_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CHAMBER_TOTP_SECRET = "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA"  # the Bergamo advisor
MODENA_TOTP_SECRET = "ORUGC3LNFVWW6ZDFNZQS2YLEOZUXG33S"
VICENZA_TOTP_SECRET = "ORUGC3LNFV3GSY3FNZ5GCLLBMR3GS43P"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    organisation: str
    totp_secret: str = ""


ORGANISATIONS = [
    # (kind, name, city, country)
    (Organisation.Kind.IOM, "IOM Italy — THAMM Plus coordination", "Roma", "IT"),
    # The chambers are those of the data migration (companies 0007), named as it names them.
    (
        Organisation.Kind.CHAMBER,
        "Camera di Commercio di Bergamo — Bergamo Sviluppo",
        "Bergamo",
        "IT",
    ),
    (Organisation.Kind.CHAMBER, "Camera di Commercio di Modena", "Modena", "IT"),
    (Organisation.Kind.CHAMBER, "Camera di Commercio di Vicenza", "Vicenza", "IT"),
    (
        Organisation.Kind.TRAINING_CENTRE,
        "OFPPT — Centre de formation de Casablanca",
        "Casablanca",
        "MA",
    ),
    (Organisation.Kind.TRAINING_CENTRE, "OFPPT — Centre de formation de Tanger", "Tanger", "MA"),
    (Organisation.Kind.COMPANY, "Meccanica Orobica S.r.l.", "Bergamo", "IT"),
    (Organisation.Kind.COMPANY, "Automazioni Emiliane S.p.A.", "Modena", "IT"),
    (Organisation.Kind.COMPANY, "Veneta Robotica S.r.l.", "Vicenza", "IT"),
]

USERS = [
    # (e-mail, full name, organisation (None: a candidate), membership role, superuser, TOTP)
    ("iom@thamm.example", "Giulia Conti", ORGANISATIONS[0][1], "admin", True, IOM_TOTP_SECRET),
    (
        "advisor@bergamo.thamm.example",
        "Marco Rota",
        ORGANISATIONS[1][1],
        "admin",
        False,
        CHAMBER_TOTP_SECRET,
    ),
    (
        "advisor@modena.thamm.example",
        "Elisa Malagoli",
        ORGANISATIONS[2][1],
        "admin",
        False,
        MODENA_TOTP_SECRET,
    ),
    (
        "advisor@vicenza.thamm.example",
        "Stefano Dalla Valle",
        ORGANISATIONS[3][1],
        "admin",
        False,
        VICENZA_TOTP_SECRET,
    ),
    (
        "staff@casablanca.thamm.example",
        "Samira El Idrissi",
        ORGANISATIONS[4][1],
        "admin",
        False,
        "",
    ),
    ("staff@tanger.thamm.example", "Youssef Benali", ORGANISATIONS[5][1], "admin", False, ""),
    ("hr@orobica.thamm.example", "Laura Bonetti", ORGANISATIONS[6][1], "admin", False, ""),
    ("hr@emiliane.thamm.example", "Paolo Ferri", ORGANISATIONS[7][1], "admin", False, ""),
    ("hr@venetarobotica.thamm.example", "Chiara Zanon", ORGANISATIONS[8][1], "admin", False, ""),
    ("candidate@thamm.example", "Amine Tazi", None, "", False, ""),
]

ROLE_OF_KIND = {
    Organisation.Kind.IOM: "IOM coordinator",
    Organisation.Kind.CHAMBER: "chamber advisor",
    Organisation.Kind.TRAINING_CENTRE: "training-centre staff",
    Organisation.Kind.COMPANY: "company user",
}


def seed() -> list[DemoLogin]:
    """Create (or bring back to their demo state) the organisations and users; return the logins."""
    orgs = {}
    for kind, name, city, country in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(
            kind=kind, name=name, defaults={"city": city, "country": country}
        )
        orgs[name] = org
    logins = []
    for email, full_name, org_name, role, superuser, totp_secret in USERS:
        user, _ = User.objects.get_or_create(email=email)
        user.full_name = full_name
        user.is_candidate = org_name is None
        user.is_superuser = user.is_staff = superuser
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if org_name:
            Membership.objects.update_or_create(
                user=user, defaults={"organisation": orgs[org_name], "role": role}
            )
        if totp_secret:
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
            TOTP.activate(user, totp_secret)
        label = ROLE_OF_KIND[orgs[org_name].kind] if org_name else "candidate"
        logins.append(DemoLogin(label, email, org_name or "—", totp_secret))
    # The advisors' companies are assigned with the company profiles (companies/demo.py).
    return logins
