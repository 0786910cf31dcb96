"""The evidence pack of one request: a zip a regulator can take away and verify without us.

Members (JSON unless said): ``request``, ``events`` (every step with actor and time),
``messages`` (each notice and letter sent, each document received, and each message as
it was sent: emails and letters, a letter with its posting step), ``dispatch`` (how and
when a written reply by post was posted), ``scans/…`` (the
letter and guardianship documents, unsealed), ``deadlines`` (each statutory deadline and
whether it was kept), ``fees``, ``corrections``, ``export_manifest`` (each member of the
access export: name, size, rows, SHA-256; never the data), ``audit`` (the trail's entries
about the request, the chain's links from them to the checkpoint that anchors them, and
that signed checkpoint), ``policy`` (the version in force), ``logbook`` and
``manifest.json`` (every member's size and SHA-256). The zip's comment is an Ed25519
signature (``EVIDENCE_SIGNING_KEY``) over the whole file as written with an empty comment,
so changing any byte fails ``verify_evidence`` and ``verify_evidence_standalone.py``.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q

from audit.checkpoints import checkpoint_path
from audit.keys import checkpoint_private_key, public_key_id
from audit.models import Action, AuditEvent
from audit.services import audit_record
from datarequests.calendars import local_day
from datarequests.clock import add_working_days, due_date, extension_allowed_until
from datarequests.export_storage import export_file_chunks, export_file_exists
from datarequests.models import (
    DataRequest,
    Dispatch,
    MessageChannel,
    Notice,
    RequestEvent,
    SentMessage,
    Status,
)
from datarequests.notify import sent_by
from datarequests.scans import SCAN_FIELDS
from datarequests.services.transitions import clock_inputs
from policies.models import PolicyVersion
from privacy_office.uploads import sealed_storage
from records.models import LogBookEntry
from records.verify_evidence_standalone import COMMENT_LENGTH, COMMENT_PREFIX, FORMAT

if TYPE_CHECKING:
    from accounts.models import User

CLOSING = {Status.FULFILLED, Status.REFUSED, Status.WITHDRAWN, Status.LAPSED}
# What the requester was sent when a request reached a status (datarequests.notify).
STATUS_MESSAGES = {
    Status.AWAITING_PAYMENT: "fee quote",
    Status.FULFILLED: "reply",
    Status.REFUSED: "refusal notice with the ground and reasons",
    Status.LAPSED: "notice that the unpaid quote lapsed",
}


def evidence_private_key() -> Ed25519PrivateKey:
    """Return the key that signs evidence packs, from ``EVIDENCE_SIGNING_KEY``."""
    value = getattr(settings, "EVIDENCE_SIGNING_KEY", None) or ""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured("EVIDENCE_SIGNING_KEY is not base64.") from error
    if len(raw) != 32:
        raise ImproperlyConfigured("EVIDENCE_SIGNING_KEY must be 32 bytes in base64 (Ed25519).")
    return Ed25519PrivateKey.from_private_bytes(raw)


def evidence_public_key() -> bytes:
    """Return the raw public key a recipient verifies packs with."""
    return evidence_private_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _actor(user) -> dict | None:
    return None if user is None else {"id": user.pk, "username": user.get_username()}


def _request(request: DataRequest) -> dict:
    return {
        "id": request.pk,
        "kind": request.kind,
        "status": request.status,
        "channel": request.channel,
        "jurisdiction": request.jurisdiction.code,
        "law": request.jurisdiction.law,
        "language": request.language,
        "requester": _actor(request.requester),
        "requester_name": request.requester_name,
        "requester_email": request.requester_email,
        "postal_address": request.postal_address,
        "details": request.details,
        "received_at": _iso(request.received_at),
        "identity_method": request.identity_method,
        "due_at": _iso(request.due_at),
    }


def _events(events: list[RequestEvent]) -> list[dict]:
    return [
        {
            "at": _iso(event.at),
            "type": event.type,
            "status": event.status,
            "actor": _actor(event.actor),
            "reason": event.reason_text,
            "reason_code": event.reason_code,
            "asked": event.asked,
            "notice": event.notice,
            "sent_by": event.sent_by,
        }
        for event in events
    ]


def _messages(request: DataRequest, events: list[RequestEvent]) -> dict:
    """Each message the events record as sent, and each document received."""
    by = sent_by(request)
    sent = []
    for event in events:
        what = None
        if event.type == RequestEvent.Type.NOTICE:
            what = Notice(event.notice).label if event.notice in Notice.values else event.notice
        elif event.type == RequestEvent.Type.EXTENDED:
            what = "notice of the extension, with reasons"
        elif event.asked:
            what = f"request for {event.get_asked_display()}"
        elif event.type == RequestEvent.Type.STATUS and event.status in STATUS_MESSAGES:
            what = STATUS_MESSAGES[event.status]
        if what:
            sent.append(
                {
                    "at": _iso(event.at),
                    "what": str(what),
                    "by": event.sent_by or by,
                    "text": event.reason_text,
                }
            )
    received = [{"at": _iso(request.received_at), "what": f"the request ({request.channel})"}]
    received += [
        {"what": field, "file": f"scans/{field}{Path(getattr(request, field).name).suffix}"}
        for field in SCAN_FIELDS
        if getattr(request, field)
    ]
    return {"sent": sent, "received": received, "messages": _sent_messages(request)}


def _sent_messages(request: DataRequest) -> list[dict]:
    """Each message as it was sent (emails, letters, text messages with the full text they
    linked to), a letter with its posting step."""
    return [
        {
            "at": _iso(message.sent_at),
            "key": message.key,
            "channel": message.channel,
            "language": message.language,
            "to": message.to,
            "subject": message.subject,
            "text": message.body,
            # A text message links to its full text: what the requester was told.
            "full_text": message.full_text,
            "delivery_failed_at": _iso(message.failed_at),
            "event_at": _iso(message.event.at) if message.event else None,
            "post_by": _iso(message.post_by),
            "posted": None
            if message.posted_on is None
            else {
                "on": _iso(message.posted_on),
                "method": message.posted_method,
                "tracking": message.posted_tracking,
                "recorded_by": _actor(message.posted_recorded_by),
                "recorded_at": _iso(message.posted_recorded_at),
            },
        }
        for message in request.messages.select_related("event", "posted_recorded_by").order_by(
            "sent_at", "pk"
        )
    ]


def _dispatch(request: DataRequest) -> dict | None:
    """How and when the written reply was posted, for a reply by post."""
    dispatch = Dispatch.objects.filter(request=request).select_related("actor").first()
    if dispatch is None:
        return None
    return {
        "posted_on": _iso(dispatch.dispatched_on),
        "method": dispatch.method,
        "tracking": dispatch.tracking,
        "recorded_by": _actor(dispatch.actor),
        "recorded_at": _iso(dispatch.recorded_at),
    }


def _letter_posting_days(request: DataRequest) -> dict[int, date | None]:
    """The letters' events with the day each letter was posted (None: not yet)."""
    return dict(
        SentMessage.objects.filter(
            request=request, channel=MessageChannel.LETTER, event__isnull=False
        ).values_list("event_id", "posted_on")
    )


