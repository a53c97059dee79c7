"""On Arabic pages, lists are joined with the Arabic comma and names typed in Latin letters are
isolated (<bdi>), so that "Samira El Idrissi" keeps its comma on the right side."""

from django.test import Client
from django.urls import reverse

from candidates.models import Occupation
from candidates.services import candidate_start_training
from tests.test_access_matrix import _vacancy
from thamm.stages import stage_record

ARABIC_COMMA = "، "


def _arabic_client(user) -> Client:
    client = Client(headers={"accept-language": "ar"})
    client.force_login(user)
    return client


def _named(user, name="Samira El Idrissi"):
    user.full_name = name
    user.save(update_fields=["full_name"])
    return user


def test_arabic_candidate_page_joins_with_the_arabic_comma_and_isolates_names(world):
    centre = _named(world.centre)
    candidate = world.candidate_a
    candidate_start_training(candidate=candidate, by=centre)
    candidate.preferred_regions = ["IT-25", "IT-45"]
    candidate.save(update_fields=["preferred_regions"])
    candidate.previous_occupations.set(Occupation.objects.filter(isco_code__in=["3115", "7223"]))
    page = _arabic_client(centre).get(candidate.get_absolute_url()).content.decode()
    # The stage history: "<date>، <bdi>name</bdi>", never "<date>, name".
    assert f"{ARABIC_COMMA}<bdi>Samira El Idrissi</bdi>" in page
    assert ", Samira El Idrissi" not in page
    assert f"لومبارديا{ARABIC_COMMA}" in page  # the preferred regions
    assert f"(3115)</bdi>{ARABIC_COMMA}<bdi>" in page  # the previous occupations
    english = Client(headers={"accept-language": "en"})
    english.force_login(centre)
    page = english.get(candidate.get_absolute_url()).content.decode()
    assert ", <bdi>Samira El Idrissi</bdi>" in page  # English keeps its comma


def test_arabic_company_and_vacancy_histories_isolate_who_moved_them(world):
    iom = _named(world.iom, "Giulia Conti")
    company = world.company_a_profile
    stage_record(obj=company, from_stage="pending", to_stage="verified", by=iom, note="ok")
    vacancy = _vacancy(company)
    stage_record(obj=vacancy, from_stage="draft", to_stage="published", by=iom)
    client = _arabic_client(iom)
    for url in (
        reverse("companies:detail", args=[company.pk]),
        reverse("companies:vacancy_detail", args=[vacancy.pk]),
    ):
        page = client.get(url).content.decode()
        assert f"{ARABIC_COMMA}<bdi>Giulia Conti</bdi>" in page, url
        assert ", Giulia Conti" not in page, url


def test_arabic_recent_files_list_isolates_the_file_name_and_uses_the_arabic_comma(world):
    from tests.training.test_imports import csv_file

    client = _arabic_client(world.centre)
    ref = world.candidate_a.reference
    upload = csv_file(f"{ref},CIV,70,90,2026-06-01,", name="results june.csv")
    client.post(reverse("training:results_import"), {"file": upload})
    page = client.get(reverse("training:results_import")).content.decode()
    from django.utils import translation

    from training.models import FileImport

    with translation.override("ar"):
        status = str(FileImport.Status.PREVIEWED.label)
    assert f"<bdi>results june.csv</bdi></a> — {status}{ARABIC_COMMA}" in page
    assert f"{status}, " not in page


def test_messages_built_in_code_join_with_the_readers_punctuation(world):
    """A refused unit names the scheme's regions, and an early certification what is missing,
    with the Arabic comma and semicolon on Arabic pages."""
    from django.utils import translation

    from companies.services import unit_add
    from thamm.exceptions import DomainError
    from training.services import candidate_certify

    with translation.override("ar"):
        try:
            unit_add(
                company=world.company_a_profile,
                data={"address": "Via Roma 1", "comune": "Roma", "province": "IT-RM"},
                by=world.company,
            )
        except Exception as exc:  # ValidationError on the province field
            message = " ".join(exc.message_dict["province"])
        assert "، " in message and ", " not in message
        from candidates.services import candidate_start_training

        candidate_start_training(candidate=world.candidate_a, by=world.centre)
        try:
            candidate_certify(candidate=world.candidate_a, by=world.centre)
        except DomainError as exc:
            assert "؛ " in exc.message and "; " not in exc.message
        else:
            raise AssertionError("a candidate without results was certified")
