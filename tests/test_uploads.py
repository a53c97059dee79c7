"""thamm.uploads: documents judged by content and size, stored under random names no URL serves,
and streamed as inert attachments with one audit entry per download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from candidates.services import document_add
from thamm.exceptions import DomainError
from thamm.models import AuditEntry
from thamm.uploads import storage_name, upload_check

PDF = b"%PDF-1.7\n%%EOF\n"


def test_the_type_comes_from_the_content_not_the_name():
    checked = upload_check(SimpleUploadedFile("photo.jpg", PDF, content_type="image/jpeg"))
    assert (checked.content_type, checked.extension) == ("application/pdf", "pdf")
    assert checked.original_name == "photo.jpg" and checked.size == len(PDF)


@pytest.mark.parametrize(
    "content", [b"<svg onload=alert(1)>", b"GIF89a", b"PK\x03\x04 a zip", b"  %PDF-1.4"]
)
def test_anything_but_pdf_jpeg_png_is_refused(content):
    with pytest.raises(DomainError, match="Only PDF, JPEG or PNG"):
        upload_check(SimpleUploadedFile("cv.pdf", content))


def test_the_size_limit_is_the_callers():
    with pytest.raises(DomainError, match="larger than 1 MB"):
        upload_check(SimpleUploadedFile("a.pdf", PDF + b"0" * 1024 * 1024), max_bytes=1024 * 1024)


def test_stored_names_are_random_and_keep_nothing_of_the_upload():
    first, second = storage_name("documents/7", "pdf"), storage_name("documents/7", "pdf")
    assert first != second and first.startswith("documents/7/") and first.endswith(".pdf")


def test_a_download_is_an_inert_attachment_audited_each_time(world):
    document = document_add(
        candidate=world.candidate_a,
        kind="cv",
        upload=SimpleUploadedFile("cv.pdf", PDF),
        by=world.candidate,
    )
    client = Client()
    client.force_login(world.centre)
    url = reverse("candidates:document_download", args=[document.pk])
    for _ in range(2):
        response = client.get(url)
        assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"].startswith("sandbox")
    entries = AuditEntry.objects.filter(action="document.view", actor=world.centre)
    assert entries.count() == 2 and entries.first().detail == {"document": document.pk}