def _deadlines(request: DataRequest, events: list[RequestEvent], now: datetime) -> list[dict]:
    """Each statutory deadline of the request, when it fell and whether it was kept."""
    jurisdiction = request.jurisdiction
    closing = next(
        (e for e in events if e.type == RequestEvent.Type.STATUS and e.status in CLOSING), None
    )
    inputs = clock_inputs(request, now=closing.at if closing else now)
    before = [
        clock_event
        for clock_event, event in zip(inputs.events, events, strict=True)
        if closing is None or event.pk != closing.pk
    ]
    calendar = {"holidays": inputs.holidays, "workdays": inputs.workdays}
    due = due_date(rules=inputs.rules, events=before, today=inputs.today, **calendar)
    answered = local_day(jurisdiction, closing.at) if closing else None
    rows: list[dict[str, Any]] = [
        {
            "deadline": "reply",
            "law": jurisdiction.law,
            "due": _iso(due),
            "done": _iso(answered),
            "kept": None if answered is None or due is None else answered <= due,
            "open": closing is None,
        }
    ]
    # A notice by letter is given on the day it is posted; unposted, it is not given yet.
    posted = _letter_posting_days(request)

    def told_on(event: RequestEvent) -> date | None:
        return posted[event.pk] if event.pk in posted else local_day(jurisdiction, event.at)

    for index, (event, clock_event) in enumerate(zip(events, inputs.events, strict=True)):
        if event.type == RequestEvent.Type.EXTENDED:
            earlier = inputs.events[:index]
            until = extension_allowed_until(
                rules=inputs.rules, events=earlier, today=clock_event.on, **calendar
            )
            told = told_on(event)
            rows.append(
                {
                    "deadline": "extension notified within the first period",
                    "due": _iso(until),
                    "done": _iso(told),
                    "kept": told is not None and (until is None or told <= until),
                }
            )
    sent = {e.notice: told_on(e) for e in events if e.notice}
    if inputs.rules.receipt_notice_working_days and before:
        receipt_due = add_working_days(
            before[0].on, inputs.rules.receipt_notice_working_days, **calendar
        )
        done = sent.get(Notice.RECEIPT)
        rows.append(
            {
                "deadline": "confirmation of receipt",
                "due": _iso(receipt_due),
                "done": _iso(done),
                "kept": done is not None and done <= receipt_due,
            }
        )
    if inputs.rules.delay_notice and due is not None:
        last_day = answered if answered is not None else inputs.today
        late = last_day > due
        done = sent.get(inputs.rules.delay_notice)
        if late or done:
            notice_due = date.fromordinal(due.toordinal() - inputs.rules.delay_notice_days_before)
            rows.append(
                {
                    "deadline": str(Notice(inputs.rules.delay_notice).label),
                    "due": _iso(notice_due),
                    "done": _iso(done),
                    "kept": done is not None and done <= notice_due,
                }
            )
    return rows


