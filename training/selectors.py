"""Reads of training data, scoped to the acting user; and the certification rule's verdict."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Role, User
from candidates.models import Candidate
from candidates.selectors import candidate_list
from thamm.models import Scheme
from thamm.scoping import get_visible_or_404

from .models import Course, Result, ResultImport, cefr_at_least

MIN_ATTENDANCE = Decimal("80")


def course_catalogue() -> QuerySet[Course]:
    """The modules candidates take (the employers' courses are not part of certification)."""
    return Course.objects.exclude(kind=Course.Kind.EMPLOYER).order_by("kind", "code")


def result_list(*, user: User, candidate: Candidate) -> QuerySet[Result]:
    """The results of a candidate the user may see (the candidate's own included)."""
    visible = candidate_list(user=user).filter(pk=candidate.pk)
    return Result.objects.filter(candidate__in=visible).select_related("course")


@dataclass
class CertificationCheck:
    """What the certification rule says of one candidate; `missing` is empty when it is met."""

    missing: list[str] = field(default_factory=list)
    attendance: Decimal | None = None

    @property
    def ready(self) -> bool:
        return not self.missing


def certification_check(
    *, candidate: Candidate, scheme: Scheme, results=None
) -> CertificationCheck:
    """The certification rule (training issue), in one place.

    All mandatory technical modules passed (the workplace health and safety module among them),
    Italian at least at the scheme's level, civic orientation passed, and attendance of at least
    80 % (weighted by course hours over the mandatory courses).
    """
    if results is None:
        results = list(Result.objects.filter(candidate=candidate).select_related("course"))
    by_course = {r.course_id: r for r in results}
    check = CertificationCheck()
    mandatory = [c for c in course_catalogue() if c.mandatory]
    for course in mandatory:
        result = by_course.get(course.pk)
        if course.kind == Course.Kind.LANGUAGE:
            level = result.cefr_level if result else ""
            if not cefr_at_least(level, scheme.required_italian_level):
                check.missing.append(
                    _("Italian at level %(required)s or above (now: %(level)s)")
                    % {"required": scheme.required_italian_level, "level": level or _("no result")}
                )
        elif result is None:
            check.missing.append(_("%(course)s: no result yet") % {"course": course.display_title})
        elif not result.passed:
            check.missing.append(_("%(course)s: not passed") % {"course": course.display_title})
    hours = sum(c.hours for c in mandatory if c.pk in by_course)
    if hours:
        weighted = sum(by_course[c.pk].attendance * c.hours for c in mandatory if c.pk in by_course)
        check.attendance = (weighted / hours).quantize(Decimal("0.1"))
        if check.attendance < MIN_ATTENDANCE:
            check.missing.append(
                _("Attendance of at least 80 %% (now: %(attendance)s %%)")
                % {"attendance": check.attendance}
            )
    return check


def result_import_list(*, user: User) -> QuerySet[ResultImport]:
    """Results files: a centre sees its own, IOM sees all."""
    if not user.is_authenticated:
        return ResultImport.objects.none()
    if user.role == Role.IOM:
        return ResultImport.objects.all()
    if user.role == Role.CENTRE:
        return ResultImport.objects.filter(training_centre_id=user.membership.organisation_id)
    return ResultImport.objects.none()


def result_import_get(*, user: User, pk: int) -> ResultImport:
    return get_visible_or_404(result_import_list(user=user).select_related("job"), pk=pk)
