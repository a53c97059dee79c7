"""The demo companies (companies.toml), their production units and vacancies (vacancies.toml),
and the chamber advisors who assist them.

Everything goes through the portal's services, so the demo obeys the portal's rules: a company
with a demo login is signed up by it (`company_register`, which makes that login its admin), one
without is made as IOM makes a company in the admin; then the rest of the profile, advisors'
assignments, units, verification, the employer-pays signature, vacancies and their states. Running
the seed again only adds what is missing; it never moves anything backwards.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import Membership, Organisation, OrganisationUserObjectPermission, User
from accounts.selectors import ASSIST_COMPANY
from accounts.services import advisor_assign
from candidates.models import Occupation
from companies.forms import SIGNUP_COMPANY_FIELDS
from companies.models import Attestation, Company, RegionalBody, Vacancy, make_partita_iva
from companies.services import (
    attestation_sign,
    company_register,
    company_set_status,
    company_update,
    current_statement,
    unit_add,
    vacancy_create,
    vacancy_move,
)
from thamm.stages import stage_history, stage_record
from training.models import Course

from .files import check, read

PENDING, VERIFIED, SUSPENDED = (
    Company.Status.PENDING,
    Company.Status.VERIFIED,
    Company.Status.SUSPENDED,
)
# The moves that bring a new draft to each demo state (the closed ones were online before).
MOVES_TO = {
    Vacancy.Status.DRAFT: [],
    Vacancy.Status.PUBLISHED: ["publish"],
    Vacancy.Status.FILLED: ["publish", "fill"],
    Vacancy.Status.CLOSED: ["publish", "close"],
}


@dataclass(frozen=True)
class Summary:
    companies: int
    verified: int
    pending: int
    suspended: int
    vacancies: int
    published: int

    def __str__(self) -> str:
        return (
            f"{self.companies} companies ({self.verified} verified, {self.pending} pending, "
            f"{self.suspended} suspended), {self.vacancies} vacancies "
            f"({self.published} published)."
        )


def _check_files(companies: dict, vacancies: dict) -> None:
    """Each vacancy names a company, one of its units' comune and a job profile that exist."""
    comuni = {c["name"]: {u["comune"] for u in c["units"]} for c in companies["company"]}
    for spec in vacancies["vacancy"]:
        where = f"the vacancy “{spec['title']}” of {spec['company']}"
        check(spec["company"] in comuni, "vacancies", f"{where}: no such company in companies.toml")
        check(spec["comune"] in comuni[spec["company"]], "vacancies", f"{where}: no unit there")
        check(spec["title"] in vacancies["profile"], "vacancies", f"{where}: no such profile")
        check(spec["status"] in MOVES_TO, "vacancies", f"{where}: no status {spec['status']!r}")


def _advisor_province(spec: dict, advisors: dict) -> str | None:
    """The province of the demo chamber whose area the company is in, if any (its first unit
    there)."""
    return next((u["province"] for u in spec["units"] if u["province"] in advisors), None)


def _company(spec: dict, *, chamber: Organisation | None, today: datetime.date, iom: User):
    """The company's organisation and profile, made as the portal makes them: by its login's
    sign-up (accounts.toml), else as IOM makes a company in the admin; then the rest of the profile
    through `company_update`, by its admin or IOM. A profile field already filled is left alone."""
    company = Company.objects.filter(
        organisation__kind=Organisation.Kind.COMPANY, organisation__name=spec["name"]
    ).first()
    profile = _profile(spec, chamber=chamber, today=today, company=company)
    if company is None:
        signer = _signers().get(spec["name"])
        if signer is not None:
            company = company_register(
                user=User.objects.get(email=signer),
                data={f: profile[f] for f in SIGNUP_COMPANY_FIELDS},
            )
            # No portal form asks a company's city; IOM keeps it in the admin.
            Organisation.objects.filter(pk=company.organisation_id).update(
                city=spec["units"][0]["comune"]
            )
        else:
            company = _made_by_iom(spec, profile, iom=iom)
    blank = {f: v for f, v in profile.items() if v and not getattr(company, f)}
    if blank:
        company = company_update(company=company, data=blank, by=_admin(company) or iom)
    return company


def _profile(
    spec: dict, *, chamber: Organisation | None, today: datetime.date, company: Company | None
) -> dict:
    partita_iva = (
        company.partita_iva if company else make_partita_iva(spec["serial"], spec["office"])
    )
    profile = {
        "legal_name": spec["name"],
        "partita_iva": partita_iva,
        "codice_fiscale": partita_iva,  # a company's codice fiscale is usually its Partita IVA
        "ateco_code": spec["ateco"],
        "size": spec["size"],
        "pec": spec["pec"],
        "contact_name": spec["contact"]["name"],
        "contact_email": spec["contact"]["email"],
        "contact_phone": spec["contact"]["phone"],
        "chamber": chamber,
    }
    if interest := spec.get("interest"):
        profile |= {
            "interest_body": RegionalBody.objects.get(name=interest["body"]),
            "interest_date": today - datetime.timedelta(days=interest["days_ago"]),
            "interest_reference": interest["reference"],
        }
    return profile


def _signers() -> dict[str, str]:
    """The companies with a demo login (accounts.toml), each with the login that signs it up."""
    return {s["company"]: s["email"] for s in read("accounts")["login"] if s.get("company")}


