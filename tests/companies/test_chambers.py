"""The chambers of commerce of the scheme's regions, the provinces of their areas, and the chamber
suggested to a company from where it produces (profile form, home page)."""

from html import unescape
from importlib import import_module

import pycountry
import pytest
from django.apps import apps
from django.urls import reverse

from accounts.models import Organisation
from companies.models import ChamberProvince, Company
from companies.selectors import chamber_suggestion
from companies.services import unit_add
from tests.factories import OrganisationFactory, member
from thamm.scheme import current_scheme

load_chambers = import_module("companies.migrations.0007_chambers_of_commerce").load


def chamber(name: str) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.CHAMBER, name=name)


def unit(company, comune: str, province: str, *, by):
    return unit_add(
        company=company,
        data={"address": "Via Roma 1", "comune": comune, "province": province},
        by=by,
    )


MODENA = "Camera di Commercio di Modena"
BERGAMO = "Camera di Commercio di Bergamo — Bergamo Sviluppo"
BRESCIA = "Camera di Commercio di Brescia"


# --- the data: every province of the scheme's regions in exactly one chamber's area -----------


@pytest.mark.django_db
def test_every_province_of_the_schemes_regions_is_in_exactly_one_chambers_area():
    regions = current_scheme().destination_regions
    provinces = {
        s.code for s in pycountry.subdivisions.get(country_code="IT") if s.parent_code in regions
    }
    assert len(provinces) == 28
    covered = list(
        ChamberProvince.objects.filter(province__in=provinces).values_list("province", flat=True)
    )
    assert sorted(covered) == sorted(provinces)  # each once: none missing, none twice
    assert {row.chamber.kind for row in ChamberProvince.objects.select_related("chamber")} == {
        Organisation.Kind.CHAMBER
    }
    assert Organisation.objects.filter(kind=Organisation.Kind.CHAMBER).count() == 17


@pytest.mark.parametrize(
    "name,provinces",
    [
        ("Camera di Commercio di Milano Monza Brianza Lodi", {"IT-MI", "IT-MB", "IT-LO"}),
        ("Camera di Commercio di Cremona-Mantova-Pavia", {"IT-CR", "IT-MN", "IT-PV"}),
        ("Camera di Commercio dell'Emilia", {"IT-PC", "IT-PR", "IT-RE"}),
        ("Camera di Commercio della Romagna — Forlì-Cesena e Rimini", {"IT-FC", "IT-RN"}),
        ("Camera di Commercio di Ferrara e Ravenna", {"IT-FE", "IT-RA"}),
        ("Camera di Commercio di Treviso-Belluno Dolomiti", {"IT-TV", "IT-BL"}),
        ("Camera di Commercio di Venezia Rovigo", {"IT-VE", "IT-RO"}),
        (MODENA, {"IT-MO"}),
        (BERGAMO, {"IT-BG"}),
    ],
)
@pytest.mark.django_db
def test_merged_chambers_cover_the_provinces_of_their_merger(name, provinces):
    assert set(chamber(name).provinces.values_list("province", flat=True)) == provinces


@pytest.mark.parametrize(
    "existing",
    ["Camera di Commercio di Bergamo — Bergamo Sviluppo", "Camera di Commercio di Bergamo"],
)
@pytest.mark.django_db
def test_loading_the_chambers_keeps_the_bergamo_chamber_already_on_the_portal(existing):
    # The database as it was before the migration: one chamber, with an advisor and a company.
    ChamberProvince.objects.all().delete()
    Organisation.objects.filter(kind=Organisation.Kind.CHAMBER).delete()
    bergamo = OrganisationFactory(kind=Organisation.Kind.CHAMBER, name=existing)
    advisor = member("chamber", organisation=bergamo)
    company = OrganisationFactory(kind=Organisation.Kind.COMPANY)
    profile = Company.objects.create(
        organisation=company, legal_name="X", partita_iva="00000000000"
    )
    Company.objects.filter(pk=profile.pk).update(chamber=bergamo)

    load_chambers(apps, None)
    load_chambers(apps, None)  # a second run adds nothing

    assert ChamberProvince.objects.get(province="IT-BG").chamber == bergamo
    assert Organisation.objects.filter(kind="chamber", name__icontains="Bergamo").get() == bergamo
    assert Organisation.objects.filter(kind=Organisation.Kind.CHAMBER).count() == 17
    assert ChamberProvince.objects.count() == 28
    advisor.refresh_from_db()
    assert advisor.membership_row.organisation == bergamo
    assert Company.objects.get(pk=profile.pk).chamber == bergamo


# --- the suggestion ---------------------------------------------------------------------------


def test_no_chamber_is_suggested_to_a_company_without_units(world):
    assert chamber_suggestion(company=world.company_a_profile) is None


def test_the_chamber_of_the_units_province_is_suggested(world, django_assert_max_num_queries):
    company = world.company_a_profile
    unit(company, "Modena", "IT-MO", by=world.iom)
    modena = chamber(MODENA)
    with django_assert_max_num_queries(2):
        assert chamber_suggestion(company=company) == modena


