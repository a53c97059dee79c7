"""Reference data that most pages read and people rarely change (the scheme's rules, the course
catalogue, the texts in force), kept by each process instead of asked of the database on every
request.

A query costs a page about half a millisecond of building and running, however small; the scheme
and the catalogue are read by most pages and changed a few times a year. `reference(name, build)`
returns what `build()` returned, built again once a model registered with `changes_with(Model)`
has been saved or deleted, by any process: the one version number lives in the shared cache (Redis
in production), so every process sees a change on its next read. Each call returns its own copy:
a caller that changes what it got changes nobody else's.

Within a request the version is read from the cache once. It changes when a row is saved and
again when the transaction commits, so a process that read the old row in between builds again;
the transaction that saved it reads afresh, keeping nothing, until it commits (it may roll back).
Changes that bypass the ORM's signals (a raw UPDATE, a data migration) show after
`reference_changed()` or a cache clear.
"""

import pickle
import threading
from collections.abc import Callable
from typing import TypeVar

from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models.signals import post_delete, post_save

from .versions import Version

T = TypeVar("T")

VERSION = Version("reference")
# name -> (version it was built at, its key, the pickled value)
_built: dict[str, tuple[str, str, bytes]] = {}

# Within one request the version is read once (a page reads several kinds of reference data).
_request = threading.local()


def _version() -> str:
    held = getattr(_request, "version", None)
    if held is not None:
        return held
    version = VERSION.current()
    if getattr(_request, "active", False):
        _request.version = version
    return version


def _request_begins(**_kwargs) -> None:
    _request.active, _request.version = True, None


def _request_ends(**_kwargs) -> None:
    _request.active, _request.version = False, None


request_started.connect(_request_begins, dispatch_uid="thamm-reference-request-started")
request_finished.connect(_request_ends, dispatch_uid="thamm-reference-request-finished")


def reference(name: str, build: Callable[[], T], *, key: str = "") -> T:
    """What `build()` returns (concrete values: a model instance, a list), built once per
    process until the reference data changes, or `key` does (what else the value depends on:
    today's date, say)."""
    changing = getattr(_request, "changing", None)
    if changing is not None:
        if connection.atomic_blocks and connection.atomic_blocks[0] is changing:
            # This transaction changed reference data it may still roll back: what it reads
            # now is for itself, never kept for others.
            return build()
        _request.changing = None  # committed or rolled back since
    version = _version()
    held = _built.get(name)
    if held is None or held[0] != version or held[1] != key:
        held = (version, key, pickle.dumps(build(), pickle.HIGHEST_PROTOCOL))
        _built[name] = held
    return pickle.loads(held[2])  # noqa: S301 (bytes this process pickled itself)


def reference_changed(**_kwargs) -> None:
    """Every process builds its reference data again (now, and once the transaction commits)."""
    _request.version = None  # this request reads the new version too
    if connection.in_atomic_block:  # the outermost transaction, until it ends
        _request.changing = connection.atomic_blocks[0]
    VERSION.changed()


def changes_with(*models) -> None:
    """Saving or deleting a row of any of `models` changes the reference data."""
    for model in models:
        uid = f"reference-{model._meta.label_lower}"
        post_save.connect(reference_changed, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(reference_changed, sender=model, dispatch_uid=f"{uid}-deleted")
