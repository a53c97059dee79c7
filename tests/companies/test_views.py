"""The companies pages through the Django test client: sign-up, profile, verification, the
employer-pays statement, vacancies, the paperwork view."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from candidates.models import Occupation
from companies.models import Attestation, Company, ProductionUnit, Vacancy, make_partita_iva
from companies.services import unit_add
from tests.factories import OrganisationFactory

SIGNUP = {
    "legal_name": "Officine Bergamasche S.r.l.",
    "partita_iva": make_partita_iva(4000001),
    "codice_fiscale": make_partita_iva(4000001),
    "ateco_code": "28.41",
    "pec": "officine@pec.example.it",
    "size": "small",
    "contact_name": "Giulia Rota",
    "contact_phone": "+39 035 123456",
    "full_name": "Giulia Rota",
    "email": "giulia@officine.example.it",
    "password1": "a-Long-unusual-passphrase-42",
    "password2": "a-Long-unusual-passphrase-42",
}


def vacancy_data(unit, **overrides):
    data = {
        "title": "Tecnico manutentore",
        "occupation": Occupation.objects.get(isco_code="3115").pk,
        "unit": unit.pk,
        "positions": 2,
        "min_italian_level": "A2",
        "contract": "permanent",
        "contract_months": "",
        "ccnl": "Metalmeccanica industria",
        "ccnl_level": "C3",
        "gross_monthly_pay": "1900.00",
        "hours_per_week": 40,
        "start_date": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "housing": "help",
        "description_it": "Manutenzione di linee automatiche.",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_company_signs_up_with_its_admin_and_must_verify_the_address(client):
    response = client.post(reverse("companies:signup"), SIGNUP, headers={"accept-language": "en"})
    assert response.status_code == 302, response.context["form"].errors
    company = Company.objects.get(partita_iva=SIGNUP["partita_iva"])
    assert company.status == Company.Status.PENDING
    assert company.organisation.kind == Organisation.Kind.COMPANY
    user = User.objects.get(email=SIGNUP["email"])
    assert user.membership.organisation == company.organisation
    assert user.membership.role == Membership.Role.ADMIN
    assert not EmailAddress.objects.get(user=user).verified
    assert any("confirm" in m.subject.lower() for m in mail.outbox)


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("partita_iva", "12345678901", "valid Partita IVA"),
        ("pec", "not-an-address", "valid email"),
        ("ateco_code", "ABC", "ATECO code"),
        ("codice_fiscale", "XYZ", "valid codice fiscale"),
    ],
)
@pytest.mark.django_db
def test_bad_signup_input_is_refused_next_to_the_field_and_nothing_is_created(
    client, field, value, message
):
    response = client.post(
        reverse("companies:signup"), {**SIGNUP, field: value}, headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not User.objects.filter(email=SIGNUP["email"]).exists()
    assert not Company.objects.filter(legal_name=SIGNUP["legal_name"]).exists()


def test_an_already_registered_partita_iva_is_refused(client, world):
    data = {**SIGNUP, "partita_iva": world.company_a_profile.partita_iva}
    response = client.post(reverse("companies:signup"), data, headers={"accept-language": "en"})
    assert "already registered" in str(response.context["form"].errors["partita_iva"])
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_signed_in_users_do_not_see_the_signup_form(client_for):
    response = client_for("company").get(reverse("companies:signup"))
    assert response.status_code == 302


def test_company_detail_shows_why_it_cannot_publish(client_for, world):
    response = client_for("company").get(
        reverse("companies:detail", args=[world.company_a_profile.pk])
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "not verified yet" in content
    assert "no production unit in Lombardia, Emilia-Romagna, Veneto" in content


def test_iom_verifies_suspends_with_a_reason_and_reinstates(client_for, world):
    company = world.company_a_profile
    client = client_for("iom")
    url = reverse("companies:status", args=[company.pk])
    client.post(url, {"action": "verify"})
    company.refresh_from_db()
    assert company.status == Company.Status.VERIFIED
    response = client.post(url, {"action": "suspend", "reason": ""}, follow=True)
    assert "Give the reason" in response.content.decode()
    company.refresh_from_db()
    assert company.status == Company.Status.VERIFIED
    client.post(url, {"action": "suspend", "reason": "Fee charged to workers"})
    company.refresh_from_db()
    assert (company.status, company.status_reason) == ("suspended", "Fee charged to workers")
    client.post(url, {"action": "reinstate"})
    company.refresh_from_db()
    assert company.status == Company.Status.VERIFIED
    page = client.get(reverse("companies:detail", args=[company.pk])).content.decode()
    assert "Fee charged to workers" in page


def test_a_company_cannot_verify_itself(client_for, world):
    response = client_for("company").post(
        reverse("companies:status", args=[world.company_a_profile.pk]), {"action": "verify"}
    )
    assert response.status_code == 403
    world.company_a_profile.refresh_from_db()
    assert world.company_a_profile.status == Company.Status.PENDING


def test_the_company_admin_signs_the_statement_once_per_version(client_for, world):
    client = client_for("company")
    url = reverse("companies:attestation", args=[world.company_a_profile.pk])
    assert "Sign on behalf of the company" in client.get(url).content.decode()
    client.post(url)
    client.post(url)
    assert Attestation.objects.filter(company=world.company_a_profile).count() == 1
    page = client.get(url).content.decode()
    assert "The company has signed this version." in page


def test_an_advisor_cannot_sign_for_the_company(client_for, world):
    client_for("chamber").post(reverse("companies:attestation", args=[world.company_a_profile.pk]))
    assert not Attestation.objects.exists()


def test_vacancy_created_as_draft_then_published_once_verified(client_for, world):
    company = world.company_a_profile
    unit = unit_add(
        company=company,
        data={"address": "Via Zanica 1", "comune": "Bergamo", "province": "IT-BG"},
        by=world.company,
    )
    client = client_for("company")
    response = client.post(
        reverse("companies:vacancy_create", args=[company.pk]), vacancy_data(unit)
    )
    assert response.status_code == 302, response.context["form"].errors
    vacancy = Vacancy.objects.get()
    assert vacancy.status == Vacancy.Status.DRAFT
    move = reverse("companies:vacancy_move", args=[vacancy.pk])
    page = client.post(move, {"action": "publish"}, follow=True).content.decode()
    assert "not verified yet" in page
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.DRAFT
    client_for("iom").post(reverse("companies:status", args=[company.pk]), {"action": "verify"})
    client.post(move, {"action": "publish"})
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PUBLISHED
    assert vacancy.published_at is not None
    page = client.get(vacancy.get_absolute_url()).content.decode()
    # Closing is behind a disclosure: a second, deliberate step.
    assert "<details" in page and 'value="close"' in page.split("<details", 1)[1]
    client.post(move, {"action": "fill"})
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.FILLED


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"gross_monthly_pay": "-5"}, "gross_monthly_pay", "at least 800"),
        ({"gross_monthly_pay": "190000"}, "gross_monthly_pay", "at most 15000"),
        ({"positions": 0}, "positions", "at least one position"),
        ({"start_date": "2020-01-01"}, "start_date", "start date cannot be in the past"),
        ({"contract": "fixed_term", "contract_months": ""}, "contract_months", "in months"),
        ({"hours_per_week": 90}, "hours_per_week", "at most 48"),
    ],
)
def test_bad_vacancy_input_is_refused_and_nothing_is_saved(
    client_for, world, overrides, field, message
):
    company = world.company_a_profile
    unit = unit_add(
        company=company,
        data={"address": "Via Zanica 1", "comune": "Bergamo", "province": "IT-BG"},
        by=world.company,
    )
    response = client_for("company").post(
        reverse("companies:vacancy_create", args=[company.pk]), vacancy_data(unit, **overrides)
    )
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors[field] if field else form.non_field_errors()
    assert message in str(errors)
    assert not Vacancy.objects.exists()


def test_the_paperwork_view_lists_assigned_companies_most_urgent_first(client_for, world):
    response = client_for("chamber").get(reverse("companies:paperwork"))
    rows = response.context["rows"]
    assert [row.company for row in rows] == [world.company_a_profile]
    codes = [item.code for item in rows[0].missing]
    assert codes == ["unit", "verification", "attestation", "vacancy", "profile", "interest"]


def test_the_paperwork_view_is_one_query_per_page_whatever_the_companies(
    client_for, world, django_assert_max_num_queries
):
    for n in range(20):
        organisation = OrganisationFactory(kind="company")
        Company.objects.create(
            organisation=organisation, legal_name=f"C{n}", partita_iva=make_partita_iva(5000000 + n)
        )
    client = client_for("iom")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("companies:paperwork"))
    assert len(response.context["rows"]) >= 20


def _many_companies(n, start=5100000):
    for i in range(n):
        organisation = OrganisationFactory(kind="company")
        company = Company.objects.create(
            organisation=organisation,
            legal_name=f"Azienda {i}",
            partita_iva=make_partita_iva(start + i),
        )
        unit = ProductionUnit(
            company=company, address="Via Roma 1", comune="Brescia", province="IT-BS"
        )
        unit.full_clean()
        unit.save()


@pytest.mark.parametrize("n", [2, 30])
def test_company_list_queries_do_not_grow_with_rows(
    client_for, world, django_assert_max_num_queries, n
):
    _many_companies(n)
    client = client_for("iom")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("companies:list"))
    assert response.context["page"].paginator.count == n + 2  # world's A and B
    assert "Azienda 0" in response.content.decode()


def test_company_list_filters_by_verification(client_for, world):
    Company.objects.filter(pk=world.company_b_profile.pk).update(status="verified")
    response = client_for("iom").get(reverse("companies:list"), {"status": "verified"})
    assert list(response.context["page"]) == [world.company_b_profile]


def test_a_company_user_goes_from_the_list_to_their_company(client_for, world):
    response = client_for("company").get(reverse("companies:list"))
    assert response["Location"] == world.company_a_profile.get_absolute_url()


@pytest.mark.parametrize("n", [1, 25])
def test_vacancy_list_queries_do_not_grow_with_rows(
    client_for, world, django_assert_max_num_queries, n
):
    from companies.services import vacancy_create

    company = world.company_a_profile
    unit = unit_add(
        company=company,
        data={"address": "Via Zanica 1", "comune": "Bergamo", "province": "IT-BG"},
        by=world.company,
    )
    data = vacancy_data(unit)
    data["occupation"] = Occupation.objects.get(pk=data["occupation"])
    data["unit"] = unit
    data["start_date"] = datetime.date.fromisoformat(data["start_date"])
    data["contract_months"] = None
    for _ in range(n):
        vacancy_create(company=company, data=data, by=world.company)
    client = client_for("company")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("companies:vacancies", args=[company.pk]))
    assert response.context["page"].paginator.count == n
    assert response.content.decode().count("Tecnico manutentore") == n


def test_an_unassigned_advisor_gets_404_and_changes_nothing(client_for, world):
    client = client_for("chamber")
    company = world.company_b_profile
    for name in ("detail", "edit", "units", "vacancies", "attestation"):
        assert client.get(reverse(f"companies:{name}", args=[company.pk])).status_code == 404
    response = client.post(reverse("companies:edit", args=[company.pk]), {"legal_name": "Presa"})
    assert response.status_code == 404
    company.refresh_from_db()
    assert company.legal_name != "Presa"


def test_the_profile_form_shows_a_bad_pec_next_to_the_field(client_for, world):
    company = world.company_a_profile
    response = client_for("company").post(
        reverse("companies:edit", args=[company.pk]),
        {"legal_name": company.legal_name, "pec": "nope", "size": ""},
    )
    assert response.status_code == 200
    assert "valid email" in str(response.context["form"].errors["pec"])


@pytest.mark.parametrize("email", ["someone-new@example.it", "existing@example.it"])
def test_a_taken_company_name_gets_the_same_answer_whatever_the_address(client, world, email):
    """The answer must not tell whether an address has an account (enumeration)."""
    from tests.factories import UserFactory

    UserFactory(email="existing@example.it")
    world.company_org.refresh_from_db()
    data = {**SIGNUP, "legal_name": world.company_org.name.upper(), "email": email}
    response = client.post(reverse("companies:signup"), data, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "already registered" in str(response.context["form"].errors["legal_name"])
    assert response.context["form"]["legal_name"].value() == data["legal_name"]  # kept


def test_an_invitation_opened_earlier_does_not_verify_a_company_signup(client, world):
    from tests.factories import invitation_with_token

    _invitation, token = invitation_with_token(organisation=world.centre_org)
    client.get(reverse("accounts:invitation_accept", args=[token]))
    assert client.session.get("account_verified_email")
    page = client.get(reverse("companies:signup"), headers={"accept-language": "en"})
    assert page.context["form"]["email"].value() in (None, "")
    piva = make_partita_iva(4000777)  # world's companies hold SIGNUP's
    data = {**SIGNUP, "email": _invitation.email, "partita_iva": piva, "codice_fiscale": piva}
    client.post(reverse("companies:signup"), data, headers={"accept-language": "en"})
    user = User.objects.get(email=_invitation.email)
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session  # not signed in before confirming


@pytest.mark.django_db
def test_a_partita_iva_typed_with_the_country_prefix_is_accepted(client):
    data = {**SIGNUP, "partita_iva": "IT " + SIGNUP["partita_iva"]}
    response = client.post(reverse("companies:signup"), data, headers={"accept-language": "en"})
    assert response.status_code == 302
    assert Company.objects.filter(partita_iva=SIGNUP["partita_iva"]).exists()


def test_paperwork_puts_the_most_urgent_company_first_and_flags_late_vacancies(world):
    from companies.selectors import paperwork_list
    from companies.services import (
        attestation_sign,
        company_set_status,
        vacancy_create,
        vacancy_move,
    )

    # Company A gets almost everything done; company B (also visible to IOM) nothing.
    company = world.company_a_profile
    unit = unit_add(
        company=company,
        data={"address": "Via Zanica 1", "comune": "Bergamo", "province": "IT-BG"},
        by=world.company,
    )
    company_set_status(company=company, action="verify", by=world.iom)
    attestation_sign(company=company, by=world.company)
    data = vacancy_data(unit)
    data.update(
        occupation=Occupation.objects.get(pk=data["occupation"]),
        unit=unit,
        start_date=datetime.date.fromisoformat(data["start_date"]),
        contract_months=None,
    )
    vacancy = vacancy_create(company=company, data=data, by=world.company)
    vacancy_move(vacancy=vacancy, action="publish", by=world.company)
    rows = paperwork_list(user=world.iom)
    assert [row.company for row in rows] == [world.company_b_profile, company]
    assert rows[0].urgency > rows[1].urgency
    assert {item.code for item in rows[1].missing} == {"profile", "interest"}
    Vacancy.objects.filter(pk=vacancy.pk).update(
        start_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    late = [i.label for i in paperwork_list(user=world.iom)[1].missing if i.code == "vacancy"]
    assert late == ["1 published vacancy with a start date that has passed"]


def test_the_chamber_hears_of_a_signup_only_once_the_address_is_confirmed(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    from allauth.account.models import EmailConfirmationHMAC

    piva = make_partita_iva(4000888)
    data = {**SIGNUP, "partita_iva": piva, "codice_fiscale": piva, "chamber": world.chamber_org.pk}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("companies:signup"), data, headers={"accept-language": "en"})
    assert not [m for m in mailoutbox if world.chamber.email in m.to]
    address = EmailAddress.objects.get(email=SIGNUP["email"])
    key = EmailConfirmationHMAC(address).key
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_confirm_email", args=[key]))
    address.refresh_from_db()
    assert address.verified
    told = [m for m in mailoutbox if world.chamber.email in m.to]
    assert len(told) == 1 and SIGNUP["legal_name"] in told[0].subject