def _fees(request: DataRequest) -> dict | None:
    quote = getattr(request, "fee_quote", None)
    if quote is None:
        return None
    return {
        "amount": str(quote.amount),
        "currency": quote.currency,
        "lines": quote.lines,
        "status": quote.status,
        "quoted_at": _iso(quote.quoted_at),
        "paid_or_waived_at": _iso(quote.settled_at),
        "payment_reference_or_waiver_reason": quote.settlement_note,
    }


def _corrections(request: DataRequest) -> list[dict]:
    return [
        {
            "field": item.field,
            "row": item.object_id,
            "old_value": item.old_value,
            "new_value": item.new_value,
            "applied_at": _iso(item.applied_at),
        }
        for item in request.corrections.order_by("pk")
    ]


def _csv_rows(content: bytes) -> int:
    return max(0, sum(1 for _row in csv.reader(io.StringIO(content.decode("utf-8-sig")))) - 1)


def _export_manifest(request: DataRequest) -> dict | None:
    export = getattr(request, "export", None)
    if export is None:
        return None
    described: dict[str, Any] = {
        "made_at": _iso(export.created_at),
        "rows": export.row_count,
        "size": export.size,
        "purged_at": _iso(export.purged_at),
        "members": [],
    }
    if export.purged_at is None and export_file_exists(export.path):
        archive = zipfile.ZipFile(io.BytesIO(b"".join(export_file_chunks(export.path))))
        for name in archive.namelist():
            content = archive.read(name)
            member: dict[str, Any] = {
                "name": name,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
            }
            if name.endswith(".csv"):
                member["rows"] = _csv_rows(content)
            elif name == "data.json":
                member["rows"] = export.row_count
            described["members"].append(member)
    return described


def _checkpoint_lines() -> list[dict]:
    """Return the checkpoint file's lines whose signature holds, in file order."""
    from cryptography.exceptions import InvalidSignature

    from audit.checkpoints import _signed_bytes

    public_key = checkpoint_private_key().public_key()
    path = checkpoint_path()
    found = []
    if not path.exists():
        return found
    for text in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            fields = json.loads(text)
            public_key.verify(base64.b64decode(fields["signature"]), _signed_bytes(fields))
        except (ValueError, KeyError, TypeError, InvalidSignature):
            continue
        found.append(fields)
    return found


def _audit(request: DataRequest) -> dict:
    """The trail's entries about the request, and the links that tie them to a checkpoint."""
    about = Q(target=f"datarequests.DataRequest:{request.pk}") | Q(
        reference=f"request {request.pk}"
    )
    entries = list(AuditEvent.objects.filter(about).order_by("seq"))
    public = checkpoint_private_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    proof: dict[str, Any] = {
        "entries": [
            {
                "seq": e.seq,
                "at": _iso(e.at),
                "actor": e.actor_id,
                "action": e.action,
                "target": e.target,
                "reference": e.reference,
                "detail": e.detail,
                "previous_hash": e.previous_hash,
                "hash": e.hash,
                "key_id": e.key_id,
            }
            for e in entries
        ],
        "chain": [],
        "checkpoint": None,
        "checkpoint_public_key": base64.b64encode(public).decode(),
    }
    if not entries:
        return proof
    first, last = entries[0].seq, entries[-1].seq
    anchors = [c for c in _checkpoint_lines() if c.get("last_seq") is not None]
    anchor = next((c for c in anchors if c["last_seq"] >= last), None)
    end = anchor["last_seq"] if anchor else last
    proof["chain"] = [
        {"seq": seq, "previous_hash": previous, "hash": digest}
        for seq, previous, digest in AuditEvent.objects.filter(seq__gte=first, seq__lte=end)
        .order_by("seq")
        .values_list("seq", "previous_hash", "hash")
    ]
    proof["checkpoint"] = anchor
    return proof


