"""The pre-departure cases of the demo (cases.toml): the cases that the accepted offers opened,
walked through their steps and closed only through the pre-departure services."""

import datetime

from django.utils import timezone
from mrz.generator.td3 import TD3CodeGenerator

from accounts.models import Membership, User
from candidates.models import Candidate
from candidates.services import candidate_update
from predeparture.models import Case, Step
from predeparture.services import case_close, passport_check, refresh_next_due, step_record

from .files import check, read


def _party(case: Case, by: str) -> User:
    """The login that acts for a party of the case."""
    if by == "worker":
        user = case.candidate.user
        check(user is not None, "cases", f"{case.candidate.cin} has no login (candidates.toml)")
        return user
    organisation = {
        "centre": case.candidate.training_centre_id,
        "company": case.company.organisation_id,
    }.get(by)
    members = Membership.objects.select_related("user").order_by("pk")
    if by == "iom":
        return members.filter(organisation__kind="iom").first().user
    check(organisation is not None, "cases", f"unknown party {by!r}")
    return members.filter(organisation_id=organisation).first().user


def _record_passport(case: Case, spec: dict, today: datetime.date) -> None:
    """The worker's centre records their passport on their record (as its form would)."""
    expiry = today + datetime.timedelta(days=spec["expires_in_days"])
    candidate_update(
        candidate=case.candidate,
        data={"passport_number": spec["number"], "passport_expiry": expiry},
        occupations=None,
        by=_party(case, "centre"),
    )
    case.candidate.refresh_from_db()


def _check_passport(case: Case, spec: dict) -> None:
    """The worker types their passport's MRZ lines: those of a passport with the record's data,
    but for the differences the file gives."""
    candidate = case.candidate
    born = candidate.date_of_birth + datetime.timedelta(days=spec.get("birth_date_days_later", 0))
    lines = TD3CodeGenerator(
        "P",
        "MAR",
        candidate.last_name,
        candidate.first_name,
        candidate.passport_number,
        "MAR",
        born.strftime("%y%m%d"),
        candidate.sex,
        candidate.passport_expiry.strftime("%y%m%d"),
    )
    passport_check(case=case, by=_party(case, spec["by"]), lines=str(lines))


def seed_cases() -> int:
    """Walk each demo case to its steps (those not done yet); returns how many cases there are.
    Seeding again changes nothing."""
    today = timezone.localdate()
    for spec in read("cases")["case"]:
        candidate = Candidate.objects.filter(cin=spec["cin"]).first()
        check(candidate is not None, "cases", f"no candidate {spec['cin']}")
        case = (
            Case.objects.select_related("candidate__user", "company", "offer")
            .filter(candidate=candidate)
            .order_by("-opened_at")
            .first()
        )
        check(case is not None, "cases", f"{spec['cin']} accepted no offer (applications.toml)")
        if not case.is_open:
            continue
        if "passport" in spec and not candidate.passport_number:
            _record_passport(case, spec["passport"], today)
        accepted = case.steps.get(kind=Step.Kind.ACCEPTED)
        if not case.steps.exclude(kind=Step.Kind.ACCEPTED).filter(status="done").exists():
            # As if the worker had accepted then: the steps since are dated after it.
            accepted.done_on = today - datetime.timedelta(days=spec["accepted_days_ago"])
            accepted.save(update_fields=["done_on", "updated_at"])
            opened = timezone.now() - datetime.timedelta(days=spec["accepted_days_ago"])
            Case.objects.filter(pk=case.pk).update(opened_at=opened)
        for step_spec in spec.get("steps", []):
            step = case.steps.get(kind=step_spec["kind"])
            if step.status == Step.Status.DONE:
                continue
            day = today - datetime.timedelta(days=step_spec["days_ago"])
            extra = {}
            if "valid_days" in step_spec:
                extra = {
                    "visa_valid_from": day,
                    "visa_valid_until": day + datetime.timedelta(days=step_spec["valid_days"]),
                }
            step_record(
                step=step,
                by=_party(case, step_spec["by"]),
                done_on=day,
                reference=step_spec.get("reference", ""),
                **extra,
            )
        case.refresh_from_db()
        refresh_next_due(case)
        if "passport_check" in spec and not case.passport_checks.exists():
            _check_passport(case, spec["passport_check"])
        if "close" in spec:
            close = spec["close"]
            case_close(
                case=case, reason=close["reason"], note=close["note"], by=_party(case, close["by"])
            )
    return Case.objects.count()
