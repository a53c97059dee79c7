"""Rules that every result follows, by hand or by file, checked row by row in a file import."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CandidateFactory
from tests.training.test_imports import EIGHT_MODULES, csv_file, preview
from thamm.exceptions import DomainError
from training.imports import import_confirm
from training.models import Result


def _cohort_from(world, starts_on, candidates, name="Casa 2026-B"):
    from training.services import cohort_create, cohort_enrol

    cohort = cohort_create(
        centre=world.centre_org,
        data={"name": name, "starts_on": starts_on, "ends_on": starts_on + datetime.timedelta(90)},
        by=world.centre,
    )
    cohort_enrol(cohort=cohort, candidates=candidates, by=world.centre)
    return cohort


def test_a_row_dated_before_the_cohort_starts_is_an_error_in_the_date_column(world):
    _cohort_from(world, datetime.date(2026, 3, 2), [world.candidate_a])
    ref = world.candidate_a.reference
    job = preview(
        world, csv_file(f"{ref},MEC-PLC,75,90,2026-03-02,", f"{ref},CIV,70,90,2026-03-01,")
    )
    assert job.status == "rejected" and job.totals["error"] == 1
    [bad] = [r for r in job.rows if r["errors"]]
    assert bad["line"] == 3
    assert bad["errors"] == [
        {
            "column": "date",
            "message": "The assessment date cannot be before the cohort “Casa 2026-B” starts "
            "(02/03/2026).",
        }
    ]
    with pytest.raises(DomainError):
        import_confirm(job=job, user=world.centre)
    assert not Result.objects.exists()


def test_checking_the_cohort_start_costs_no_query_per_row(world):
    candidates = CandidateFactory.create_batch(6, training_centre=world.centre_org)
    _cohort_from(world, datetime.date(2026, 1, 12), candidates)

    def queries(count, score=70):
        lines = [
            f"{c.reference},{code},{score},90,2026-06-01,"
            for c in candidates[:count]
            for code in EIGHT_MODULES
        ]
        with CaptureQueriesContext(connection) as captured:
            job = preview(world, csv_file(*lines))
        assert job.status == "previewed"
        return len(captured), job

    queries(1)  # the first check also reads the reference data (the scheme) for the process
    assert queries(6)[0] == queries(1)[0]
    import_confirm(job=queries(6)[1], user=world.centre)
    # Updates of results already there: the same.
    assert queries(6, score=80)[0] == queries(1, score=80)[0]


def _page_of_upload(world, language, url_name, upload):
    from django.test import Client
    from django.urls import reverse

    client = Client(headers={"accept-language": language})
    client.force_login(world.centre)
    response = client.post(reverse(url_name), {"file": upload}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_bad_date_or_number_in_a_results_file_is_explained_in_the_readers_language(
    world, language
):
    from django.utils import translation
    from django.utils.html import escape

    ref = world.candidate_a.reference
    page = _page_of_upload(
        world,
        language,
        "training:results_import",
        csv_file(f"{ref},MEC-PLC,75,90,30/06/2026,", f"{ref},CIV,beaucoup,90,2026-06-01,"),
    )
    for english in ("Enter a valid date.", "Enter a number."):
        with translation.override(language):
            translated = translation.gettext(english)
        assert translated != english
        assert escape(translated) in page
        assert english not in page
    assert "could not be parsed" not in page
