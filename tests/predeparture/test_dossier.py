"""The visa dossier: one click queues a job that prints an Italian cover and checklist (Arabic
names right), merges every verified document after it with a bookmark each (images become
pages), and zips the originals with a manifest; running it again replaces the files; a broken
document fails the job with its name; typed text fetches nothing. Skipped where WeasyPrint's
Pango is missing (the reason is shown); CI runs it."""

import datetime
import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidate
from predeparture.models import DocumentType, Dossier
from predeparture.services import document_upload, document_verify, dossier_request
from thamm.exceptions import DomainError
from thamm.models import Job
from thamm.pdf import pdf_unavailable, render_pdf

from ..test_pdf import server  # noqa: F401 (a fixture: a web server counting its requests)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        bool(pdf_unavailable()) and not os.environ.get("CI"), reason=pdf_unavailable() or "ok"
    ),
]
LATER = timezone.localdate() + datetime.timedelta(days=900)


def _pdf_pages(count: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _verified(world, case, code, content, name, content_type):
    doc_type = DocumentType.objects.get(code=code)
    uploader = {"company": world.company, "candidate": world.candidate, "centre": world.centre}[
        doc_type.uploaded_by
    ]
    document = document_upload(
        case=case,
        doc_type=doc_type,
        by=uploader,
        upload=SimpleUploadedFile(name, content, content_type=content_type),
        expires_on=LATER if doc_type.expires else None,
    )
    document_verify(document=document, by=world.iom if uploader != world.iom else world.company)
    return document


def _make(case, by, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier_request(case=case, by=by)
    return Dossier.objects.get(case=case)


def test_the_dossier_merges_the_verified_documents_behind_an_italian_cover(
    client_for, world, case, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    Candidate.objects.filter(pk=case.candidate_id).update(
        first_name_ar="أمين", last_name_ar="التازي"
    )
    _verified(world, case, "nulla-osta", _pdf_pages(2), "no.pdf", "application/pdf")
    _verified(world, case, "photo", _png(), "photo.png", "image/png")
    unverified = DocumentType.objects.get(code="signed-offer")
    document_upload(
        case=case,
        doc_type=unverified,
        by=world.company,
        upload=SimpleUploadedFile("o.pdf", _pdf_pages(5), "application/pdf"),
    )
    dossier = _make(case, world.company, django_capture_on_commit_callbacks)
    assert dossier.job.status == Job.Status.DONE
    reader = PdfReader(dossier.pdf.open("rb"))
    cover_pages = len(reader.pages) - 3  # 2 of the nulla osta, 1 of the photo; not the offer
    assert cover_pages >= 1 and dossier.pages == len(reader.pages) and dossier.documents == 2
    # One bookmark a document (the cover's own headings nest under its bookmark).
    assert [item.title for item in reader.outline if not isinstance(item, list)] == [
        "Copertina ed elenco",
        "Nulla osta",
        "Fotografia",
    ]
    cover = reader.pages[0].extract_text()
    assert "Fascicolo per il visto" in cover
    assert case.candidate.last_name in cover and "أمين" in cover and "التازي" in cover
    with zipfile.ZipFile(dossier.archive.open("rb")) as archive:
        names = archive.namelist()
        assert names == ["01-photo.png", "02-nulla-osta.pdf", "manifest.txt"] or names == [
            "01-nulla-osta.pdf",
            "02-photo.png",
            "manifest.txt",
        ]
        manifest = archive.read("manifest.txt").decode()
        assert "Nulla osta" in manifest and "Fotografia" in manifest
    answer = client_for("candidate").get(
        reverse("predeparture:dossier_file", kwargs={"pk": case.pk, "fmt": "pdf"})
    )
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content).startswith(b"%PDF-")


def test_making_it_again_replaces_the_files(world, case, django_capture_on_commit_callbacks):
    _verified(world, case, "nulla-osta", _pdf_pages(1), "no.pdf", "application/pdf")
    first = _make(case, world.company, django_capture_on_commit_callbacks)
    old = first.pdf.name
    storage = first.pdf.storage
    second = _make(case, world.iom, django_capture_on_commit_callbacks)
    assert second.pk == first.pk and second.pdf.name != old
    assert not storage.exists(old) and storage.exists(second.pdf.name)


def test_a_broken_document_fails_the_job_with_its_name(
    world, case, django_capture_on_commit_callbacks
):
    _verified(
        world, case, "nulla-osta", b"%PDF-1.4 broken beyond repair", "x.pdf", "application/pdf"
    )
    dossier = _make(case, world.company, django_capture_on_commit_callbacks)
    dossier.job.refresh_from_db()
    assert dossier.job.status == Job.Status.FAILED
    assert "“Nulla osta” cannot be read" in dossier.job.message
    assert not dossier.pdf


def test_who_makes_it_and_when(world, case, django_capture_on_commit_callbacks):
    with pytest.raises(DomainError, match="No document is verified yet"):
        dossier_request(case=case, by=world.company)
    _verified(world, case, "nulla-osta", _pdf_pages(1), "no.pdf", "application/pdf")
    for who in ("candidate", "centre"):
        with pytest.raises(DomainError, match="makes the dossier"):
            dossier_request(case=case, by=getattr(world, who))
    with pytest.raises(DomainError, match="cannot act on this case"):
        dossier_request(case=case, by=world.company_b)
    dossier_request(case=case, by=world.chamber)  # its task waits for the commit
    with pytest.raises(DomainError, match="being made already"):
        dossier_request(case=case, by=world.company)


def test_typed_text_fetches_nothing(server, world, case, django_capture_on_commit_callbacks):  # noqa: F811
    address, hits = server
    hostile = (
        f'<img src="{address}/a.png"><link rel="stylesheet" href="{address}/s.css">'
        '<img src="file:///etc/passwd">'
    )
    from companies.models import Company

    Company.objects.filter(pk=case.company_id).update(legal_name=hostile[:200])
    Candidate.objects.filter(pk=case.candidate_id).update(
        first_name=hostile[:100], last_name=f"file:///etc/passwd {address}/x"[:100]
    )
    step = case.steps.get(kind="listed")
    from predeparture.services import step_record

    step_record(
        step=step, by=world.centre, done_on=datetime.date(2026, 2, 1), reference=hostile[:60]
    )
    _verified(world, case, "nulla-osta", _pdf_pages(1), "no.pdf", "application/pdf")
    case.refresh_from_db()
    dossier = _make(case, world.company, django_capture_on_commit_callbacks)
    assert dossier.job.status == Job.Status.DONE
    assert hits == []  # not one request reached the server


def test_the_case_page_shows_the_dossier_and_its_progress(
    client_for, world, case, django_capture_on_commit_callbacks
):
    url = reverse("predeparture:case", kwargs={"pk": case.pk})
    assert "Make the dossier" in client_for("company").get(url).content.decode()
    assert "Make the dossier" not in client_for("candidate").get(url).content.decode()
    _verified(world, case, "nulla-osta", _pdf_pages(1), "no.pdf", "application/pdf")
    dossier_request(case=case, by=world.company)  # not run: the job stays queued
    page = client_for("company").get(url).content.decode()
    assert "Making the dossier" in page and "job-progress" in page


def test_render_pdf_prints_the_cover_alone():
    """The cover template renders on its own (the benchmark's reference)."""
    assert render_pdf("pdf/base.html", {}).startswith(b"%PDF-")
