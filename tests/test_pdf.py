"""thamm.pdf: one render_pdf, which fetches nothing but the project's static files and prints Arabic
names. Skipped where WeasyPrint's Pango is missing (the reason is shown); CI must run it."""

import http.server
import io
import os
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation

from thamm.pdf import pdf_unavailable, render_pdf

pytestmark = pytest.mark.skipif(
    bool(pdf_unavailable()) and not os.environ.get("CI"), reason=pdf_unavailable() or "ok"
)

TEMPLATES = [
    {
        **settings.TEMPLATES[0],
        "DIRS": [*settings.TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"],
    }
]


def text_of(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def fonts_of(pdf: bytes) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.fixture
def server():
    """A web server on this machine that counts the requests it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()


@override_settings(TEMPLATES=TEMPLATES)
def test_a_document_is_a_pdf_with_the_projects_stylesheet():
    pdf = render_pdf(
        "pdf_probe.html", {"name": "Youssef Alaoui", "typed": "", "typed_unescaped": ""}
    )
    assert pdf.startswith(b"%PDF-")
    assert "Youssef Alaoui" in text_of(pdf)
    assert any("DejaVu-Sans" in name for name in fonts_of(pdf))  # pdf.css was fetched and applied


@override_settings(TEMPLATES=TEMPLATES)
def test_urls_in_typed_content_fetch_nothing(server, tmp_path):
    address, hits = server
    secret = tmp_path / "secret.css"
    secret.write_text("h1 { color: red }")
    typed = f'<img src="{address}/escaped.png"><img src="file://{secret}">'
    unescaped = (
        f'<img src="{address}/img.png">'
        f'<link rel="stylesheet" href="{address}/style.css">'
        f'<div style="background: url({address}/bg.png)">x</div>'
        f'<img src="file:///etc/hostname"><link rel="stylesheet" href="file://{secret}">'
        '<img src="/static/../../../../etc/hostname">'
    )
    pdf = render_pdf("pdf_probe.html", {"name": "N", "typed": typed, "typed_unescaped": unescaped})
    assert pdf.startswith(b"%PDF-")
    assert hits == []  # not one request reached the server


def test_the_fetcher_answers_static_files_only():
    from thamm.pdf import BASE_URL, _static_only_fetcher

    fetch = _static_only_fetcher()
    response = fetch(f"{BASE_URL}static/css/pdf.css")
    assert b"DejaVu Sans" in response.read()
    for url in [
        "file:///etc/passwd",
        "http://127.0.0.1/static/css/pdf.css",
        f"{BASE_URL}static/../thamm/settings/base.py",
        f"{BASE_URL}media/imports/x.upload",
        "data:text/css,h1{color:red}",
    ]:
        with pytest.raises(ValueError):
            fetch(url)


@override_settings(TEMPLATES=TEMPLATES)
def test_arabic_names_print_right_to_left_with_their_own_letters():
    with translation.override("ar"):
        pdf = render_pdf(
            "pdf_probe.html", {"name": "أمين التازي", "typed": "", "typed_unescaped": ""}
        )
    text = text_of(pdf)
    assert "أمين" in text and "التازي" in text
    assert any("DejaVu-Sans" in name for name in fonts_of(pdf))