def test_the_chamber_of_most_units_is_suggested_and_a_tie_goes_to_the_first_unit(world):
    company = world.company_a_profile
    unit(company, "Dalmine", "IT-BG", by=world.iom)
    unit(company, "Palazzolo sull'Oglio", "IT-BS", by=world.iom)
    assert chamber_suggestion(company=company) == chamber(BERGAMO)
    unit(company, "Brescia", "IT-BS", by=world.iom)
    assert chamber_suggestion(company=company) == chamber(BRESCIA)


# --- the profile form and the home page -------------------------------------------------------


def _profile_data(company, **overrides) -> dict:
    data = {
        "legal_name": company.legal_name,
        "codice_fiscale": company.partita_iva,
        "ateco_code": "28.41",
        "pec": "azienda@pec.example.it",
        "size": "small",
        "contact_name": "Anna Neri",
        "chamber": "",
    }
    return data | overrides


def test_the_profile_form_preselects_the_chamber_of_the_units_province(client_for, world):
    company = world.company_a_profile
    unit(company, "Modena", "IT-MO", by=world.iom)
    client = client_for("company")
    url = reverse("companies:edit", args=[company.pk])
    response = client.get(url)
    field = response.context["form"]["chamber"]
    assert field.value() == chamber(MODENA).pk
    assert (
        "Pre-selected for the provinces of the company's production units: "
        "Camera di Commercio di Modena." in unescape(response.content.decode())
    )
    response = client.post(url, _profile_data(company, chamber=chamber(MODENA).pk))
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.chamber == chamber(MODENA)
    # Named: nothing more to suggest.
    assert "Pre-selected" not in client.get(url).content.decode()


def test_a_company_that_named_another_chamber_keeps_it_and_sees_the_suggestion(client_for, world):
    company = world.company_a_profile
    Company.objects.filter(pk=company.pk).update(chamber=chamber(BRESCIA))
    unit(company, "Modena", "IT-MO", by=world.iom)
    response = client_for("company").get(reverse("companies:edit", args=[company.pk]))
    assert response.context["form"]["chamber"].value() == chamber(BRESCIA).pk
    assert (
        "Suggested for the provinces of the company's production units: "
        "Camera di Commercio di Modena." in unescape(response.content.decode())
    )


def test_the_suggested_chambers_name_is_shown_as_text_not_html(client_for, world):
    company = world.company_a_profile
    unit(company, "Modena", "IT-MO", by=world.iom)
    Organisation.objects.filter(name=MODENA).update(name="Camera <b>di</b> Modena")
    client = client_for("company")
    for url in (reverse("companies:edit", args=[company.pk]), reverse("home")):
        page = client.get(url).content.decode()
        assert "Camera &lt;b&gt;di&lt;/b&gt; Modena" in page, url
        assert "<b>di</b>" not in page, url


def test_the_company_home_asks_for_a_chamber_and_suggests_the_one_of_its_units(client_for, world):
    company = world.company_a_profile
    client = client_for("company")
    page = client.get(reverse("home")).content.decode()
    assert "Name the chamber of commerce that helps you with the paperwork." in page
    assert reverse("companies:edit", args=[company.pk]) in page
    unit(company, "Modena", "IT-MO", by=world.iom)
    page = client.get(reverse("home")).content.decode()
    assert (
        "Name the chamber of commerce that helps you with the paperwork: for your production "
        "units, <bdi>Camera di Commercio di Modena</bdi>." in page
    )
    company = Company.objects.get(pk=company.pk)
    company.chamber = chamber(MODENA)
    company.save()  # as the profile form's service does
    page = client.get(reverse("home")).content.decode()
    assert "Name the chamber of commerce" not in page


@pytest.mark.django_db
def test_the_signup_form_lists_every_chamber_and_suggests_none(client):
    response = client.get(reverse("companies:signup"), headers={"accept-language": "en"})
    choices = [label for _value, label in response.context["form"].fields["chamber"].choices]
    assert BERGAMO in choices and MODENA in choices
    assert len(choices) == 17 + 1  # and the empty choice
    assert "Pre-selected" not in response.content.decode()


# --- the admin --------------------------------------------------------------------------------


@pytest.fixture
def iom_admin(world, client_for):
    world.iom.is_superuser = world.iom.is_staff = True
    world.iom.save()
    return client_for("iom")


def test_iom_cannot_put_a_province_in_two_chambers_areas(iom_admin):
    response = iom_admin.post(
        reverse("admin:companies_chamberprovince_add"),
        {"chamber": chamber(BRESCIA).pk, "province": "IT-MO"},
    )
    assert response.status_code == 200
    assert "This province is already in another chamber&#x27;s area." in response.content.decode()
    assert ChamberProvince.objects.get(province="IT-MO").chamber == chamber(MODENA)


def test_iom_sees_a_chambers_provinces_on_its_organisation_page(iom_admin, world):
    page = iom_admin.get(
        reverse("admin:accounts_organisation_change", args=[chamber(MODENA).pk])
    ).content.decode()
    assert 'id="provinces-group"' in page and "IT-MO" in page
    company_page = iom_admin.get(
        reverse("admin:accounts_organisation_change", args=[world.company_org.pk])
    ).content.decode()
    assert 'id="provinces-group"' not in company_page