def _made_by_iom(spec: dict, profile: dict, *, iom: User) -> Company:
    """A company without a login, as IOM makes one in the admin: its organisation, then its
    profile with the sign-up's fields but the chamber (which the admin leaves to the portal, where
    its rules run). Nobody signed it up, so it is never removed as an unconfirmed sign-up."""
    organisation = Organisation(
        kind=Organisation.Kind.COMPANY,
        name=spec["name"],
        city=spec["units"][0]["comune"],
        country="IT",
    )
    organisation.full_clean()
    organisation.save()
    fields = [f for f in SIGNUP_COMPANY_FIELDS if f != "chamber"]
    company = Company(organisation=organisation, **{f: profile[f] for f in fields})
    company.full_clean()
    company.save()
    stage_record(obj=company, from_stage="", to_stage=company.status, by=iom)
    return company


def _admin(company: Company) -> User | None:
    """The company's administrator: the login that signed it up, if any."""
    return (
        User.objects.filter(
            membership_row__organisation_id=company.organisation_id,
            membership_row__role=Membership.Role.ADMIN,
        )
        .order_by("pk")
        .first()
    )


def _assign(*, advisor: User, company: Company, by: User) -> None:
    assigned = OrganisationUserObjectPermission.objects.filter(
        user=advisor, content_object_id=company.organisation_id, permission__codename=ASSIST_COMPANY
    )
    if not assigned.exists():
        advisor_assign(advisor=advisor, company=company.organisation, by=by)


def _vacancy_data(spec: dict, *, company: Company, today: datetime.date) -> dict:
    vacancies = read("vacancies")
    profile = vacancies["profile"][spec["title"]]
    months = spec.get("months")
    return {
        "title": spec["title"],
        "occupation": Occupation.objects.get(isco_code=profile["isco"]),
        "unit": company.units.get(comune=spec["comune"]),
        "positions": spec["positions"],
        "min_italian_level": spec["italian"],
        "contract": Vacancy.Contract.FIXED_TERM if months else Vacancy.Contract.PERMANENT,
        "contract_months": months,
        "ccnl": vacancies["ccnl"],
        "ccnl_level": spec["ccnl_level"],
        "gross_monthly_pay": Decimal(spec["pay"]),
        "hours_per_week": vacancies["hours_per_week"],
        "start_date": today + datetime.timedelta(days=spec["starts_in"]),
        "housing": spec["housing"],
        "description_it": profile["it"],
        "description_fr": profile["fr"] if "fr" in spec["languages"] else "",
        "description_ar": profile["ar"] if "ar" in spec["languages"] else "",
        "required_modules": list(
            Course.objects.filter(kind=Course.Kind.TECHNICAL, code__in=profile["modules"])
        ),
    }


def _vacancy(spec: dict, *, company: Company, by: User, today: datetime.date) -> None:
    if Vacancy.objects.filter(company=company, title=spec["title"]).exists():
        return
    data = _vacancy_data(spec, company=company, today=today)
    vacancy = vacancy_create(company=company, data=data, by=by)
    for action in MOVES_TO[spec["status"]]:
        vacancy = vacancy_move(vacancy=vacancy, action=action, by=by)


def seed_companies() -> Summary:
    """Create the demo companies, units and vacancies that are missing, and bring each company
    forward to its demo verification state; returns what the portal then holds."""
    companies, vacancies = read("companies"), read("vacancies")
    _check_files(companies, vacancies)
    iom = User.objects.get(email=companies["iom"])
    advisors = {
        province: User.objects.select_related("membership_row__organisation").get(email=email)
        for province, email in companies["advisors"].items()
    }
    today = timezone.localdate()
    statement = current_statement()
    for spec in companies["company"]:
        advisor = advisors.get(_advisor_province(spec, companies["advisors"]))
        chamber = advisor.membership.organisation if advisor else None
        company = _company(spec, chamber=chamber, today=today, iom=iom)
        if advisor:
            _assign(advisor=advisor, company=company, by=iom)
        admin = _admin(company)
        # Who fills in the forms: the company itself, else its chamber advisor, else IOM.
        actor = admin or advisor or iom
        for unit in spec["units"]:
            if not company.units.filter(address=unit["address"], comune=unit["comune"]).exists():
                unit_add(company=company, data=dict(unit), by=actor)
        if spec["status"] != PENDING and company.status == PENDING:
            company = company_set_status(company=company, action="verify", by=iom)
        signed = Attestation.objects.filter(company=company, statement=statement).exists()
        if spec.get("signs_statement") and admin and not signed:
            attestation_sign(company=company, by=admin)
        for vacancy in vacancies["vacancy"]:
            if vacancy["company"] == spec["name"]:
                _vacancy(vacancy, company=company, by=actor, today=today)
        # Suspend once: a company reinstated during a demo stays reinstated.
        ever_suspended = stage_history(obj=company).filter(to_stage=SUSPENDED).exists()
        if spec["status"] == SUSPENDED and company.status == VERIFIED and not ever_suspended:
            company_set_status(company=company, action="suspend", by=iom, reason=spec["reason"])
    return Summary(
        companies=Company.objects.count(),
        verified=Company.objects.filter(status=VERIFIED).count(),
        pending=Company.objects.filter(status=PENDING).count(),
        suspended=Company.objects.filter(status=SUSPENDED).count(),
        vacancies=Vacancy.objects.count(),
        published=Vacancy.objects.filter(status=Vacancy.Status.PUBLISHED).count(),
    )
