import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from candidates.models import Candidate
from candidates.services import candidate_start_training
from tests.factories import CandidateFactory, pass_everything
from thamm.exceptions import DomainError
from thamm.models import Scheme
from thamm.scheme import current_scheme
from thamm.stages import stage_history
from training.models import Cohort, Course, Result
from training.selectors import certification_check
from training.services import candidate_certify, result_record

TODAY = datetime.date(2026, 6, 1)


def course(code):
    return Course.objects.get(code=code)


@pytest.fixture
def trainee(world):
    candidate = CandidateFactory(training_centre=world.centre_org)
    candidate_start_training(candidate=candidate, by=world.centre)
    return candidate


def record(trainee, by, code, score=None, attendance=90, cefr=""):
    return result_record(
        candidate=trainee,
        course=course(code),
        score=None if score is None else Decimal(score),
        attendance=Decimal(attendance),
        cefr_level=cefr,
        assessed_on=TODAY,
        by=by,
    )


def test_pass_mark_decides_passed_and_a_new_result_replaces_the_old(world, trainee):
    assert not record(trainee, world.centre, "MEC-PLC", score="59.99").passed
    assert record(trainee, world.centre, "MEC-PLC", score="60").passed
    assert Result.objects.filter(candidate=trainee).count() == 1
    # Safety has a higher pass mark (70).
    assert not record(trainee, world.centre, "MEC-HSE", score="65").passed


