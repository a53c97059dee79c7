"""The visa dossier (DESIGN.md §7), made by a background job (predeparture.tasks.dossier_build):

1. a cover and checklist in Italian, printed by WeasyPrint through `thamm.pdf.render_pdf` (which
   fetches nothing but the project's static files; everything typed is escaped);
2. every verified document of the case merged after it with pypdf, a bookmark each; images
   (JPEG, PNG) become PDF pages with Pillow;
3. a ZIP of the originals with a manifest (what each file is, who uploaded and verified it, its
   SHA-256).

Running it again replaces both files. A document that cannot be read fails the job with its
name, not retried (the document has to be uploaded again)."""

import hashlib
import io
import zipfile

from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from thamm.exceptions import DomainError
from thamm.jobs import job_progress
from thamm.pdf import render_pdf
from thamm.uploads import DOCUMENT_TYPES

from .models import Case, CaseDocument, Dossier


def _as_pdf(document: CaseDocument, data: bytes):
    """A reader of the document's pages: a PDF as it is, an image as one page."""
    from PIL import Image, UnidentifiedImageError
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        if document.content_type == "application/pdf":
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise DomainError(
                    _("The document “%(name)s” is locked with a password: upload it again without.")
                    % {"name": document.type.name}
                )
            len(reader.pages)  # reads the page tree: a broken file fails here
            return reader
        image = Image.open(io.BytesIO(data))
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="PDF", resolution=150)
        return PdfReader(io.BytesIO(buffer.getvalue()))
    except (PyPdfError, UnidentifiedImageError, OSError, ValueError) as exc:
        raise DomainError(
            _("The document “%(name)s” cannot be read: upload it again.")
            % {"name": document.type.name}
        ) from exc


def build(job, *, case_id: int) -> Dossier:
    """Make the case's dossier (the job's work): the PDF and the ZIP, replacing earlier ones."""
    from pypdf import PdfReader, PdfWriter

    case = Case.objects.select_related("candidate", "company", "offer").get(pk=case_id)
    steps = list(case.steps.order_by("position"))
    documents = list(
        case.documents.filter(status=CaseDocument.Status.VERIFIED)
        .select_related("type", "attached", "uploaded_by", "verified_by")
        .order_by("type__position", "pk")
    )
    job_progress(job.pk, 5)
    with translation.override("it"):  # the dossier is read in Italy; messages to people are not
        cover = render_pdf(
            "predeparture/pdf/dossier.html",
            {
                "case": case,
                "steps": steps,
                "documents": documents,
                "made_at": timezone.now(),
            },
        )
        cover_title = _("Cover and checklist")
        titles = {document.pk: document.type.name for document in documents}
        heading = _("Visa dossier of %(name)s — case %(case)s") % {
            "name": case.candidate.full_name,
            "case": case.pk,
        }
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)), outline_item=cover_title)
    originals = []
    for number, document in enumerate(documents, start=1):
        with document.stored.open("rb") as stored:
            data = stored.read()
        writer.append(_as_pdf(document, data), outline_item=titles[document.pk])
        originals.append((number, document, data, titles[document.pk]))
        job_progress(job.pk, 5 + 80 * number / max(len(documents), 1))
    merged = io.BytesIO()
    writer.write(merged)
    archive = _archive(heading, originals)
    job_progress(job.pk, 95)
    dossier, _created = Dossier.objects.get_or_create(case=case)
    old = [f.name for f in (dossier.pdf, dossier.archive) if f]
    dossier.pdf.save("dossier.pdf", ContentFile(merged.getvalue()), save=False)
    dossier.archive.save("dossier.zip", ContentFile(archive), save=False)
    dossier.pages = len(writer.pages)
    dossier.documents = len(documents)
    dossier.made_at = timezone.now()
    dossier.job = job
    dossier.save()
    for name in old:
        if name not in (dossier.pdf.name, dossier.archive.name):
            dossier.pdf.storage.delete(name)
    return dossier


def _archive(heading: str, originals) -> bytes:
    """The originals, named by their order and type, with a manifest (in Italian)."""
    buffer = io.BytesIO()
    lines = [heading, ""]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, document, data, title in originals:
            extension = DOCUMENT_TYPES.get(document.content_type, "bin")
            name = f"{number:02d}-{document.type.code}.{extension}"
            archive.writestr(name, data)
            who = document.uploaded_by.get_full_name() if document.uploaded_by else ""
            checker = document.verified_by.get_full_name() if document.verified_by else ""
            lines.append(f"{name}\t{title}\t{who}\t{checker}\t{hashlib.sha256(data).hexdigest()}")
        archive.writestr("manifest.txt", "\n".join(lines) + "\n")
    return buffer.getvalue()
