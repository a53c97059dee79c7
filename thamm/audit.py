"""The one way to write the audit log (DESIGN.md §11)."""

from typing import Any

from django.db import models

from .models import AuditEntry


def audit(
    *, actor, action: str, target: models.Model | None = None, detail: dict[str, Any] | None = None
) -> AuditEntry:
    """Append who (`actor`, may be None for the system) did `action` to `target`."""
    entry = AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        detail=detail or {},
    )
    if target is not None:
        entry.target_type = target._meta.label_lower
        entry.target_id = str(target.pk)
        entry.target_repr = str(target)[:200]
    entry.save()
    return entry
