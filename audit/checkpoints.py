"""Anchor the audit trail outside the database: signed checkpoints of its head.

A checkpoint records how many events the trail held, the number, id and hash
of the newest one, and when; it is signed with Ed25519
(``AUDIT_CHECKPOINT_SIGNING_KEY``) and appended as one JSON line to
``AUDIT_CHECKPOINT_PATH``. Someone who can rewrite the database but not that
file cannot delete the newest events, empty the table or recompute the chain
without ``verify_audit`` noticing. Keep the file where the application's
database role cannot reach and nothing can shorten it (``chattr +a``, or an
object store with retention lock).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import connection

from audit.keys import checkpoint_private_key, public_key_id
from audit.models import AuditEvent

SIGNED_FIELDS = ("count", "last_seq", "last_id", "head_hash", "at", "key")


@dataclass(frozen=True)
class Checkpoint:
    line: int
    count: int
    last_seq: int | None
    last_id: int | None
    head_hash: str | None
    at: datetime


@dataclass(frozen=True)
class CheckpointFile:
    checkpoints: list[Checkpoint]
    unreadable_lines: list[int]  # not JSON, or not signed by this installation's key


def _signed_bytes(fields: dict) -> bytes:
    return json.dumps({name: fields[name] for name in SIGNED_FIELDS}, sort_keys=True).encode()


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_PATH)


def audit_checkpoint_write(*, now: datetime) -> dict:
    """Append one signed checkpoint of the trail's head to the checkpoint file; return it."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        # One statement, so the count and the head come from one snapshot.
        cursor.execute(
            f'SELECT (SELECT count(*) FROM "{table}"), seq, id, hash '  # noqa: S608
            f"FROM (SELECT 1) AS one LEFT JOIN LATERAL "
            f'(SELECT seq, id, hash FROM "{table}" ORDER BY seq DESC LIMIT 1) AS head ON true'
        )
        count, last_seq, last_id, head_hash = cursor.fetchone()
    private_key = checkpoint_private_key()
    fields = {
        "count": count,
        "last_seq": last_seq,
        "last_id": last_id,
        "head_hash": head_hash,
        "at": now.isoformat(),
        "key": public_key_id(private_key.public_key()),
    }
    fields["signature"] = base64.b64encode(private_key.sign(_signed_bytes(fields))).decode()
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(fields, sort_keys=True) + "\n").encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # one whole line per writer
        os.write(descriptor, line)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return fields


def checkpoints_read(public_key: Ed25519PublicKey | None = None) -> CheckpointFile:
    """Return the checkpoints whose signature holds, in file order, and the lines that fail."""
    public_key = public_key or checkpoint_private_key().public_key()
    path = checkpoint_path()
    checkpoints: list[Checkpoint] = []
    unreadable: list[int] = []
    if not path.exists():
        return CheckpointFile(checkpoints, unreadable)
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                fields = json.loads(text)
                public_key.verify(base64.b64decode(fields["signature"]), _signed_bytes(fields))
                checkpoints.append(
                    Checkpoint(
                        line=number,
                        count=int(fields["count"]),
                        last_seq=fields["last_seq"],
                        last_id=fields["last_id"],
                        head_hash=fields["head_hash"],
                        at=datetime.fromisoformat(fields["at"]),
                    )
                )
            except (ValueError, KeyError, TypeError, InvalidSignature):
                unreadable.append(number)
    return CheckpointFile(checkpoints, unreadable)