def _policy(request: DataRequest) -> dict | None:
    version = (
        PolicyVersion.objects.filter(published_at__lte=request.received_at)
        .order_by("-published_at")
        .first()
    )
    if version is None:
        return None
    return {
        "version": version.version,
        "title": version.title,
        "published_at": _iso(version.published_at),
        "text_sha256": hashlib.sha256(version.text.encode()).hexdigest(),
    }


def _logbook(request: DataRequest) -> list[dict]:
    return [
        {
            "recorded_at": _iso(entry.recorded_at),
            "section": entry.section,
            "ground": entry.ground,
            "reasons": entry.reasons,
            "data_concerned": entry.data_concerned,
        }
        for entry in LogBookEntry.objects.filter(request_id=request.pk).order_by("pk")
    ]


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode()


@dataclass(frozen=True)
class EvidencePack:
    filename: str
    content: bytes


@transaction.atomic
def evidence_pack_build(*, request_id: int, actor: User | None, now: datetime) -> EvidencePack:
    """Build and sign the evidence pack of one request; the read is audited."""
    request = DataRequest.objects.select_related("jurisdiction", "requester").get(pk=request_id)
    events = list(request.events.select_related("actor").order_by("at", "pk"))
    members: dict[str, bytes] = {
        "request.json": _json(_request(request)),
        "events.json": _json(_events(events)),
        "messages.json": _json(_messages(request, events)),
        "deadlines.json": _json(_deadlines(request, events, now)),
        "fees.json": _json(_fees(request)),
        "corrections.json": _json(_corrections(request)),
        "export_manifest.json": _json(_export_manifest(request)),
        "audit.json": _json(_audit(request)),
        "policy.json": _json(_policy(request)),
        "logbook.json": _json(_logbook(request)),
        "dispatch.json": _json(_dispatch(request)),
    }
    for field in SCAN_FIELDS:
        stored = getattr(request, field)
        if stored:
            members[f"scans/{field}{Path(stored.name).suffix}"] = b"".join(
                sealed_storage.chunks(stored.name)
            )
    key = evidence_private_key()
    manifest = {
        "format": FORMAT,
        "request": request.pk,
        "made_at": _iso(now),
        "made_by": _actor(actor),
        "signing_key": base64.b64encode(evidence_public_key()).decode(),
        "checkpoint_key_id": public_key_id(checkpoint_private_key().public_key()),
        "members": [
            {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            for name, content in members.items()
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", _json(manifest))
        for name, content in members.items():
            archive.writestr(name, content)
    unsigned = buffer.getvalue()  # ends with an empty comment's length: the signature's place
    comment = COMMENT_PREFIX + base64.b64encode(key.sign(unsigned))
    if unsigned[-2:] != b"\x00\x00" or len(comment) != COMMENT_LENGTH:
        raise RuntimeError("the zip was not written with an empty comment")
    signed = unsigned[:-2] + len(comment).to_bytes(2, "little") + comment
    audit_record(
        actor=actor,
        action=Action.READ,
        target=f"datarequests.DataRequest:{request.pk}",
        subject=request.requester,
        subjects=[request.requester_id] if request.requester_id else [],
        rows=[request.pk],
        categories=["activity"],
        reference=f"request {request.pk}",
        detail="evidence pack made",
        now=now,
    )
    return EvidencePack(filename=f"evidence-request-{request.pk}.zip", content=signed)


def evidence_verify(data: bytes, *, public_key: bytes | None = None) -> tuple[list[str], list[str]]:
    """Return (problems, notes) for a pack, checked with ``cryptography``'s Ed25519."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from records.verify_evidence_standalone import verify

    def signature_holds(key: bytes, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True

    return verify(data, public_key or evidence_public_key(), signature_holds)
