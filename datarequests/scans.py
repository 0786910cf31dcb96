"""Letter scans and guardianship proofs: sealed at rest, read by staff through an audited
door, purged a declared time after their request closed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max, Q

from audit.models import Action
from audit.services import audit_record
from datarequests.models import OPEN_STATUSES, DataRequest
from datarequests.personal_data import SCAN_DAYS
from privacy_office.encrypted_files import EncryptingWriter
from privacy_office.uploads import SIGNATURES, is_sealed, sealed_storage

if TYPE_CHECKING:
    from accounts.models import User

SCAN_FIELDS = ("letter_scan", "guardianship_document", "agent_permission")
READ_SCANS = "datarequests.view_scans_datarequest"
CONTENT_TYPES = {".pdf": "application/pdf", ".png": "image/png"}


@dataclass(frozen=True)
class Scan:
    filename: str
    content_type: str
    chunks: Iterator[bytes]


def scan_read(*, request_id: int, which: str, actor: User, now: datetime) -> Scan | None:
    """Return a request's stored document for a staff member allowed to read it, and audit
    the read; None when there is none. Raise PermissionDenied without the permission."""
    if not actor.has_perm(READ_SCANS):
        raise PermissionDenied
    if which not in SCAN_FIELDS:
        return None
    request = DataRequest.objects.filter(pk=request_id).first()
    stored = getattr(request, which, None)
    if not stored:
        return None
    chunks = sealed_storage.chunks(stored.name)
    suffix = Path(stored.name).suffix
    audit_record(
        actor=actor,
        action=Action.READ,
        target=f"datarequests.DataRequest:{request_id}",
        subject=request.requester,
        subjects=[request.requester_id] if request.requester_id else [],
        rows=[request_id],
        categories=["activity"],
        detail=f"{which} read",
        now=now,
    )
    return Scan(
        filename=f"request-{request_id}-{which}{suffix}",
        content_type=CONTENT_TYPES.get(suffix, "image/jpeg"),
        chunks=chunks,
    )


def scans_due_for_purge(*, now: datetime):
    """Return the closed requests with a document, closed more than SCAN_DAYS ago."""
    with_a_document = Q()
    for name in SCAN_FIELDS:
        with_a_document |= ~Q(**{name: ""})
    return (
        DataRequest.objects.exclude(status__in=OPEN_STATUSES)
        .filter(with_a_document)
        .annotate(closed_at=Max("events__at", filter=Q(events__status=F("status"))))
        .filter(closed_at__lt=now - timedelta(days=SCAN_DAYS))
    )


def scans_purge(*, now: datetime) -> int:
    """Delete the documents of requests closed more than SCAN_DAYS ago; return how many
    files were deleted. Safe to run again (a purged request has no document left)."""
    due = list(scans_due_for_purge(now=now).values("pk", *SCAN_FIELDS))
    deleted = 0
    for row in due:
        for name in SCAN_FIELDS:
            if row[name]:
                sealed_storage.delete(row[name])
                deleted += 1
    # The rows forget the names in one statement; the file is gone first, so a crash in
    # between leaves a name to a missing file, which the next run clears.
    DataRequest.objects.filter(pk__in=[row["pk"] for row in due]).update(
        **dict.fromkeys(SCAN_FIELDS, "")
    )
    return deleted


def scans_reseal() -> int:
    """Seal every document still stored in clear (written before sealing); return how many.

    Each gets a new random name; the clear file is removed once the row names the sealed one.
    """
    resealed = 0
    for request in DataRequest.objects.exclude(letter_scan="", guardianship_document=""):
        for name in SCAN_FIELDS:
            stored = getattr(request, name)
            if not stored:
                continue
            clear = Path(sealed_storage.path(stored.name))
            if not clear.exists() or is_sealed(clear):
                continue
            if not any(clear.read_bytes().startswith(signature) for signature in SIGNATURES):
                continue  # not a document this product accepted: left for a person to look at
            sealed_name = sealed_storage.generate_filename(stored.name)
            sealed = Path(sealed_storage.path(sealed_name))
            os.close(os.open(sealed, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            with EncryptingWriter(sealed) as writer, clear.open("rb") as source:
                while block := source.read(1024 * 1024):
                    writer.write(block)
            with transaction.atomic():
                DataRequest.objects.filter(pk=request.pk).update(**{name: sealed_name})
            clear.unlink()
            resealed += 1
    return resealed
