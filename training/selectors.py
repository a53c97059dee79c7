"""Reads of training data, scoped to the acting user; and the certification rule's verdict."""

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from candidates.models import Candidate
from candidates.selectors import candidate_list, of_visible_candidate
from thamm.models import Scheme
from thamm.reference import reference
from thamm.scoping import get_visible_or_404, owned

from .models import Cohort, Course, FileImport, Result, cefr_at_least

MIN_ATTENDANCE = Decimal("80")
ALWAYS = (Course.Kind.LANGUAGE, Course.Kind.CIVIC)


def course_catalogue() -> QuerySet[Course]:
    """The modules candidates take (the employers' courses are not part of certification)."""
    return Course.objects.exclude(kind=Course.Kind.EMPLOYER).order_by("kind", "code")


def all_courses() -> list[Course]:
    """Every course, employers' included, in the catalogue's order: reference data
    (thamm.reference), read once per process until a course changes."""
    return reference("courses", lambda: list(Course.objects.order_by("kind", "code")))


def catalogue_courses() -> list[Course]:
    """`course_catalogue()` as a list, from the reference data."""
    return [c for c in all_courses() if c.kind != Course.Kind.EMPLOYER]


def technical_modules() -> QuerySet[Course]:
    """The technical mechatronics modules (what a vacancy may require)."""
    return Course.objects.filter(kind=Course.Kind.TECHNICAL).order_by("code")


def result_list(*, user: User, candidate: Candidate) -> list[Result]:
    """The results of a candidate the user may see (the candidate's own included), in the
    catalogue's order, each with its course (from the reference data, not joined)."""
    courses = all_courses()
    position = {course.pk: index for index, course in enumerate(courses)}
    by_id = dict(zip(position, courses, strict=True))
    results = list(of_visible_candidate(Result.objects.order_by(), user=user, candidate=candidate))
    for result in results:
        result.course = by_id[result.course_id]
    return sorted(results, key=lambda r: (position[r.course_id], r.pk))


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
    # Safety, Italian and civic orientation are always required, whatever the catalogue's flags say.
    mandatory = [c for c in catalogue_courses() if c.mandatory or c.is_safety or c.kind in ALWAYS]
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
        exact = weighted / hours
        check.attendance = exact.quantize(Decimal("0.1"), rounding=ROUND_DOWN)
        if exact < MIN_ATTENDANCE:  # compared before rounding: 79.96 % is not 80 %
            check.missing.append(
                _("Attendance of at least 80 %% (now: %(attendance)s %%)")
                % {"attendance": check.attendance}
            )
    return check


def file_import_list(*, user: User) -> QuerySet[FileImport]:
    """Imported files: a centre sees its own, IOM sees all."""
    if user.role not in (Role.CENTRE, Role.IOM):
        return FileImport.objects.none()
    return owned(FileImport.objects.all(), user=user)


def file_import_get(*, user: User, pk: int) -> FileImport:
    return get_visible_or_404(file_import_list(user=user).select_related("job"), pk=pk)


def cohort_list(*, user: User) -> QuerySet[Cohort]:
    """Cohorts: a centre sees its own, IOM sees all."""
    if user.role not in (Role.CENTRE, Role.IOM):
        return Cohort.objects.none()
    qs = Cohort.objects.select_related("training_centre").annotate(size=Count("enrolments"))
    return owned(qs, user=user)


def cohort_choices(*, user: User) -> QuerySet[Cohort]:
    """The cohorts a user sees, as a form lists them (their names; no sizes counted)."""
    if user.role not in (Role.CENTRE, Role.IOM):
        return Cohort.objects.none()
    return owned(Cohort.objects.only("name", "training_centre_id"), user=user)


def cohort_get(*, user: User, pk: int) -> Cohort:
    return get_visible_or_404(cohort_list(user=user), pk=pk)


def cohort_members(*, cohort: Cohort) -> QuerySet[Candidate]:
    """The candidates of a cohort (already checked visible through `cohort_get`)."""
    return Candidate.objects.filter(enrolments__cohort=cohort).order_by("last_name", "first_name")


def cohort_enrollable(*, user: User, cohort: Cohort) -> QuerySet[Candidate]:
    """The centre's candidates still in training or registered, not yet in this cohort."""
    return (
        candidate_list(user=user)
        .filter(training_centre_id=cohort.training_centre_id)
        .filter(status__in=[Candidate.Status.REGISTERED, Candidate.Status.IN_TRAINING])
        .exclude(enrolments__cohort=cohort)
    )


MINISTRY_COLUMNS = [
    "cognome",
    "nome",
    "sesso",
    "data_nascita",
    "cittadinanza",
    "numero_passaporto",
    "scadenza_passaporto",
    "documento_identita",
    "ente_formatore",
    "percorso",
    "data_inizio",
    "data_fine",
    "ore_formazione",
    "livello_italiano",
    "data_certificazione",
]


def cohort_ministry_rows(*, cohort: Cohort, scheme: Scheme) -> list[list[str]]:
    """The cohort's certified workers, one row each, in the shape the Ministry of Labour's list
    of workers trained abroad asks for (art. 23 D.Lgs. 286/1998): Italian column names, ISO dates.
    """
    from thamm.models import StageChange

    certified = list(
        cohort_members(cohort=cohort).filter(
            status__in=[
                Candidate.Status.CERTIFIED,
                Candidate.Status.AVAILABLE,
                Candidate.Status.SELECTED,
                Candidate.Status.PREDEPARTURE,
                Candidate.Status.ARRIVED,
                Candidate.Status.EMPLOYED,
            ]
        )
    )
    ids = [str(c.pk) for c in certified]
    # The certification itself (from training), the first one: a later move back to certified
    # (consent withdrawn) is not a new certification.
    certified_on = {}
    for target_id, when in (
        StageChange.objects.filter(
            target_type="candidates.candidate",
            target_id__in=ids,
            to_stage="certified",
            from_stage="in_training",
        )
        .order_by("created_at")
        .values_list("target_id", "created_at")
    ):
        certified_on.setdefault(target_id, when)
    levels = dict(
        Result.objects.filter(
            candidate__in=certified, course__kind=Course.Kind.LANGUAGE
        ).values_list("candidate_id", "cefr_level")
    )
    hours = sum(c.hours for c in catalogue_courses() if c.mandatory)
    rows = []
    for c in certified:
        when = certified_on.get(str(c.pk))
        rows.append(
            [
                c.last_name,
                c.first_name,
                c.sex,
                c.date_of_birth.isoformat(),
                c.nationality,
                c.passport_number,
                c.passport_expiry.isoformat() if c.passport_expiry else "",
                c.cin,
                cohort.training_centre.name,
                scheme.sector,
                cohort.starts_on.isoformat(),
                cohort.ends_on.isoformat(),
                str(hours),
                levels.get(c.pk, ""),
                timezone.localtime(when).date().isoformat() if when else "",
            ]
        )
    return rows
