"""The portal's URLs plus two yardsticks for benchmarks/pages.py."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from candidates.models import Candidate
from portal.urls import handler403, handler404, handler500
from portal.urls import urlpatterns as portal_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]

BARE = b"<!doctype html><title>bare</title><p>fixed bytes</p>"
MINIMAL = engines["django"].from_string(
    "<!doctype html><title>minimal</title><table>{% for c in rows %}<tr><td>{{ c.last_name }}"
    "</td><td>{{ c.first_name }}</td><td>{{ c.reference }}</td></tr>{% endfor %}</table>"
)


def bare(request):
    return HttpResponse(BARE)


def minimal(request):
    """One indexed 25-row query rendered by a template: what a cheap page can reach."""
    rows = Candidate.objects.only("last_name", "first_name", "reference").order_by("pk")[:25]
    return HttpResponse(MINIMAL.render({"rows": rows}))


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/minimal/", minimal),
    *portal_urlpatterns,
]
