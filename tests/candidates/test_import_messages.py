"""A candidates file's refusals reach the page in the reader's language, not in English."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from candidates.resources import CandidateResource
from tests.candidates.test_import import GOOD, upload
from thamm.scheme import current_scheme
from training.resources import ResultResource

BAD_DATE = GOOD[0].replace("1998-04-12", "12/04/1998")
BAD_NUMBER = GOOD[1].replace("specialised,1,", "specialised,un an,")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_bad_date_or_number_in_a_candidates_file_is_explained_in_the_readers_language(
    world, language
):
    client = Client(headers={"accept-language": language})
    client.force_login(world.centre)
    response = client.post(
        reverse("training:candidates_import"), {"file": upload(BAD_DATE, BAD_NUMBER)}, follow=True
    )
    page = response.content.decode()
    for english in ("Enter a valid date.", "Enter a whole number."):
        with translation.override(language):
            translated = translation.gettext(english)
        assert translated != english
        assert escape(translated) in page
        assert english not in page
    assert "could not be parsed" not in page
    # Each refusal is named by its column, not "this row could not be read".
    job = response.context["job"]
    problems = {(r["line"], e["column"]) for r in job.rows for e in r["errors"]}
    assert problems == {(2, "date_of_birth"), (3, "years_experience")}


def test_every_column_of_both_files_is_read_by_a_widget_whose_messages_are_ours(world):
    """django-import-export's widgets refuse values in English: none of them reads a column."""
    resources = [
        CandidateResource(
            centre_id=world.centre_org.pk, scheme=current_scheme(), line_numbers=[], by=None
        ),
        ResultResource(centre_id=world.centre_org.pk, scheme=current_scheme(), line_numbers=[]),
    ]
    for resource in resources:
        for name, field in resource.fields.items():
            widget = type(field.widget)
            ours = widget.__module__.split(".")[0] in ("candidates", "training")
            assert ours or widget.__name__ == "CharWidget", (type(resource).__name__, name)
