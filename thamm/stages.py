"""The one way to record and read lifecycle moves (DESIGN.md §11)."""

from django.db import models
from django.db.models import QuerySet

from .models import StageChange


def stage_record(
    *, obj: models.Model, from_stage: str, to_stage: str, by, note: str = ""
) -> StageChange:
    """Append who moved `obj` from `from_stage` to `to_stage`, when, and why."""
    change = StageChange(
        target_type=obj._meta.label_lower,
        target_id=str(obj.pk),
        from_stage=from_stage or "",
        to_stage=to_stage,
        by=by if by is not None and by.is_authenticated else None,
        note=note,
    )
    change.save()
    return change


def stage_history(*, obj: models.Model) -> QuerySet[StageChange]:
    """The moves of one object, oldest first (whether `obj` is visible is the selector's job)."""
    return StageChange.objects.filter(
        target_type=obj._meta.label_lower, target_id=str(obj.pk)
    ).select_related("by")


# What a page shows of a move (the mover's name comes with it).
PAGE_COLUMNS = ("created_at", "from_stage", "to_stage", "note", "by")


def labelled_history(*, obj: models.Model, choices) -> list[StageChange]:
    """The moves of one object, oldest first, each with `to_stage_label` (from `choices`, the
    model's TextChoices) for people to read; of the person who moved it, only their name."""
    changes = list(stage_history(obj=obj).only(*PAGE_COLUMNS, "by__full_name", "by__email"))
    labels = {value: str(label) for value, label in choices.choices}
    for change in changes:
        change.to_stage_label = labels.get(change.to_stage, change.to_stage)
    return changes
