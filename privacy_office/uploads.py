"""Uploaded letters and documents: PDF, JPEG or PNG by their content, within a size limit."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SIGNATURES = {
    b"%PDF-": {".pdf"},
    b"\xff\xd8\xff": {".jpg", ".jpeg"},
    b"\x89PNG\r\n\x1a\n": {".png"},
}
TOO_LARGE = _("This file is %(size)s MB; the limit is %(limit)s MB.")
NOT_A_DOCUMENT = _(
    "Only PDF, JPEG or PNG files are accepted, and this file is none of them, whatever its "
    "name says."
)


def validate_document(file) -> None:
    """Refuse a file over the size limit or whose first bytes are not PDF, JPEG or PNG."""
    limit = settings.UPLOAD_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            TOO_LARGE,
            code="too_large",
            params={"size": f"{file.size / 2**20:.1f}", "limit": f"{limit / 2**20:.0f}"},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8)
    file.seek(position)
    suffix = Path(getattr(file, "name", "") or "").suffix.lower()
    if not any(
        head.startswith(signature) and suffix in suffixes
        for signature, suffixes in SIGNATURES.items()
    ):
        raise ValidationError(NOT_A_DOCUMENT, code="not_a_document")