def test_italian_passes_at_the_schemes_level(world, trainee):
    assert not record(trainee, world.centre, "ITA", cefr="A1").passed
    assert record(trainee, world.centre, "ITA", cefr="A2").passed
    scheme = Scheme.objects.get(is_current=True)
    scheme.required_italian_level = "B1"
    scheme.save()
    assert not record(trainee, world.centre, "ITA", cefr="A2").passed


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "MEC-PLC", "score": None}, "score"),
        ({"code": "ITA", "cefr": ""}, "cefr_level"),
        ({"code": "MEC-PLC", "score": "101"}, "score"),
        ({"code": "MEC-PLC", "score": "70", "attendance": "120"}, "attendance"),
    ],
)
def test_bad_results_are_refused_and_nothing_is_saved(world, trainee, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        record(trainee, world.centre, **kwargs)
    assert field in exc.value.message_dict
    assert not Result.objects.filter(candidate=trainee).exists()


def test_future_assessment_date_is_refused(world, trainee):
    with pytest.raises(ValidationError) as exc:
        result_record(
            candidate=trainee,
            course=course("CIV"),
            score=Decimal(80),
            attendance=Decimal(90),
            cefr_level="",
            assessed_on=datetime.date.today() + datetime.timedelta(days=1),
            by=world.centre,
        )
    assert "assessed_on" in exc.value.message_dict


def test_another_centre_cannot_record_results(world, trainee):
    with pytest.raises(DomainError):
        record(trainee, world.centre_b, "MEC-PLC", score="80")
    record(trainee, world.iom, "MEC-PLC", score="80")  # IOM may act on all


def test_certification_rule_lists_everything_still_missing(world, trainee):
    check = certification_check(candidate=trainee, scheme=current_scheme())
    assert not check.ready
    assert len(check.missing) == 8  # six technical (safety included), Italian, civic
    pass_everything(trainee, skip={"MEC-HSE"})
    check = certification_check(candidate=trainee, scheme=current_scheme())
    assert check.missing == ["Workplace health and safety: no result yet"]
    pass_everything(trainee, italian="A1")
    check = certification_check(candidate=trainee, scheme=current_scheme())
    assert check.missing == ["Italian at level A2 or above (now: A1)"]
    pass_everything(trainee, attendance=79)
    check = certification_check(candidate=trainee, scheme=current_scheme())
    assert check.missing == ["Attendance of at least 80 % (now: 79.0 %)"]
    pass_everything(trainee)
    assert certification_check(candidate=trainee, scheme=current_scheme()).ready


def test_optional_robotics_is_not_required(world, trainee):
    pass_everything(trainee)
    assert not Result.objects.filter(candidate=trainee, course__code="MEC-ROB").exists()
    assert certification_check(candidate=trainee, scheme=current_scheme()).ready


def test_certify_records_who_and_when_and_refuses_when_not_ready(world, trainee):
    with pytest.raises(DomainError, match="Not yet"):
        candidate_certify(candidate=trainee, by=world.centre)
    trainee.refresh_from_db()
    assert trainee.status == Candidate.Status.IN_TRAINING
    pass_everything(trainee)
    candidate_certify(candidate=trainee, by=world.centre)
    trainee.refresh_from_db()
    assert trainee.status == Candidate.Status.CERTIFIED
    last = stage_history(obj=trainee).last()
    assert (last.to_stage, last.by) == ("certified", world.centre)
    with pytest.raises(DomainError):
        candidate_certify(candidate=trainee, by=world.centre)


def test_a_registered_candidate_cannot_be_certified(world):
    candidate = CandidateFactory(training_centre=world.centre_org)
    pass_everything(candidate)
    with pytest.raises(DomainError, match="in training"):
        candidate_certify(candidate=candidate, by=world.centre)


def _cohort(world, starts_on, name="Casa 2026-B"):
    from training.services import cohort_create

    return cohort_create(
        centre=world.centre_org,
        data={"name": name, "starts_on": starts_on, "ends_on": starts_on + datetime.timedelta(90)},
        by=world.centre,
    )


def test_a_result_dated_before_the_cohort_starts_is_refused_and_nothing_saved(world, trainee):
    from training.services import cohort_enrol

    cohort = _cohort(world, datetime.date(2026, 3, 2))
    cohort_enrol(cohort=cohort, candidates=[trainee], by=world.centre)
    with pytest.raises(ValidationError) as exc:
        result_record(
            candidate=trainee,
            course=course("CIV"),
            score=Decimal(80),
            attendance=Decimal(90),
            cefr_level="",
            assessed_on=datetime.date(2026, 3, 1),
            by=world.centre,
        )
    assert exc.value.message_dict["assessed_on"] == [
        "The assessment date cannot be before the cohort “Casa 2026-B” starts (02/03/2026)."
    ]
    assert not Result.objects.filter(candidate=trainee).exists()
    # From the first day of the candidate's first cohort on, results are taken.
    later = _cohort(world, datetime.date(2026, 5, 4), name="Casa 2026-C")
    cohort_enrol(cohort=later, candidates=[trainee], by=world.centre)
    result_record(
        candidate=trainee,
        course=course("CIV"),
        score=Decimal(80),
        attendance=Decimal(90),
        cefr_level="",
        assessed_on=datetime.date(2026, 3, 2),
        by=world.centre,
    )
    assert Result.objects.filter(candidate=trainee).count() == 1


def test_a_candidate_is_not_certified_before_their_cohort_starts(world, trainee):
    from training.selectors import cohort_ministry_rows
    from training.services import cohort_enrol

    today = timezone.localdate()
    started = _cohort(world, today - datetime.timedelta(days=100), name="Started")
    upcoming = _cohort(world, today + datetime.timedelta(days=1), name="Upcoming")
    cohort_enrol(cohort=started, candidates=[trainee], by=world.centre)
    cohort_enrol(cohort=upcoming, candidates=[trainee], by=world.centre)
    pass_everything(trainee)
    with pytest.raises(DomainError) as exc:
        candidate_certify(candidate=trainee, by=world.centre)
    assert exc.value.message == (
        f"The cohort “Upcoming” starts on {upcoming.starts_on:%d/%m/%Y}: "
        "the candidate cannot be certified before."
    )
    trainee.refresh_from_db()
    assert trainee.status == Candidate.Status.IN_TRAINING
    assert not stage_history(obj=trainee).filter(to_stage="certified").exists()
    # On the day the cohort starts, the certificate can be given: never dated before the start.
    Cohort.objects.filter(pk=upcoming.pk).update(starts_on=today)
    upcoming.refresh_from_db()
    candidate_certify(candidate=trainee, by=world.centre)
    [row] = cohort_ministry_rows(cohort=upcoming, scheme=current_scheme())
    assert row[10] == row[14] == today.isoformat()  # data_inizio, data_certificazione
