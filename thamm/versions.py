"""Versions of cached data: what a cache key carries so that a change anywhere makes every process
read afresh, instead of each cache being cleared by hand.

    STAGES = Version("candidates:stage-counts")
    STAGES.changes_with(Candidate)              # any save or delete of a candidate
    cache.get(f"stage-counts:{STAGES.current()}:{scope}")

The version lives in the shared cache (Redis in production). It changes when a row is saved and
again when the transaction commits, so a reader that cached the old rows in between (it could not
see the uncommitted change) caches them under a version nobody reads any more. Writes that send
no signal (bulk_create, update) call `changed()` themselves.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


def current_versions(*versions: "Version") -> tuple[str, ...]:
    """The current value of each of `versions`, read from the cache in one round trip."""
    held = cache.get_many([v.key for v in versions])
    for version in versions:
        if version.key not in held:
            held[version.key] = version.current()
    return tuple(held[v.key] for v in versions)


class Version:
    def __init__(self, name: str):
        self.key = f"version:{name}"

    def current(self) -> str:
        return cache.get_or_set(self.key, lambda: uuid.uuid4().hex, None)

    def _new(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, None)

    def changed(self, **_signal_kwargs) -> None:
        """Every cache keyed by this version is read afresh (now, and once the transaction
        commits)."""
        self._new()
        transaction.on_commit(self._new)

    def changes_with(self, *models, m2m=()) -> None:
        """Saving or deleting a row of `models`, or changing the many-to-many relations `m2m`
        (their `through` models), changes the version."""
        for model in models:
            uid = f"{self.key}-{model._meta.label_lower}"
            post_save.connect(self.changed, sender=model, dispatch_uid=f"{uid}-saved", weak=False)
            post_delete.connect(
                self.changed, sender=model, dispatch_uid=f"{uid}-deleted", weak=False
            )
        for through in m2m:
            uid = f"{self.key}-{through._meta.label_lower}-m2m"
            m2m_changed.connect(self.changed, sender=through, dispatch_uid=uid, weak=False)
