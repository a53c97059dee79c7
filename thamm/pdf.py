"""PDF documents from templates (DESIGN.md §7): the one way the apps print.

`render_pdf(template, context) -> bytes` renders a Django template (a print layout in
`templates/<app>/pdf/`, extending `pdf/base.html`) with WeasyPrint. It is a pure function: storing
the file is the caller's job (a background job keeps it with `thamm.jobs.job_store_result`).

WeasyPrint never fetches what a document names, except the project's own static files: the
fetcher answers only URLs under STATIC_URL, read through Django's staticfiles finders, and refuses
everything else (http, https, file, ftp, data), so text a user typed (`<img src="http://…">`,
`file:///etc/passwd`, a CSS `url()`) fetches nothing, even if it were left unescaped.

Arabic names print right: Pango and HarfBuzz shape the letters and lay them out right to left,
with DejaVu Sans (Debian's fonts-dejavu-core, which the Dockerfile and .ci/run install), a face
with Latin and Arabic glyphs. WeasyPrint needs the Pango library: `pdf_unavailable()` says why
it cannot run here (tests skip with that reason; CI must run them).
"""

import mimetypes
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# Documents are laid out as if served from this origin; nothing is ever fetched from it.
BASE_URL = "https://portal.invalid/"


@lru_cache(maxsize=1)
def pdf_unavailable() -> str:
    """Why PDFs cannot be made on this machine ("" when they can)."""
    try:
        import weasyprint  # noqa: F401 (loads Pango through its bindings)
    except (ImportError, OSError) as exc:
        return f"WeasyPrint cannot load ({exc}): install Pango (libpango-1.0-0, libpangoft2-1.0-0)"
    return ""


def _static_only_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Answers the project's static files; refuses every other URL without opening it."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            prefix = settings.STATIC_URL
            if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(prefix):
                raise ValueError(f"not fetched: {url[:80]}")
            name = unquote(parts.path[len(prefix) :])
            if not name or ".." in name.split("/") or name.startswith("/"):
                raise ValueError(f"not fetched: {url[:80]}")
            path = finders.find(name)
            if not path:
                raise ValueError(f"no such static file: {name}")
            with open(path, "rb") as handle:
                body = handle.read()
            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": kind})

    return StaticOnlyFetcher(allowed_protocols=("https",))


def render_pdf(template: str, context: dict) -> bytes:
    """The PDF of `template` rendered with `context` (in the active language)."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_static_only_fetcher()).write_pdf()
