"""Writes with rules for training results and certification."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from candidates.models import Candidate
from candidates.services import candidate_mark_certified
from thamm.audit import audit
from thamm.exceptions import DomainError
from thamm.lists import join_sentences
from thamm.scheme import current_scheme

from .models import Cohort, Course, Enrolment, Result, cefr_at_least
from .selectors import certification_check


def _check_may_record(*, candidate: Candidate, by: User) -> None:
    if by.role == Role.IOM:
        return
    if by.role == Role.CENTRE and by.membership.organisation_id == candidate.training_centre_id:
        return
    raise DomainError(_("Only the candidate's training centre or IOM can record results."))


def result_passed(*, course: Course, score: Decimal | None, cefr_level: str, scheme) -> bool:
    if course.kind == Course.Kind.LANGUAGE:
        return cefr_at_least(cefr_level, scheme.required_italian_level)
    return score is not None and score >= course.pass_mark


@transaction.atomic
def result_record(
    *,
    candidate: Candidate,
    course: Course,
    score: Decimal | None,
    attendance: Decimal,
    cefr_level: str,
    assessed_on: date,
    by: User,
) -> Result:
    """Record (or correct) a candidate's result in one course; `passed` follows the pass mark
    (Italian: the scheme's required CEFR level)."""
    _check_may_record(candidate=candidate, by=by)
    if course.kind == Course.Kind.EMPLOYER:
        raise DomainError(_("Employers' courses have no candidate results."))
    result = Result.objects.filter(candidate=candidate, course=course).first() or Result(
        candidate=candidate, course=course
    )
    result.score = score
    result.attendance = attendance
    result.cefr_level = cefr_level or ""
    result.assessed_on = assessed_on
    result.passed = result_passed(
        course=course, score=score, cefr_level=result.cefr_level, scheme=current_scheme()
    )
    result.full_clean()
    result.save()
    audit(
        actor=by,
        action="result.record",
        target=candidate,
        detail={"course": course.code, "passed": result.passed},
    )
    return result


@transaction.atomic
def candidate_certify(*, candidate: Candidate, by: User) -> Candidate:
    """Certify a candidate in training whose results meet the certification rule, once every cohort
    they are in has started (the certificate is dated today)."""
    _check_may_record(candidate=candidate, by=by)
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.status != Candidate.Status.IN_TRAINING:
        raise DomainError(_("Only a candidate in training can be certified."))
    # Certified today: not before any of the candidate's cohorts has started, or the Ministry's
    # list would show a certificate dated before its course began.
    later = (
        Cohort.objects.filter(enrolments__candidate=locked, starts_on__gt=timezone.localdate())
        .order_by("-starts_on", "pk")
        .first()
    )
    if later is not None:
        raise DomainError(
            _(
                "The cohort “%(cohort)s” starts on %(date)s: the candidate cannot be certified "
                "before."
            )
            % {
                "cohort": later.name,
                "date": formats.date_format(later.starts_on, "SHORT_DATE_FORMAT"),
            }
        )
    check = certification_check(candidate=locked, scheme=current_scheme())
    if not check.ready:
        raise DomainError(_("Not yet: %(missing)s.") % {"missing": join_sentences(check.missing)})
    return candidate_mark_certified(candidate=candidate, by=by)


@transaction.atomic
def cohort_create(*, centre, data: dict, by: User) -> Cohort:
    """A new cohort at the user's own centre."""
    if not (by.role == Role.CENTRE and by.membership.organisation_id == centre.pk):
        raise DomainError(_("Cohorts are created by their training centre."))
    cohort = Cohort(training_centre=centre, **data)
    cohort.full_clean()
    cohort.save()
    audit(actor=by, action="cohort.create", target=cohort)
    return cohort


@transaction.atomic
def cohort_enrol(*, cohort: Cohort, candidates, by: User) -> int:
    """Enrol candidates of the cohort's own centre; returns how many were added."""
    if not (by.role == Role.CENTRE and by.membership.organisation_id == cohort.training_centre_id):
        raise DomainError(_("Only the cohort's training centre can enrol candidates."))
    added = 0
    for candidate in candidates:
        if candidate.training_centre_id != cohort.training_centre_id:
            raise DomainError(_("A cohort only takes candidates of its own centre."))
        _enrolment, created = Enrolment.objects.get_or_create(cohort=cohort, candidate=candidate)
        added += created
    audit(actor=by, action="cohort.enrol", target=cohort, detail={"added": added})
    return added
