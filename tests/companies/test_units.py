import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from companies.models import Company, ProductionUnit, make_partita_iva
from companies.services import unit_add
from thamm.exceptions import DomainError
from thamm.scheme import italian_provinces

ELIGIBLE_REGIONS = {"IT-25", "IT-45", "IT-34"}
ELIGIBLE = sorted(code for code, _n, region in italian_provinces() if region in ELIGIBLE_REGIONS)
OTHERS = sorted(code for code, _n, region in italian_provinces() if region not in ELIGIBLE_REGIONS)


def test_the_three_regions_have_28_provinces():
    assert len(ELIGIBLE) == 28
    assert {"IT-BG", "IT-MI", "IT-BO", "IT-MO", "IT-VE", "IT-VI"} <= set(ELIGIBLE)


@pytest.mark.parametrize("province", ELIGIBLE)
def test_every_province_of_the_three_regions_is_accepted(world, province):
    unit = unit_add(
        company=world.company_a_profile,
        data={"address": "Via Roma 1", "comune": "Paese", "province": province},
        by=world.company,
    )
    assert unit.region in ELIGIBLE_REGIONS


@pytest.mark.parametrize("province", OTHERS)
def test_every_other_province_is_refused_naming_the_regions_that_qualify(world, province):
    with pytest.raises(ValidationError) as exc:
        unit_add(
            company=world.company_a_profile,
            data={"address": "Via Roma 1", "comune": "Paese", "province": province},
            by=world.company,
        )
    assert "Lombardia, Emilia-Romagna, Veneto" in exc.value.message_dict["province"][0]
    assert not ProductionUnit.objects.exists()


def test_only_the_company_its_advisor_or_iom_add_units(world):
    data = {"address": "Via Zanica 1", "comune": "Bergamo", "province": "IT-BG"}
    for who in ("company_b", "chamber_b", "centre", "candidate"):
        with pytest.raises(DomainError):
            unit_add(company=world.company_a_profile, data=data, by=world.user(who))
    for who in ("company", "chamber", "iom"):
        unit_add(company=world.company_a_profile, data=data, by=world.user(who))
    assert ProductionUnit.objects.count() == 3


def test_partita_iva_is_validated_and_unique(world):
    bad = Company(
        organisation=world.unassigned_company_org, legal_name="X", partita_iva="12345678901"
    )
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "partita_iva" in exc.value.message_dict
    dup = Company(
        organisation=world.unassigned_company_org,
        legal_name="X",
        partita_iva=world.company_a_profile.partita_iva,
    )
    with pytest.raises(ValidationError) as exc:
        dup.full_clean()
    assert "already registered" in str(exc.value)
    assert make_partita_iva(1234567)  # the demo/test generator makes valid numbers


def test_a_unit_in_roma_is_refused_on_the_page_with_a_clear_message_in_italian(world):
    client = Client(headers={"accept-language": "it"})
    client.force_login(world.company)
    url = reverse("companies:units", args=[world.company_a_profile.pk])
    response = client.post(
        url, {"address": "Via del Corso 1", "comune": "Roma", "province": "IT-RM"}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["province"])
    assert "Lombardia, Emilia-Romagna, Veneto" in errors and "Lazio" in errors
    assert not ProductionUnit.objects.exists()
    client.post(url, {"address": "Via Zanica 1", "comune": "Bergamo", "province": "IT-BG"})
    assert ProductionUnit.objects.get().region == "IT-25"
