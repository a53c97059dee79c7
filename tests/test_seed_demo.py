import datetime
from decimal import Decimal
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Membership, Organisation, OrganisationUserObjectPermission, User
from accounts.selectors import companies_assisted_by
from companies.models import Attestation, Company, ProductionUnit, Vacancy
from companies.selectors import company_list
from companies.services import current_statement, publish_blockers, vacancy_move
from demo.files import read
from demo.seed import DEMO_PASSWORD
from thamm.exceptions import DomainError
from thamm.models import AuditEntry, Notification, StageChange
from thamm.scheme import current_scheme


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    models = [
        User,
        Organisation,
        Membership,
        OrganisationUserObjectPermission,
        Company,
        ProductionUnit,
        Attestation,
        Vacancy,
        StageChange,
        AuditEntry,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_prints_one_working_login_per_role_and_is_idempotent(db):
    output = _seed()
    counts = _counts()
    assert _seed() == output
    assert _counts() == counts  # the second run adds nothing, not even a history or audit row
    roles = {User.objects.get(email=e).role for e in User.objects.values_list("email", flat=True)}
    assert roles == {"candidate", "centre", "company", "chamber", "iom"}
    for user in User.objects.all():
        assert user.email in output
        assert authenticate(email=user.email, password=DEMO_PASSWORD) == user
    assert DEMO_PASSWORD in output and "TOTP secret" in output
    assert "120 demo candidates at the two training centres, 28 certified." in output
    assert (
        "12 companies (8 verified, 3 pending, 1 suspended), 25 vacancies (16 published)." in output
    )


def test_seed_demo_has_the_scheme_partners(db):
    _seed()
    kinds = {k: Organisation.objects.filter(kind=k).count() for k in Organisation.Kind.values}
    # The chambers are the 17 of the scheme's regions (companies migration 0007), none made twice.
    assert kinds == {"iom": 1, "chamber": 17, "training_centre": 2, "company": 12}
    assert Organisation.objects.filter(kind="chamber", name__icontains="Bergamo").count() == 1
    advisor = User.objects.get(email="advisor@bergamo.thamm.example")
    assert {c.city for c in companies_assisted_by(user=advisor)} == {
        "Bergamo",
        "Dalmine",
        "Albino",
        "Trescore Balneario",
    }


def test_seed_demo_refuses_to_run_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_demo_results_agree_with_the_certification_rule(db):
    from candidates.models import Candidate
    from thamm.scheme import current_scheme
    from training.selectors import certification_check

    _seed()
    scheme = current_scheme()
    certified = Candidate.objects.filter(status="certified")
    assert certified.count() == 28
    assert all(certification_check(candidate=c, scheme=scheme).ready for c in certified)
    in_training = Candidate.objects.filter(status="in_training")
    assert in_training.exists()
    assert not any(certification_check(candidate=c, scheme=scheme).ready for c in in_training)


def test_demo_companies_cover_the_three_regions_with_some_pending_and_one_suspended(db):
    _seed()
    companies = Company.objects.all()
    assert 10 <= companies.count() <= 14
    regions = set(ProductionUnit.objects.values_list("region", flat=True))
    assert regions == set(current_scheme().destination_regions)
    seats = {c.units.order_by("pk").first().region for c in companies}
    assert seats == regions  # each region has companies of its own, not just a second unit
    assert companies.filter(status=Company.Status.PENDING).count() >= 2
    suspended = companies.get(status=Company.Status.SUSPENDED)
    assert "reclutamento equo" in suspended.status_reason
    moves = StageChange.objects.filter(target_type="companies.company", target_id=str(suspended.pk))
    assert list(moves.values_list("to_stage", flat=True)) == ["pending", "verified", "suspended"]
    assert moves.get(to_stage="suspended").note == suspended.status_reason
    for company in companies:
        company.full_clean()  # a valid Partita IVA, codice fiscale, ATECO code and PEC
        assert company.codice_fiscale == company.partita_iva
        assert company.ateco_code and company.pec.endswith("@pec.example.it")
        assert company.units.filter(region__in=current_scheme().destination_regions).exists()
        if company.interest_date:
            assert company.interest_date <= timezone.localdate()
            assert company.interest_body.region in set(
                company.units.values_list("region", flat=True)
            )


def test_demo_vacancies_mix_states_and_only_verified_companies_publish(db):
    _seed()
    vacancies = Vacancy.objects.select_related("company", "unit")
    assert 20 <= vacancies.count() <= 30
    states = {s: vacancies.filter(status=s).count() for s in Vacancy.Status.values}
    assert states["published"] > states["draft"] > 0 and states["filled"] and states["closed"]
    published = vacancies.filter(status=Vacancy.Status.PUBLISHED)
    assert {v.company.status for v in published} == {Company.Status.VERIFIED}
    assert not vacancies.filter(
        company__status__in=[Company.Status.PENDING, Company.Status.SUSPENDED],
        status__in=[Vacancy.Status.PUBLISHED, Vacancy.Status.FILLED],
    ).exists()
    today = timezone.localdate()
    for vacancy in vacancies:
        vacancy.full_clean()
        assert vacancy.unit.company_id == vacancy.company_id
        assert vacancy.ccnl == "Metalmeccanica industria" and vacancy.hours_per_week == 40
        assert Decimal(1750) <= vacancy.gross_monthly_pay <= Decimal(2400)
        assert today < vacancy.start_date <= today + datetime.timedelta(days=200)
        assert vacancy.description_it
        modules = list(vacancy.required_modules.all())
        assert modules and {m.kind for m in modules} == {"technical"}
        if vacancy.status in (Vacancy.Status.PUBLISHED, Vacancy.Status.FILLED):
            assert vacancy.published_at is not None
    assert vacancies.exclude(description_fr="").exists()
    assert vacancies.exclude(description_ar="").exists()
    assert vacancies.filter(description_fr="").exists()
    assert len(set(vacancies.values_list("housing", flat=True))) == 3


def test_the_bergamo_advisor_sees_exactly_the_bergamo_area_companies(db):
    _seed()
    advisor = User.objects.get(email="advisor@bergamo.thamm.example")
    seen = set(company_list(user=advisor))
    bergamo_area = set(Company.objects.filter(units__province="IT-BG").distinct())
    assert len(bergamo_area) >= 3
    assert seen == bergamo_area
    assert set(Company.objects.filter(chamber=advisor.organisation)) == bergamo_area


@pytest.mark.parametrize(
    "email,province,companies",
    [
        ("advisor@modena.thamm.example", "IT-MO", {"Automazioni Emiliane S.p.A."}),
        ("advisor@vicenza.thamm.example", "IT-VI", {"Veneta Robotica S.r.l."}),
    ],
)
def test_the_emilia_and_veneto_advisors_assist_the_demo_companies_of_their_chambers_area(
    db, email, province, companies
):
    output = _seed()
    advisor = User.objects.get(email=email)
    assert advisor.role == "chamber" and advisor.is_org_admin
    assert Authenticator.objects.filter(user=advisor, type=Authenticator.Type.TOTP).exists()
    line = output[output.index(email) :].splitlines()[1]
    assert "TOTP secret" in line  # printed with the login
    chamber = advisor.organisation
    assert province in chamber.provinces.values_list("province", flat=True)
    assert {c.legal_name for c in company_list(user=advisor)} == companies
    assert {c.legal_name for c in Company.objects.filter(chamber=chamber)} == companies
    assert all(c.units.filter(province=province).exists() for c in company_list(user=advisor))


def test_the_company_logins_signed_their_companies_up_and_iom_made_the_others(db):
    _seed()
    logins = {s["company"]: s["email"] for s in read("accounts")["login"] if "company" in s}
    assert len(logins) == 3
    for company in Company.objects.select_related("organisation", "signed_up_by"):
        first = StageChange.objects.filter(
            target_type="companies.company", target_id=str(company.pk)
        ).first()
        assert (first.from_stage, first.to_stage) == ("", "pending")
        admins = Membership.objects.filter(organisation=company.organisation, role="admin")
        if company.legal_name in logins:
            # The sign-up made the organisation, its login the admin, and recorded both.
            login = User.objects.get(email=logins[company.legal_name])
            assert company.signed_up_by == login and first.by == login
            assert [m.user for m in admins] == [login]
            assert company.contact_email == login.email
        else:
            assert company.signed_up_by is None and not admins.exists()
            assert first.by.email == "iom@thamm.example"
        assert company.organisation.city == company.units.order_by("pk").first().comune
    # Those without a login named their chamber on the portal, which told the chamber's admin.
    told = Notification.objects.filter(
        recipient__email="advisor@bergamo.thamm.example", kind="company.chamber_named"
    )
    assert told.count() == 3


def test_the_orobica_login_company_is_verified_signed_and_publishing(db):
    _seed()
    hr = User.objects.get(email="hr@orobica.thamm.example")
    company = company_list(user=hr).get()
    assert company.legal_name == "Meccanica Orobica S.r.l."
    assert company.status == Company.Status.VERIFIED
    signature = Attestation.objects.get(company=company, statement=current_statement())
    assert signature.signed_by == hr
    assert company.interest_body.name == "Unioncamere Lombardia"
    assert company.chamber.name.startswith("Camera di Commercio di Bergamo")
    assert publish_blockers(company=company) == []
    assert company.vacancies.filter(status=Vacancy.Status.PUBLISHED).count() >= 2
    assert company.vacancies.filter(status=Vacancy.Status.DRAFT).exists()


def test_a_login_company_is_pending_with_drafts_it_cannot_publish_yet(db):
    _seed()
    hr = User.objects.get(email="hr@venetarobotica.thamm.example")
    company = company_list(user=hr).get()
    assert company.status == Company.Status.PENDING
    assert publish_blockers(company=company)
    drafts = company.vacancies.filter(status=Vacancy.Status.DRAFT)
    assert drafts.exists()
    with pytest.raises(DomainError, match="not verified yet"):
        vacancy_move(vacancy=drafts.first(), action="publish", by=hr)


def test_the_demo_candidate_login_and_their_record_are_the_same_person(db):
    from candidates.selectors import candidate_list

    _seed()
    login = User.objects.get(email="candidate@thamm.example")  # the login the README gives
    record = candidate_list(user=login).get()
    assert record.user == login
    assert login.get_full_name() == f"{record.first_name} {record.last_name}"
    assert login.get_short_name() == record.first_name  # the home page's greeting
    assert record.full_name_ar
