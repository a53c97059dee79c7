"""Reference data (thamm.reference): read once per process, and read again as soon as it changes."""

import datetime

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candidates.models import PrivacyNotice
from companies.models import EmployerPaysStatement
from thamm.models import Scheme
from thamm.reference import reference, reference_changed
from thamm.scheme import current_scheme
from training.models import Course
from training.selectors import catalogue_courses

pytestmark = pytest.mark.django_db


def test_the_scheme_is_read_from_the_database_once():
    current_scheme()
    with CaptureQueriesContext(connection) as queries:
        assert current_scheme().code == "thamm-plus"
        current_scheme()
    assert len(queries) == 0


def test_a_saved_scheme_is_what_the_next_read_sees():
    current_scheme()
    scheme = Scheme.objects.get(is_current=True)
    scheme.required_italian_level = "B1"
    scheme.quota = 480
    scheme.save()
    assert current_scheme().required_italian_level == "B1"
    assert current_scheme().quota == 480


def test_changing_what_was_read_changes_nobody_elses_copy():
    first = current_scheme()
    first.quota = 1
    first.destination_regions.append("IT-62")
    again = current_scheme()
    assert again.quota != 1
    assert "IT-62" not in again.destination_regions


def test_a_new_or_removed_course_changes_the_catalogue():
    before = {c.code for c in catalogue_courses()}
    course = Course.objects.create(code="TX-99", title="Hydraulics", kind="technical", hours=20)
    assert {c.code for c in catalogue_courses()} == before | {"TX-99"}
    course.delete()
    assert {c.code for c in catalogue_courses()} == before


@pytest.mark.parametrize("model", [PrivacyNotice, EmployerPaysStatement])
def test_a_new_version_of_a_text_is_in_force_from_its_date(model, monkeypatch):
    current = model.in_force()
    texts = {f"body_{lang}": "v" for lang in ("it", "fr", "ar", "en")}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    newer = model.objects.create(version=current.version + 1, published_on=tomorrow, **texts)
    assert model.in_force().pk == current.pk  # not yet in force: dated tomorrow
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    assert model.in_force().pk == newer.pk  # the next day, with nothing saved in between


def test_a_change_by_another_process_shows_on_the_next_read():
    calls = []
    assert reference("test-value", lambda: calls.append(1) or len(calls)) == 1
    assert reference("test-value", lambda: calls.append(1) or len(calls)) == 1
    reference_changed()  # what a save in another process does to the shared version
    assert reference("test-value", lambda: calls.append(1) or len(calls)) == 2


def test_a_request_reads_the_version_once_and_still_sees_its_own_changes(monkeypatch):
    from django.core.cache import cache

    reads = []
    real_get_or_set = cache.get_or_set
    monkeypatch.setattr(
        cache, "get_or_set", lambda *a, **k: reads.append(a[0]) or real_get_or_set(*a, **k)
    )
    current_scheme()
    current_scheme()
    assert len(reads) == 2  # outside a request every read asks the cache
    reads.clear()
    # As Django's test client does: a request's signals would otherwise close the test's own
    # database connection (its transaction) on PostgreSQL.
    for signal in (request_started, request_finished):
        monkeypatch.setattr(signal, "receivers", [])
        signal.sender_receivers_cache.clear()
    from thamm import reference as module

    request_started.connect(module._request_begins)
    request_finished.connect(module._request_ends)
    request_started.send(sender=None)
    try:
        current_scheme()
        catalogue_courses()
        current_scheme()
        assert len(reads) == 1
        scheme = Scheme.objects.get(is_current=True)
        scheme.quota = 321
        scheme.save()  # within the same request
        assert current_scheme().quota == 321
    finally:
        request_finished.send(sender=None)


def test_a_change_rolled_back_is_not_kept_for_anyone():
    from django.db import transaction

    current_scheme()
    with pytest.raises(RuntimeError), transaction.atomic():
        scheme = Scheme.objects.get(is_current=True)
        scheme.quota = 321
        scheme.save()
        assert current_scheme().quota == 321  # the transaction reads its own change
        raise RuntimeError("rolled back")
    assert current_scheme().quota == Scheme.objects.get(is_current=True).quota != 321
