"""Uploaded letters and documents: PDF, JPEG or PNG by their content, within a size limit,
stored sealed."""

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from privacy_office.encrypted_files import MAGIC, EncryptingWriter, decrypted_chunks

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


@deconstructible
class SealedStorage(FileSystemStorage):
    """Uploaded documents kept as sealed files (``privacy_office.encrypted_files``, as the
    access exports are): encrypted at rest, readable by the owner only (0600, in 0700
    folders), under a random name. Served only by an audited staff view, never by URL."""

    def __init__(self) -> None:
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    def generate_filename(self, filename: str) -> str:
        folder, name = os.path.split(filename)
        suffix = Path(name).suffix.lower()
        known = {s for suffixes in SIGNATURES.values() for s in suffixes}
        return os.path.join(folder, secrets.token_urlsafe(24) + (suffix if suffix in known else ""))

    def _save(self, name: str, content) -> str:
        path = Path(self.path(name))
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Created 0600 before a byte is written; the name is random, so never taken.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        with EncryptingWriter(path) as writer:
            for chunk in content.chunks():
                writer.write(chunk)
        return name

    def _open(self, name: str, mode: str = "rb") -> File:
        return ContentFile(b"".join(self.chunks(name)), name=name)

    def chunks(self, name: str) -> Iterator[bytes]:
        """Return the plain bytes of a stored document, chunk by chunk."""
        return decrypted_chunks(Path(self.path(name)))

    def size(self, name: str) -> int:
        """Return the plain size (the limit is on what was uploaded, not on its seal)."""
        return sum(len(chunk) for chunk in self.chunks(name))

    def url(self, name) -> str:
        raise ValueError("A sealed document has no URL: staff read it through the admin.")


def is_sealed(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


sealed_storage = SealedStorage()
