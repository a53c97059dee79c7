"""Behaviour the review of the training slices asked for."""

import datetime
from decimal import Decimal
from unittest import mock

from candidates.models import Candidate
from candidates.selectors import privacy_notice_current
from candidates.services import (
    candidate_start_training,
    candidate_update,
    candidate_withdraw,
    consent_give,
    consent_withdraw,
)
from tests.factories import CandidateFactory, pass_everything
from thamm.scheme import current_scheme
from training.models import Course, Result
from training.selectors import certification_check
from training.services import candidate_certify

S = Candidate.Status


def test_a_staff_edit_never_undoes_a_consent_given_meanwhile(world):
    stale = Candidate.objects.get(pk=world.candidate_a.pk)  # the page loaded before the consent
    consent_give(
        candidate=world.candidate_a,
        notice=privacy_notice_current(),
        share_with_companies=True,
        by=world.candidate,
    )
    candidate_update(
        candidate=stale, data={"first_name": "Edited"}, occupations=None, by=world.centre
    )
    fresh = Candidate.objects.get(pk=world.candidate_a.pk)
    assert fresh.first_name == "Edited" and fresh.profile_shared


def test_consent_given_in_training_makes_the_certified_candidate_available(world):
    candidate_start_training(candidate=world.candidate_a, by=world.centre)
    consent_give(
        candidate=world.candidate_a,
        notice=privacy_notice_current(),
        share_with_companies=True,
        by=world.candidate,
    )
    pass_everything(world.candidate_a)
    candidate_certify(candidate=world.candidate_a, by=world.centre)
    world.candidate_a.refresh_from_db()
    assert world.candidate_a.status == S.AVAILABLE


def test_withdrawing_from_the_scheme_hides_the_profile(world):
    consent_give(
        candidate=world.candidate_a,
        notice=privacy_notice_current(),
        share_with_companies=True,
        by=world.candidate,
    )
    candidate_withdraw(candidate=world.candidate_a, by=world.centre, reason="Left")
    world.candidate_a.refresh_from_db()
    assert not world.candidate_a.profile_shared


def test_attendance_just_under_80_is_not_rounded_up(world):
    candidate = CandidateFactory(training_centre=world.centre_org)
    pass_everything(candidate, attendance=Decimal("79.96"))
    check = certification_check(candidate=candidate, scheme=current_scheme())
    assert not check.ready and check.attendance == Decimal("79.9")


def test_safety_civic_and_italian_stay_required_even_if_unticked(world):
    Course.objects.filter(code__in=["MEC-HSE", "CIV", "ITA"]).update(mandatory=False)
    candidate = CandidateFactory(training_centre=world.centre_org)
    pass_everything(candidate, skip={"MEC-HSE", "CIV", "ITA"})
    missing = certification_check(candidate=candidate, scheme=current_scheme()).missing
    assert len(missing) == 3


def test_the_ministry_export_keeps_the_first_certification_date(world):
    from training.selectors import cohort_ministry_rows
    from training.services import cohort_create, cohort_enrol

    candidate = world.candidate_a
    candidate_start_training(candidate=candidate, by=world.centre)
    pass_everything(candidate)
    certified_at = datetime.datetime(2026, 7, 1, 10, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=certified_at):
        candidate_certify(candidate=candidate, by=world.centre)
    consent_give(
        candidate=candidate,
        notice=privacy_notice_current(),
        share_with_companies=True,
        by=world.candidate,
    )
    consent_withdraw(candidate=candidate, by=world.candidate)  # back to certified, today
    cohort = cohort_create(
        centre=world.centre_org,
        data={
            "name": "X",
            "starts_on": datetime.date(2026, 1, 1),
            "ends_on": datetime.date(2026, 6, 30),
        },
        by=world.centre,
    )
    cohort_enrol(cohort=cohort, candidates=[candidate], by=world.centre)
    [row] = cohort_ministry_rows(cohort=cohort, scheme=current_scheme())
    assert row[-1] == "2026-07-01"
    assert Result.objects.filter(candidate=candidate).exists()
