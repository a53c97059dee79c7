"""Parts of a page kept rendered in the shared cache, under the versions of everything they show
(`thamm.versions`): a page read again and again (a company paging through candidates) is then one
cache read instead of its queries, its Python and its template.

    body = cached_fragment(
        request,
        "matching/_search_body.html",
        build=lambda: {...},                   # the context; run only when nothing is kept
        versions=(PROFILES, SEARCH_PAGES),     # what the part shows changes with these
        vary=(user.pk, role, organisation),    # and with these (the language, today's date and
    )                                          # the path with its query are always added)

Nothing kept is ever shown to someone else: the key carries whatever `vary` says the part
depends on besides the versions. Forms in a kept part carry a mark instead of the CSRF token,
replaced on each request by the reader's own token, as `{% csrf_token %}` would give it.
"""

import hashlib
import json
from collections.abc import Callable, Iterable

from django.apps import apps
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from .versions import Version, current_versions

# Any row saved or deleted changes this version (`connect_shown_data`), but for the kinds no kept
# part shows and that are written all the time. Parts that show those (a job's progress) put
# what they show of them in `vary`.
SHOWN_DATA = Version("fragments:shown-data")
NOT_SHOWN = (
    "thamm.auditentry",
    "thamm.notification",  # the layout shows the unread count; it is never kept
    "thamm.job",  # its progress: parts showing a job vary on its state
    "predeparture.reminder",
    "sessions.session",
    "accounts.user",  # its last sign-in, its password: the layout shows its name, never kept
    "mfa.authenticator",
    "usersessions.usersession",
)

# What `{% csrf_token %}` writes into a kept part, until the reader's token replaces it.
CSRF_MARK = "csrf-token-of-the-reader"
FRAGMENT_TIMEOUT = 600  # seconds: a part nobody reads for that long is dropped


def connect_shown_data() -> None:
    """Every model but NOT_SHOWN (and its many-to-many relations) changes SHOWN_DATA."""
    shown = [m for m in apps.get_models() if m._meta.label_lower not in NOT_SHOWN]
    through = [
        f.remote_field.through
        for m in shown
        for f in m._meta.local_many_to_many
        if f.remote_field.through._meta.label_lower not in NOT_SHOWN
    ]
    SHOWN_DATA.changes_with(*shown, m2m=through)


def fragment_key(request: HttpRequest, template: str, versions, vary: Iterable) -> str:
    parts = [
        template,
        translation.get_language(),
        timezone.localdate().isoformat(),
        request.get_full_path(),
        current_versions(*versions),
        [str(v) for v in vary],
    ]
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    return f"fragment:{digest}"


def cached_fragment(
    request: HttpRequest,
    template: str,
    *,
    build: Callable[[], dict],
    versions: tuple[Version, ...],
    vary: Iterable,
    timeout: int = FRAGMENT_TIMEOUT,
) -> SafeString:
    """`template` rendered with what `build()` returns, kept under the current `versions`, the
    language, today's date, the request's path with its query and `vary`; the reader's CSRF
    token in its forms."""
    key = fragment_key(request, template, versions, vary)
    html = cache.get(key)
    if html is None:
        context = {**build(), "csrf_token": CSRF_MARK}
        html = render_to_string(template, context, request=request)
        cache.set(key, html, timeout)
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, get_token(request))
    return mark_safe(html)  # noqa: S308 (rendered by our template, escaped there)


def reader(user) -> tuple:
    """What a kept part depends on of its reader: who they are, their role, their organisation
    and their place in it (an administrator sees more)."""
    membership = user.membership
    return (
        user.pk,
        user.role,
        membership and membership.organisation_id,
        membership and membership.role,
    )


def render_kept(
    request: HttpRequest,
    template: str,
    *,
    title: str,
    build: Callable[[], dict],
    versions: tuple[Version, ...],
    vary: Iterable = (),
    keep: bool = True,
) -> HttpResponse:
    """A page of the layout whose body, `template`, is kept for its reader (`cached_fragment`,
    varying also on `reader()`); `keep=False` renders it afresh (a form shown again with its
    errors, a job's progress)."""
    if keep:
        body = cached_fragment(
            request,
            template,
            build=build,
            versions=versions,
            vary=(*reader(request.user), *vary),
        )
    else:
        body = render_to_string(template, build(), request=request)
    return render(request, "kept_page.html", {"title": title, "body": body})
