"""What makes pages cheaper must not change what people get: the signed-in user loaded by one
precompiled query is the same user, with the same membership, organisation and TOTP state, as the
ORM would load; and it is read afresh on every request."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.backends import signed_in_user, signed_in_user_queryset
from accounts.models import User
from companies.models import Company
from thamm.fragments import SHOWN_DATA

pytestmark = pytest.mark.django_db

SIGNED_IN = ["candidate", "centre", "company", "chamber", "iom"]


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.mark.parametrize("role", SIGNED_IN)
def test_the_signed_in_user_is_the_one_the_orm_loads(world, role, django_assert_num_queries):
    expected = signed_in_user_queryset().get(pk=world.user(role).pk)
    with django_assert_num_queries(1):
        user = signed_in_user(expected.pk)
    with django_assert_num_queries(0):
        assert _fields(user) == _fields(expected)
        assert user.has_totp == expected.has_totp
        assert user.role == expected.role
        assert user.is_org_admin == expected.is_org_admin
        if expected.membership is None:
            assert user.membership is None
        else:
            assert _fields(user.membership) == _fields(expected.membership)
            assert _fields(user.organisation) == _fields(expected.organisation)
            assert user.membership.user is user
    assert user._state.db == "default" and not user._state.adding


def test_an_unknown_user_id_loads_nobody(world):
    assert signed_in_user(User.objects.order_by("-pk").first().pk + 1000) is None


def test_a_changed_organisation_shows_on_the_next_request(client_for, world):
    client = client_for("centre")
    client.get(reverse("home"))
    world.centre_org.name = "Centre renamed"
    world.centre_org.save(update_fields=["name"])
    response = client.get(reverse("home"))
    assert response.wsgi_request.user.organisation.name == "Centre renamed"


def _vacancies(company, n):
    from candidates.models import Occupation
    from companies.models import ProductionUnit, Vacancy

    unit = ProductionUnit(company=company, address="Via Roma 1", comune="Brescia", province="IT-BS")
    unit.full_clean()
    unit.save()
    occupation = Occupation.objects.get(isco_code="3115")
    statuses = [Vacancy.Status.DRAFT, Vacancy.Status.PUBLISHED, Vacancy.Status.CLOSED]
    for i in range(n):
        Vacancy.objects.create(
            company=company,
            unit=unit,
            title=f"Tecnico {i}",
            occupation=occupation,
            positions=2,
            status=statuses[i % len(statuses)],
            start_date=datetime.date(2027, 3, 1),
            gross_monthly_pay="1900.00",
            hours_per_week=40,
            ccnl="Metalmeccanica industria",
            ccnl_level="C3",
            contract=Vacancy.Contract.PERMANENT,
        )
    return Vacancy.objects.filter(company=company).select_related("unit")


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_vacancy_rows_read_and_link_as_each_vacancy_says(client_for, world, language):
    vacancies = _vacancies(world.company_a_profile, 6)
    client = client_for("company")
    url = reverse("companies:vacancies", args=[world.company_a_profile.pk])
    response = client.get(url, headers={"accept-language": language})
    body = response.content.decode()
    with translation.override(language):
        for vacancy in vacancies:
            assert (
                f'<td><a href="{vacancy.get_absolute_url()}"><bdi>{vacancy.title}</bdi></a></td>'
                in body
            )
            assert f"<td>{vacancy.get_status_display()}</td>" in body
    detail = client.get(
        reverse("companies:detail", args=[world.company_a_profile.pk]),
        headers={"accept-language": language},
    ).content.decode()
    with translation.override(language):
        for vacancy in vacancies:
            assert (
                f'<a href="{vacancy.get_absolute_url()}"><bdi>{vacancy.title}</bdi></a> — '
                f"<bdi>Brescia</bdi> · {vacancy.get_status_display()}</li>"
            ) in detail


def test_company_rows_read_and_link_as_each_company_says(client_for, world):
    Company.objects.filter(pk=world.company_b_profile.pk).update(status="verified")
    body = client_for("iom").get(reverse("companies:list"), headers={"accept-language": "fr"})
    body = body.content.decode()
    with translation.override("fr"):
        for company in Company.objects.all():
            assert f'<a href="{company.get_absolute_url()}"><bdi>{company.legal_name}' in body
            assert f">{company.get_status_display()}</span>" in body


LAYOUT_LINKS = ["set_language", "account_change_password", "mfa_index", "account_logout", "home"]


@pytest.mark.parametrize("role", ["centre", "iom", "company", "chamber", "candidate"])
def test_the_layout_links_where_it_always_did_and_marks_the_current_page(client_for, role):
    from portal.navigation import navigation_for

    client = client_for(role)
    response = client.get(reverse("notifications"))
    body = response.content.decode()
    for name in [*LAYOUT_LINKS, "notifications"]:
        assert f'"{reverse(name)}"' in body, name
    items = navigation_for(response.wsgi_request.user, path=reverse("notifications"))
    for item in navigation_for(response.wsgi_request.user):
        assert f'href="{item["href"]}">{item["label"]}</a>' in body
    assert not any(item["current"] for item in items)
    home = client.get(reverse("home")).content.decode()
    assert (
        f'<a class="nav-link active" href="{reverse("home")}" aria-current="page">Home</a>' in home
    )


def test_the_layout_links_carry_the_script_prefix_the_portal_is_served_under(client_for):
    from django.urls import set_script_prefix

    client = client_for("centre")
    try:
        set_script_prefix("/portal/")  # what the WSGI handler does for SCRIPT_NAME=/portal
        body = client.get("/notifications/").content.decode()
        assert 'action="/portal/i18n/setlang/"' in body
        assert 'href="/portal/candidates/"' in body
        assert 'href="/portal/accounts/password/change/"' in body
    finally:
        set_script_prefix("/")
    body = client.get("/notifications/").content.decode()
    assert 'action="/i18n/setlang/"' in body and 'href="/candidates/"' in body


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_language_switcher_names_each_language_in_itself(client, language):
    body = client.get(reverse("home"), headers={"accept-language": language}).content.decode()
    options = {
        "it": "italiano",
        "fr": "français",
        "ar": "العربيّة",
        "en": "English",
    }
    for code, name in options.items():
        selected = " selected" if code == language else ""
        assert f'<option value="{code}" lang="{code}"{selected}>{name}</option>' in body


# templates/django/forms/widgets/select.html before it wrote Django's option template out.
SELECT_WITH_INCLUDES = (
    '<select name="{{ widget.name }}" class="form-select"'
    '{% include "django/forms/widgets/attrs.html" %}>'
    "{% for group_name, group_choices, group_index in widget.optgroups %}{% if group_name %}\n"
    '  <optgroup label="{{ group_name }}">{% endif %}{% for option in group_choices %}\n'
    "  {% include option.template_name with widget=option %}{% endfor %}{% if group_name %}\n"
    "  </optgroup>{% endif %}{% endfor %}\n</select>\n"
)


def _selects():
    from django import forms

    grouped = [
        ("", "—"),
        ("Maroc", [("casa", "Casablanca"), ("rabat", 'Rabat & "Salé"')]),
        ("Italia", [("bg", "Bergamo"), ("mo", "Modena")]),
    ]
    return [
        (forms.Select(choices=grouped), "rabat"),
        (forms.Select(choices=[("", "All"), ("a", "Alpha"), ("b", "<Beta>")]), ""),
        (forms.SelectMultiple(choices=grouped), ["casa", "mo"]),
        (forms.Select(attrs={"aria-describedby": "x_helptext"}, choices=[(1, "One")]), 1),
        (forms.NullBooleanSelect(), True),
    ]


@pytest.mark.parametrize("case", range(5))
def test_select_widgets_render_exactly_as_with_djangos_option_template(case):
    from django.template import engines

    widget, value = _selects()[case]
    html = widget.render("field", value, attrs={"id": "id_field"})
    context = widget.get_context("field", value, {"id": "id_field"})
    expected = engines["django"].from_string(SELECT_WITH_INCLUDES).render(context)
    assert html == expected.strip()  # as the form renderer gives it
    assert "<option" in html


def test_the_company_list_counts_each_companys_eligible_units_and_published_vacancies(world):
    from companies.models import ProductionUnit
    from companies.selectors import company_overview_list

    company = world.company_a_profile
    _vacancies(company, 7)  # a unit in Brescia; draft, published, closed, draft, published, ...
    outside = ProductionUnit(company=company, address="Via Po 1", comune="Torino", province="IT-TO")
    outside.full_clean()
    outside.save()
    again = ProductionUnit(
        company=company, address="Via Dante 2", comune="Bergamo", province="IT-BG"
    )
    again.full_clean()
    again.save()
    rows = {row.pk: row for row in company_overview_list(user=world.iom)}
    assert (rows[company.pk].eligible_units, rows[company.pk].published_vacancies) == (2, 2)
    other = rows[world.company_b_profile.pk]
    assert (other.eligible_units, other.published_vacancies) == (0, 0)


def test_the_redis_cache_shares_one_client_per_pool_and_keeps_djangos_pools():
    from thamm.cache import PortalRedisCache

    cache = PortalRedisCache("redis://127.0.0.1:6379/15,redis://127.0.0.1:6380/15", {})
    client = cache._cache
    writer = client.get_client(write=True)
    assert client.get_client(write=True) is writer
    assert writer.connection_pool is client._get_connection_pool(True)
    reader = client.get_client(write=False)  # the one replica
    assert reader is client.get_client(write=False) and reader is not writer
    assert reader.connection_pool.connection_kwargs["port"] == 6380


def test_a_candidates_home_reads_their_record_once(client_for, world, django_assert_num_queries):
    client = client_for("candidate")
    client.get(reverse("home"))
    SHOWN_DATA.changed()  # the body made again (the reference data stays read)
    # The user; their record; its stage history; their last consent; their results; the
    # companies waiting for their answer (the privacy notice, the scheme and its courses are
    # reference data, read by the first request).
    with django_assert_num_queries(6):
        response = client.get(reverse("home"))
    assert response.context["record"] == world.candidate_a
    with django_assert_num_queries(1):  # the body as kept: only the signed-in user read
        again = client.get(reverse("home"))
    assert world.candidate_a.reference in again.content.decode()


def test_a_candidate_without_a_record_yet_gets_their_home(client_for, world):
    from candidates.models import Candidate

    Candidate.objects.filter(pk=world.candidate_a.pk).update(user=None)
    response = client_for("candidate").get(reverse("home"))
    assert response.status_code == 200 and response.context["record"] is None


@pytest.mark.parametrize("role", ["company", "chamber", "iom"])
def test_a_company_page_looks_the_statement_in_force_up_once(
    client_for, world, role, django_assert_num_queries
):
    from companies.models import Attestation, EmployerPaysStatement

    company = world.company_a_profile
    statement = EmployerPaysStatement.in_force()
    Attestation.objects.create(company=company, statement=statement, signed_by=world.company)
    client = client_for(role)
    url = reverse("companies:detail", args=[company.pk])
    client.get(url)
    SHOWN_DATA.changed()  # the body made again (the reference data stays read)
    # The user; the company; whether the statement in force is signed; its latest vacancies, its
    # history, its units (which also say whether it has an eligible unit; the statement and the
    # scheme are reference data, read by the first request).
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.context["signed_current"] is True
    with django_assert_num_queries(2):  # the body as kept: the user and the company
        assert client.get(url).content.decode().count(company.legal_name) >= 1
    attestation = client.get(reverse("companies:attestation", args=[company.pk]))
    assert attestation.context["signed_current"] is True


@pytest.mark.parametrize("role", ["centre", "iom"])
def test_candidate_rows_read_the_same_without_a_query_per_row(
    client_for, world, role, django_assert_max_num_queries
):
    from candidates.models import Candidate
    from tests.factories import CandidateFactory

    for _ in range(12):
        CandidateFactory(training_centre=world.centre_org)
    client = client_for(role)
    with django_assert_max_num_queries(4):
        body = client.get(reverse("candidates:list")).content.decode()
    for candidate in Candidate.objects.filter(training_centre=world.centre_org):
        link = (
            f'<a href="{candidate.get_absolute_url()}">{candidate.last_name} {candidate.first_name}'
        )
        assert link in body
        assert f"<td>{candidate.get_status_display()}</td>" in body
    assert (f"<td>{world.centre_org.name}</td>" in body) == (role == "iom")
