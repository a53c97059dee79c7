"""The case's documents: a checklist per step whose types are data; uploads checked by their
content, or the worker's own document attached; verified or rejected by the type's verifier (not
by who uploaded it); expired once past their date; downloaded only through the case, audited."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from candidates.services import document_add
from predeparture.models import CaseDocument, DocumentType
from predeparture.selectors import checklist
from predeparture.services import document_reject, document_upload, document_verify
from thamm.exceptions import DomainError
from thamm.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LATER = timezone.localdate() + datetime.timedelta(days=900)


def _pdf(name="scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _type(code):
    return DocumentType.objects.get(code=code)


def _upload(case, code, by, **kw):
    kw.setdefault("upload", _pdf())
    if _type(code).expires:
        kw.setdefault("expires_on", LATER)
    return document_upload(case=case, doc_type=_type(code), by=by, **kw)


def test_the_checklist_is_data_by_step_with_each_partys_part(world, case):
    groups = checklist(user=world.candidate, case=case, steps=list(case.steps.order_by("position")))
    by_step = {step.kind: [row.type.code for row in rows] for step, rows in groups}
    assert by_step["visa_applied"] == [
        "passport",
        "photo",
        "criminal-record",
        "medical-certificate",
    ]
    assert len([code for codes in by_step.values() for code in codes]) == 15
    rows = {row.type.code: row for _s, rows in groups for row in rows}
    assert rows["passport"].may_upload and not rows["nulla-osta"].may_upload
    assert all(row.state == "missing" for row in rows.values())


def test_the_worker_uploads_iom_verifies_and_the_uploader_cannot(world, case):
    document = _upload(case, "passport", world.candidate)
    assert (document.status, document.expires_on) == ("uploaded", LATER)
    assert document.file.name.startswith(f"cases/{case.pk}/") and "scan" not in document.file.name
    with pytest.raises(DomainError, match="not yours to verify"):
        document_verify(document=document, by=world.company)
    document_verify(document=document, by=world.iom)
    document.refresh_from_db()
    assert (document.status, document.verified_by) == ("verified", world.iom)
    own = _upload(case, "signed-offer", world.iom)
    with pytest.raises(DomainError, match="Someone other than who uploaded it"):
        document_verify(document=own, by=world.iom)


@pytest.mark.parametrize(
    ("upload", "refusal"),
    [
        (_pdf(content=b"just text, named .pdf"), "Only PDF, JPEG or PNG"),
        (_pdf(content=PDF + b"0" * (10 * 1024 * 1024)), "larger than 10 MB"),
        (_pdf(content=b""), "The file is empty"),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_kept(world, case, upload, refusal):
    with pytest.raises(DomainError, match=refusal):
        _upload(case, "passport", world.candidate, upload=upload)
    assert not CaseDocument.objects.exists()


def test_expiry_dates_are_asked_for_and_must_be_ahead(world, case):
    with pytest.raises(DomainError, match="Give the document's expiry date"):
        _upload(case, "passport", world.candidate, expires_on=None)
    with pytest.raises(DomainError, match="expired already"):
        _upload(case, "passport", world.candidate, expires_on=timezone.localdate())
    assert not CaseDocument.objects.exists()


def test_each_party_uploads_its_own_documents_only(world, case):
    with pytest.raises(DomainError, match="not yours to upload"):
        _upload(case, "passport", world.company)
    with pytest.raises(DomainError, match="not yours to upload"):
        _upload(case, "nulla-osta", world.candidate)
    with pytest.raises(DomainError, match="cannot act on this case"):
        _upload(case, "nulla-osta", world.company_b)
    assert _upload(case, "nulla-osta", world.chamber).uploaded_by == world.chamber
    assert _upload(case, "training-certificate", world.centre).status == "uploaded"


def test_a_rejected_document_is_replaced_and_its_uploader_told(world, case):
    first = _upload(case, "nulla-osta", world.company)
    with pytest.raises(DomainError, match="there already"):
        _upload(case, "nulla-osta", world.company)
    with pytest.raises(DomainError, match="Say why"):
        document_reject(document=first, by=world.iom, reason=" ")
    document_reject(document=first, by=world.iom, reason="Illegible stamp")
    told = Notification.objects.filter(kind="case.document_rejected")
    assert {n.recipient for n in told} >= {world.company, world.chamber}
    again = _upload(case, "nulla-osta", world.company, upload=_pdf("new.pdf"))
    assert again.pk == first.pk and again.status == "uploaded" and again.reject_reason == ""
    assert CaseDocument.objects.count() == 1


def test_an_expired_document_shows_expired_and_may_be_replaced(world, case):
    document = _upload(case, "medical-certificate", world.candidate)
    CaseDocument.objects.filter(pk=document.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    groups = checklist(user=world.candidate, case=case, steps=list(case.steps.all()))
    row = next(r for _s, rows in groups for r in rows if r.type.code == "medical-certificate")
    assert row.state == "expired" and row.may_upload
    _upload(case, "medical-certificate", world.candidate)


def test_the_workers_own_passport_copy_is_attached_not_uploaded_again(client_for, world, case):
    own = document_add(
        candidate=case.candidate, kind="passport", upload=_pdf("p.pdf"), by=world.candidate
    )
    document = _upload(case, "passport", world.candidate, upload=None, attach=own)
    assert document.attached == own and not document.file
    cv = document_add(
        candidate=case.candidate, kind="cv", upload=_pdf("cv.pdf"), by=world.candidate
    )
    with pytest.raises(DomainError, match="own documents of this kind"):
        _upload(case, "photo", world.candidate, upload=None, attach=cv)
    url = reverse("predeparture:document_file", kwargs={"pk": case.pk, "document": document.pk})
    answer = client_for("company").get(url)
    assert answer.status_code == 200 and b"".join(answer.streaming_content) == PDF
    assert answer["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="document.view", actor=world.company).exists()


def test_upload_from_the_page_and_bad_input_answered_there(client_for, case):
    client = client_for("company")
    url = reverse("predeparture:document_upload", kwargs={"pk": case.pk, "code": "nulla-osta"})
    bad = client.post(url, {"file": _pdf(content=b"not a pdf"), "expires_on": LATER.isoformat()})
    assert "Only PDF, JPEG or PNG files are accepted." in bad.content.decode()
    missing = client.post(url, {"expires_on": LATER.isoformat()})
    assert "Choose the file, or one of the worker" in missing.content.decode()
    assert not CaseDocument.objects.exists()
    done = client.post(url, {"file": _pdf(), "expires_on": LATER.isoformat()})
    assert done.status_code == 302 and CaseDocument.objects.get().status == "uploaded"
    verify = reverse(
        "predeparture:document_verify",
        kwargs={"pk": case.pk, "document": CaseDocument.objects.get().pk},
    )
    client_for("iom").post(verify, {"action": "reject", "reason": "Wrong person"})
    assert CaseDocument.objects.get().status == "rejected"
    page = client.get(reverse("predeparture:case", kwargs={"pk": case.pk})).content.decode()
    assert "Wrong person" in page


def test_a_document_of_another_case_is_not_found(client_for, world, case):
    from ..factories import candidate_user
    from .conftest import accepted_case

    user = candidate_user(email="worker-b@example.org")
    world.candidate_b.user = user
    world.candidate_b.save()
    other = accepted_case(
        world,
        company=world.company_b_profile,
        candidate=world.candidate_b,
        user=user,
        by=world.company_b,
    )
    foreign = _upload(other, "nulla-osta", world.company_b)
    for name in ("predeparture:document_file",):
        url = reverse(name, kwargs={"pk": case.pk, "document": foreign.pk})
        assert client_for("company").get(url).status_code == 404
    url = reverse("predeparture:document_verify", kwargs={"pk": case.pk, "document": foreign.pk})
    assert client_for("iom").post(url, {"action": "verify"}).status_code == 404
    assert CaseDocument.objects.get(pk=foreign.pk).status == "uploaded"
