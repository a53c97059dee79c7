"""Uploaded documents (DESIGN.md §9): the one way the apps take files in and give them back.

- `upload_check(upload)`: size limits, and the real type judged from the content's first bytes
  (a file's name and the browser's word count for nothing): PDF, JPEG or PNG. A refusal is a
  DomainError with a translated message; nothing is stored.
- `storage_name(folder, extension)`: a random name in a folder under MEDIA_ROOT. No URL serves
  MEDIA_ROOT (none is routed, in development either): a file leaves only through a view.
- `upload_stream(...)`: the response of such a view, for an object its selector already found
  visible to the user (another tenant's answers 404 there): the file as an attachment that the
  browser may not sniff or run, never cached, with one audit entry per download.

Candidate documents use it; the pre-departure documents will too.
"""

import uuid
from dataclasses import dataclass

from django.http import FileResponse
from django.utils.translation import gettext as _

from .audit import audit
from .exceptions import DomainError

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Content type → the extension a stored file gets.
DOCUMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    original_name: str


def sniff_content_type(head: bytes) -> str | None:
    """The file's real type from its first bytes, among the document types; None otherwise."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def upload_check(upload, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> CheckedUpload:
    """Check an uploaded document's size and real type; raise DomainError to refuse it."""
    if upload.size > max_bytes:
        raise DomainError(
            _("The file is larger than %(size)s MB.") % {"size": max_bytes // (1024 * 1024)}
        )
    if upload.size == 0:
        raise DomainError(_("The file is empty."))
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise DomainError(_("Only PDF, JPEG or PNG files are accepted."))
    return CheckedUpload(
        content_type=content_type,
        extension=DOCUMENT_TYPES[content_type],
        size=upload.size,
        original_name=(upload.name or "document")[:200],
    )


def storage_name(folder: str, extension: str) -> str:
    """A random, unguessable name for a stored file: nothing of the upload's name is kept."""
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


def upload_stream(
    *, file, filename: str, content_type: str, actor, target, detail: dict
) -> FileResponse:
    """Stream a stored file to a user allowed to see it (the caller's selector decided), and
    write the download to the audit log."""
    audit(actor=actor, action="document.view", target=target, detail=detail)
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Opened in a tab anyway, a document runs nothing and reaches nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
