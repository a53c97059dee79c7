import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from candidates.models import CandidateDocument
from candidates.services import document_add
from thamm.exceptions import DomainError
from thamm.models import AuditEntry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.mark.parametrize(("content", "kind"), [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpg")])
def test_the_candidate_adds_pdf_jpeg_and_png_judged_by_content(world, content, kind):
    upload = SimpleUploadedFile("renamed.txt", content, content_type="text/plain")
    document = document_add(
        candidate=world.candidate_a, kind="cv", upload=upload, by=world.candidate
    )
    assert document.extension == kind
    assert document.file.name.startswith(f"documents/{world.candidate_a.pk}/")
    assert not document.file.name.endswith("renamed.txt")  # the name a user gave is not used


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 a windows program", "Only PDF, JPEG or PNG"),
        (b"<html><script>alert(1)</script>", "Only PDF, JPEG or PNG"),
        (b"", "empty"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "larger than 10 MB"),
    ],
)
def test_other_files_are_refused_and_nothing_is_stored(world, content, message):
    upload = SimpleUploadedFile("passport.pdf", content, content_type="application/pdf")
    with pytest.raises(DomainError, match=message):
        document_add(
            candidate=world.candidate_a, kind="passport", upload=upload, by=world.candidate
        )
    assert not CandidateDocument.objects.exists()


@pytest.mark.parametrize("who", ["centre_b", "company", "chamber"])
def test_only_the_candidate_their_centre_or_iom_add_documents(world, who):
    with pytest.raises(DomainError):
        document_add(
            candidate=world.candidate_a,
            kind="cv",
            upload=SimpleUploadedFile("cv.pdf", PDF),
            by=world.user(who),
        )
    document_add(
        candidate=world.candidate_a,
        kind="cv",
        upload=SimpleUploadedFile("cv.pdf", PDF),
        by=world.centre,
    )
    document_add(
        candidate=world.candidate_a,
        kind="cv",
        upload=SimpleUploadedFile("cv.pdf", PDF),
        by=world.iom,
    )


def test_downloads_are_served_to_who_may_see_and_audited(world):
    document = document_add(
        candidate=world.candidate_a,
        kind="passport",
        upload=SimpleUploadedFile("p.pdf", PDF),
        by=world.candidate,
    )
    url = reverse("candidates:document_download", args=[document.pk])
    for user in (world.candidate, world.centre, world.iom):
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="document.view").count() == 3
    other = Client()
    other.force_login(world.centre_b)
    assert other.get(url).status_code == 404
    assert Client().get("/media/" + document.file.name).status_code == 404


def test_candidate_uploads_through_their_page_and_a_bad_file_gets_a_clear_error(world):
    client = Client(headers={"accept-language": "fr"})
    client.force_login(world.candidate)
    url = reverse("candidates:my_documents")
    response = client.post(url, {"kind": "cv", "file": SimpleUploadedFile("cv.exe", b"MZ\x90")})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not CandidateDocument.objects.exists()
    client.post(url, {"kind": "cv", "file": SimpleUploadedFile("cv.pdf", PDF)})
    assert CandidateDocument.objects.get().uploaded_by == world.candidate
