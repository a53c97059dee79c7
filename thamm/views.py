import functools
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language as django_set_language

from .forms import run_action
from .jobs import job_current_progress, job_get, job_retry
from .notifications import (
    LIST_SIZE,
    notification_get,
    notification_list,
    notification_read,
    notifications_read_all,
)
from .rows import link_rows

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def _redis_client(url: str):
    """One client (and connection pool) per process and URL, not one per probe."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=2)


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers: the database, and Redis when configured."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:  # any failure means "not ready"; the details go to the log, not the page
        logger.exception("healthz: database check failed")
        checks["database"] = "error"
    if settings.REDIS_URL:
        try:
            _redis_client(settings.REDIS_URL).ping()
            checks["redis"] = "ok"
        except Exception:
            logger.exception("healthz: Redis check failed")
            checks["redis"] = "error"
    else:
        checks["redis"] = "not configured"
    healthy = all(v in ("ok", "not configured") for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


@login_required
@require_safe
@never_cache
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """A background job's state, for the progress bar (static/js/job-progress.js)."""
    job = job_get(user=request.user, pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": str(job.get_status_display()),
            "progress": job_current_progress(job),
            "message": job.message,
            "finished": job.is_finished,
        }
    )


@login_required
@require_POST
def job_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Try a failed job again (its worker died, or an unexpected error), then go back to the
    page it was started from."""
    job = job_get(user=request.user, pk=pk)
    run_action(
        request,
        job_retry,
        job=job,
        by=request.user,
        success=_("Trying again: follow the progress below."),
    )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return redirect(back)


@login_required
@require_safe
def notification_list_view(request: HttpRequest) -> HttpResponse:
    """The person's own notifications, newest first."""
    rows = notification_list(user=request.user).only(*NOTIFICATION_LINE)[:LIST_SIZE]
    notifications = list(rows)
    link_rows(notifications, url_name="notification_open")
    return render(
        request,
        "notifications/list.html",
        {
            "notifications": notifications,
            "unread": request.user.unread_notifications > 0,  # the navigation's own count
        },
    )


# What the list shows of a notification.
NOTIFICATION_LINE = ("subject", "body", "read_at", "created_at")


@login_required
@require_safe
def notification_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notification: it is read, and the page it is about opens."""
    notification = notification_get(user=request.user, pk=pk)
    notification_read(notification=notification)
    return redirect(notification.link or "notifications")


@login_required
@require_POST
def notifications_read_view(request: HttpRequest) -> HttpResponse:
    notifications_read_all(user=request.user)
    return redirect("notifications")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice on the user's account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403_csrf.html", status=403)


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors or database: the failure may be the database itself.
    from django.template.loader import get_template

    language = get_language() or settings.LANGUAGE_CODE
    html = get_template("errors/500.html").render(
        {"LANGUAGE_CODE": language, "LANGUAGE_BIDI": get_language_bidi()}
    )
    return HttpResponse(html, status=500)
