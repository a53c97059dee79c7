"""Company services: registration, profile, verification, the employer-pays attestation,
vacancies and their states, advisor assignment by a chamber's admin."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Organisation
from accounts.selectors import companies_assisted_by
from accounts.services import advisor_assign, advisor_unassign
from candidates.models import Occupation
from companies.models import (
    Attestation,
    Company,
    EmployerPaysStatement,
    RegionalBody,
    Vacancy,
    make_partita_iva,
)
from companies.selectors import company_list, paperwork_list, vacancy_list
from companies.services import (
    attestation_sign,
    company_register,
    company_set_status,
    company_update,
    publish_blockers,
    unit_add,
    vacancy_create,
    vacancy_move,
    vacancy_update,
)
from tests.factories import UserFactory, member
from thamm.exceptions import DomainError
from thamm.models import StageChange

BERGAMO = {"address": "Via Zanica 1", "comune": "Bergamo", "province": "IT-BG"}


def future(days=60):
    return timezone.localdate() + datetime.timedelta(days=days)


def vacancy_fields(unit, **overrides):
    data = {
        "title": "Operatore CNC",
        "occupation": Occupation.objects.get(isco_code="3115"),
        "unit": unit,
        "positions": 3,
        "min_italian_level": "A2",
        "contract": "fixed_term",
        "contract_months": 12,
        "ccnl": "Metalmeccanica industria",
        "ccnl_level": "C3",
        "gross_monthly_pay": 1850,
        "hours_per_week": 40,
        "start_date": future(),
        "housing": "provided",
        "description_it": "Conduzione di centri di lavoro CNC.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def ready(world):
    """Company A with a unit in Bergamo, verified by IOM."""
    company = world.company_a_profile
    unit = unit_add(company=company, data=BERGAMO, by=world.company)
    company_set_status(company=company, action="verify", by=world.iom)
    company.refresh_from_db()
    return company, unit


# --- registration -------------------------------------------------------------------------


def test_register_creates_organisation_admin_membership_and_pending_company(db):
    user = UserFactory()
    company = company_register(
        user=user,
        data={
            "legal_name": " Fonderia Bresciana S.p.A. ",
            "partita_iva": make_partita_iva(6100001),
            "codice_fiscale": make_partita_iva(6100001),
            "ateco_code": "24.51",
            "pec": "fonderia@pec.example.it",
            "size": "medium",
            "contact_name": "Anna Bossi",
            "contact_phone": "",
            "chamber": None,
        },
    )
    assert company.legal_name == company.organisation.name == "Fonderia Bresciana S.p.A."
    assert company.organisation.kind == Organisation.Kind.COMPANY
    assert user.membership.organisation == company.organisation
    assert user.is_org_admin
    assert company.status == Company.Status.PENDING
    assert StageChange.objects.filter(target_id=str(company.pk), to_stage="pending").exists()


def test_register_refuses_a_registered_partita_iva_and_creates_nothing(world):
    user = UserFactory()
    organisations = Organisation.objects.count()
    with pytest.raises(DomainError):
        company_register(
            user=user,
            data={"legal_name": "Altro nome", "partita_iva": world.company_a_profile.partita_iva},
        )
    assert Organisation.objects.count() == organisations
    assert not hasattr(user, "membership_row") or user.membership is None


def test_register_refuses_a_user_who_already_belongs_somewhere(world):
    with pytest.raises(DomainError):
        company_register(
            user=world.centre,
            data={"legal_name": "Nuova", "partita_iva": make_partita_iva(6100002)},
        )


# --- profile and expression of interest ---------------------------------------------------


def test_profile_update_records_the_expression_of_interest(world):
    body = RegionalBody.objects.get(name="Unioncamere Lombardia")
    company = company_update(
        company=world.company_a_profile,
        data={
            "legal_name": "Meccanica Nuova S.r.l.",
            "interest_body": body,
            "interest_date": timezone.localdate(),
            "interest_reference": "UCL-2026-118",
        },
        by=world.chamber,
    )
    assert company.interest_body == body
    company.organisation.refresh_from_db()
    assert company.organisation.name == "Meccanica Nuova S.r.l."


@pytest.mark.parametrize(
    "data",
    [
        {"interest_date": future(3)},  # no body, and in the future
        {"pec": "not an address"},
        {"ateco_code": "2841"},
        {"codice_fiscale": "ABCDEF12G34H567I"},
    ],
)
def test_bad_profile_data_changes_nothing(world, data):
    before = Company.objects.values().get(pk=world.company_a_profile.pk)
    with pytest.raises((DomainError, ValidationError)):
        company_update(company=world.company_a_profile, data=data, by=world.company)
    assert Company.objects.values().get(pk=world.company_a_profile.pk) == before


def test_only_the_company_its_advisor_or_iom_edit_the_profile(world):
    for who in ("company_b", "chamber_b", "centre", "candidate"):
        with pytest.raises(DomainError):
            company_update(
                company=world.company_a_profile, data={"contact_name": "X"}, by=world.user(who)
            )


# --- verification -------------------------------------------------------------------------


def test_verification_moves_and_their_history(world):
    company = world.company_a_profile
    company_set_status(company=company, action="verify", by=world.chamber)
    company_set_status(company=company, action="suspend", by=world.iom, reason="Fee charged")
    company_set_status(company=company, action="reinstate", by=world.iom)
    company.refresh_from_db()
    assert company.status == Company.Status.VERIFIED
    moves = list(
        StageChange.objects.filter(target_type="companies.company", target_id=str(company.pk))
        .order_by("id")
        .values_list("from_stage", "to_stage", "note", "by")
    )
    assert moves == [
        ("pending", "verified", "", world.chamber.pk),
        ("verified", "suspended", "Fee charged", world.iom.pk),
        ("suspended", "verified", "", world.iom.pk),
    ]


@pytest.mark.parametrize(
    "start,action,reason",
    [
        ("pending", "reinstate", ""),
        ("pending", "suspend", "x"),
        ("verified", "verify", ""),
        ("verified", "suspend", "   "),  # a reason is required
        ("suspended", "verify", ""),
        ("verified", "delete", ""),
    ],
)
def test_impossible_verification_moves_are_refused(world, start, action, reason):
    company = world.company_a_profile
    Company.objects.filter(pk=company.pk).update(status=start)
    with pytest.raises(DomainError):
        company_set_status(company=company, action=action, by=world.iom, reason=reason)
    company.refresh_from_db()
    assert company.status == start


def test_only_iom_or_the_assigned_advisor_verify(world):
    company = world.company_a_profile
    for who in ("company", "chamber_b", "centre", "candidate"):
        with pytest.raises(DomainError):
            company_set_status(company=company, action="verify", by=world.user(who))
    company.refresh_from_db()
    assert company.status == Company.Status.PENDING


# --- employer-pays attestation ------------------------------------------------------------


def test_a_new_statement_version_asks_for_a_new_signature(world):
    company = world.company_a_profile
    first = attestation_sign(company=company, by=world.company)
    assert first.statement.version == 1
    with pytest.raises(DomainError):
        attestation_sign(company=company, by=world.company)
    EmployerPaysStatement.objects.create(
        version=2,
        published_on=timezone.localdate(),
        body_it="v2",
        body_en="v2",
        body_fr="v2",
        body_ar="v2",
    )
    second = attestation_sign(company=company, by=world.company)
    assert second.statement.version == 2
    assert second.signed_by == world.company
    assert Attestation.objects.filter(company=company).count() == 2


def test_only_an_admin_of_the_company_signs(world):
    staff = member("company", organisation=world.company_org, role="staff")
    for user in (staff, world.chamber, world.iom, world.company_b):
        with pytest.raises(DomainError):
            attestation_sign(company=world.company_a_profile, by=user)
    assert not Attestation.objects.exists()


# --- vacancies ----------------------------------------------------------------------------


def test_a_pending_company_keeps_drafts_and_is_told_why_it_cannot_publish(world):
    company = world.company_a_profile
    assert len(publish_blockers(company=company)) == 2  # not verified, no eligible unit
    unit = unit_add(company=company, data=BERGAMO, by=world.company)
    vacancy = vacancy_create(company=company, data=vacancy_fields(unit), by=world.company)
    with pytest.raises(DomainError) as exc:
        vacancy_move(vacancy=vacancy, action="publish", by=world.company)
    assert "not verified" in exc.value.message
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.DRAFT


def test_a_suspended_company_cannot_publish(world, ready):
    company, unit = ready
    vacancy = vacancy_create(company=company, data=vacancy_fields(unit), by=world.company)
    company_set_status(company=company, action="suspend", by=world.iom, reason="Breach")
    with pytest.raises(DomainError) as exc:
        vacancy_move(vacancy=vacancy, action="publish", by=world.company)
    assert "suspended" in exc.value.message


def test_vacancy_lifecycle_with_history(world, ready):
    company, unit = ready
    vacancy = vacancy_create(company=company, data=vacancy_fields(unit), by=world.chamber)
    vacancy_move(vacancy=vacancy, action="publish", by=world.company)
    vacancy_move(vacancy=vacancy, action="fill", by=world.company)
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.FILLED
    with pytest.raises(DomainError):
        vacancy_move(vacancy=vacancy, action="close", by=world.company)
    with pytest.raises(DomainError):
        vacancy_update(vacancy=vacancy, data={"title": "Altro"}, by=world.company)
    stages = StageChange.objects.filter(target_type="companies.vacancy").order_by("id")
    assert [s.to_stage for s in stages] == ["draft", "published", "filled"]


def test_a_draft_can_be_closed_but_not_filled(world, ready):
    company, unit = ready
    vacancy = vacancy_create(company=company, data=vacancy_fields(unit), by=world.company)
    with pytest.raises(DomainError):
        vacancy_move(vacancy=vacancy, action="fill", by=world.company)
    vacancy_move(vacancy=vacancy, action="close", by=world.company)
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.CLOSED


@pytest.mark.parametrize(
    "overrides",
    [
        {"gross_monthly_pay": -1},
        {"gross_monthly_pay": 150000},
        {"positions": 0},
        {"hours_per_week": 0},
        {"start_date": timezone.localdate() - datetime.timedelta(days=1)},
        {"contract": "fixed_term", "contract_months": None},
        {"contract_months": 120},
    ],
)
def test_bad_vacancy_data_is_refused_and_nothing_saved(world, ready, overrides):
    company, unit = ready
    with pytest.raises((DomainError, ValidationError)):
        vacancy_create(company=company, data=vacancy_fields(unit, **overrides), by=world.company)
    assert not Vacancy.objects.exists()


def test_a_vacancy_must_be_at_one_of_the_companys_units(world, ready):
    company, _unit = ready
    other_unit = unit_add(company=world.company_b_profile, data=BERGAMO, by=world.company_b)
    with pytest.raises(ValidationError):
        vacancy_create(company=company, data=vacancy_fields(other_unit), by=world.company)
    assert not Vacancy.objects.exists()


def test_a_permanent_contract_has_no_length(world, ready):
    company, unit = ready
    vacancy = vacancy_create(
        company=company,
        data=vacancy_fields(unit, contract="permanent", contract_months=12),
        by=world.company,
    )
    assert vacancy.contract_months is None


def test_a_start_date_that_passed_blocks_publishing(world, ready):
    company, unit = ready
    vacancy = vacancy_create(company=company, data=vacancy_fields(unit), by=world.company)
    Vacancy.objects.filter(pk=vacancy.pk).update(
        start_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(DomainError):
        vacancy_move(vacancy=vacancy, action="publish", by=world.company)


def test_another_company_and_unassigned_advisor_cannot_touch_vacancies(world, ready):
    company, unit = ready
    vacancy = vacancy_create(company=company, data=vacancy_fields(unit), by=world.company)
    for who in ("company_b", "chamber_b", "centre"):
        with pytest.raises(DomainError):
            vacancy_move(vacancy=vacancy, action="publish", by=world.user(who))
        with pytest.raises(DomainError):
            vacancy_create(company=company, data=vacancy_fields(unit), by=world.user(who))
    assert Vacancy.objects.count() == 1
    assert not vacancy_list(user=world.company_b).exists()
    assert not vacancy_list(user=world.chamber_b).exists()


# --- advisors: guardian grants, by IOM or by the chamber's admin ---------------------------


def test_removing_a_grant_removes_the_advisors_access_at_once(world):
    company = world.company_a_profile
    assert company_list(user=world.chamber).filter(pk=company.pk).exists()
    grant = world.chamber.organisationuserobjectpermission_set.get(
        content_object=company.organisation
    )
    advisor_unassign(grant=grant, by=world.iom)
    assert not company_list(user=world.chamber).filter(pk=company.pk).exists()
    with pytest.raises(DomainError):
        unit_add(company=company, data=BERGAMO, by=world.chamber)


def test_a_chamber_admin_assigns_its_advisors_to_companies_that_asked_it(world):
    company = world.company_b_profile
    colleague = member("chamber", organisation=world.chamber_org, role="staff")
    # Company B has not named chamber A: refused.
    with pytest.raises(DomainError):
        advisor_assign(advisor=colleague, company=company.organisation, by=world.chamber)
    Company.objects.filter(pk=company.pk).update(chamber=world.chamber_org)
    advisor_assign(advisor=colleague, company=company.organisation, by=world.chamber)
    assert company.organisation in companies_assisted_by(user=colleague)
    # Not another chamber's advisor, and a staff member cannot assign at all.
    with pytest.raises(DomainError):
        advisor_assign(advisor=world.chamber_b, company=company.organisation, by=world.chamber)
    with pytest.raises(DomainError):
        advisor_assign(advisor=colleague, company=company.organisation, by=colleague)


def test_a_chamber_admin_cannot_remove_another_chambers_grant(world):
    grant = world.chamber_b.organisationuserobjectpermission_set.get()
    with pytest.raises(DomainError):
        advisor_unassign(grant=grant, by=world.chamber)
    assert company_list(user=world.chamber_b).exists()


# --- suspension, chamber change, unconfirmed sign-ups -------------------------------------


def test_suspending_takes_published_vacancies_back_to_draft(world, ready):
    company, unit = ready
    vacancy = vacancy_create(company=company, data=vacancy_fields(unit), by=world.company)
    vacancy_move(vacancy=vacancy, action="publish", by=world.company)
    company_set_status(company=company, action="suspend", by=world.iom, reason="Fee charged")
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.published_at) == (Vacancy.Status.DRAFT, None)
    assert not vacancy_list(user=world.iom, status=Vacancy.Status.PUBLISHED).exists()
    last = StageChange.objects.filter(target_type="companies.vacancy").latest("id")
    assert (last.from_stage, last.to_stage) == ("published", "draft")
    assert "Fee charged" in last.note
    # The paperwork view chases the suspension, not the vacancies waiting for the reinstatement.
    (row,) = [r for r in paperwork_list(user=world.iom) if r.company == company]
    assert [item.code for item in row.missing if item.code in ("suspended", "vacancy")] == [
        "suspended"
    ]
    company_set_status(company=company, action="reinstate", by=world.iom)
    vacancy_move(vacancy=vacancy, action="publish", by=world.company)


def test_changing_chamber_ends_the_former_chambers_grants_at_once(world):
    company = world.company_a_profile
    Company.objects.filter(pk=company.pk).update(chamber=world.chamber_org)
    company.refresh_from_db()
    assert company_list(user=world.chamber).filter(pk=company.pk).exists()
    other_chamber = world.chamber_b.membership.organisation
    company_update(company=company, data={"chamber": other_chamber}, by=world.company)
    assert not company_list(user=world.chamber).filter(pk=company.pk).exists()
    with pytest.raises(DomainError):
        company_set_status(company=company, action="verify", by=world.chamber)


def _signup(serial, *, confirmed=False, signed_in=False, days_ago=8):
    from allauth.account.models import EmailAddress

    user = UserFactory(last_login=timezone.now() if signed_in else None)
    EmailAddress.objects.filter(user=user).update(verified=confirmed)
    company = company_register(
        user=user, data={"legal_name": f"Azienda {serial}", "partita_iva": make_partita_iva(serial)}
    )
    Company.objects.filter(pk=company.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return company


def test_unconfirmed_signups_are_purged_after_the_limit_and_free_the_partita_iva(world):
    from allauth.account.models import EmailAddress

    from accounts.models import Membership, User
    from companies.services import unconfirmed_signups_purge
    from companies.tasks import purge_unconfirmed_signups

    stale = _signup(6200001)
    kept = [
        _signup(6200002, confirmed=True),
        _signup(6200003, signed_in=True),
        _signup(6200004, days_ago=2),
    ]
    # A sign-up an advisor already worked on (a unit, a draft vacancy) goes too, in one piece.
    worked_on = _signup(6200006)
    unit = unit_add(company=worked_on, data=BERGAMO, by=world.iom)
    vacancy_create(company=worked_on, data=vacancy_fields(unit), by=world.iom)
    # A company IOM made in the admin, with a member added there who never signed in: stays.
    admin_made = Company.objects.create(
        organisation=Organisation.objects.create(kind="company", name="Fatta da OIM S.r.l."),
        legal_name="Fatta da OIM S.r.l.",
        partita_iva=make_partita_iva(6200007),
    )
    newcomer = UserFactory(last_login=None)
    EmailAddress.objects.filter(user=newcomer).update(verified=False)
    Membership.objects.create(user=newcomer, organisation=admin_made.organisation)
    Company.objects.filter(pk=admin_made.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    kept.append(admin_made)
    memberless = Company.objects.create(  # made by IOM in the admin: no member yet
        organisation=Organisation.objects.create(kind="company", name="Senza utenti S.r.l."),
        legal_name="Senza utenti S.r.l.",
        partita_iva=make_partita_iva(6200005),
    )
    Company.objects.filter(pk=memberless.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    kept.append(memberless)
    stale_user_pk = stale.organisation.memberships.get().user_id
    assert purge_unconfirmed_signups.delay().get() == 2
    assert not Company.objects.filter(pk=worked_on.pk).exists()
    assert not Company.objects.filter(pk=stale.pk).exists()
    assert not Organisation.objects.filter(pk=stale.organisation_id).exists()
    assert not User.objects.filter(pk=stale_user_pk).exists()
    assert all(Company.objects.filter(pk=c.pk).exists() for c in kept)
    assert world.company_a_profile in Company.objects.all()  # no member of world's was touched
    assert unconfirmed_signups_purge() == 0  # idempotent
    _signup(6200001, days_ago=0)  # the Partita IVA is free again


def test_a_statement_dated_in_the_future_is_asked_for_from_that_day(world):
    from companies.selectors import current_statement_or_none

    EmployerPaysStatement.objects.create(
        version=2,
        published_on=timezone.localdate() + datetime.timedelta(days=10),
        body_it="v2",
        body_en="v2",
        body_fr="v2",
        body_ar="v2",
    )
    assert current_statement_or_none().version == 1
    assert (
        attestation_sign(company=world.company_a_profile, by=world.company).statement.version == 1
    )


def test_naming_a_chamber_emails_its_admins_in_their_language(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    world.chamber.language = "it"
    world.chamber.save()
    staff = member("chamber", organisation=world.chamber_org, role="staff")
    with django_capture_on_commit_callbacks(execute=True):
        company_update(
            company=world.company_b_profile, data={"chamber": world.chamber_org}, by=world.company_b
        )
    assert [m.to for m in mailoutbox] == [[world.chamber.email]]  # the admin, not the staff
    message = mailoutbox[0]
    assert world.company_b_profile.legal_name in message.subject
    assert "chiede aiuto" in message.subject  # Italian, the admin's language
    assert "/advisors/" in message.body
    assert staff.email not in {to for m in mailoutbox for to in m.to}
    # The same chamber again: nobody is e-mailed twice.
    with django_capture_on_commit_callbacks(execute=True):
        company_update(
            company=world.company_b_profile, data={"chamber": world.chamber_org}, by=world.company_b
        )
    assert len(mailoutbox) == 1


def test_renaming_onto_another_companys_name_is_refused_whatever_the_case(world):
    other = world.company_b_profile.organisation.name
    with pytest.raises(ValidationError) as exc:
        company_update(
            company=world.company_a_profile, data={"legal_name": other.upper()}, by=world.company
        )
    assert "legal_name" in exc.value.message_dict
    # Its own name in another case is fine.
    own = world.company_a_profile.organisation.name
    company_update(
        company=world.company_a_profile, data={"legal_name": own.upper()}, by=world.company
    )


def test_a_company_profile_belongs_to_a_company_organisation(world):
    company = Company(
        organisation=world.centre_org, legal_name="X", partita_iva=make_partita_iva(6300001)
    )
    with pytest.raises(ValidationError) as exc:
        company.full_clean()
    assert "organisation" in exc.value.message_dict
