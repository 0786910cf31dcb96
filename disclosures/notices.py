"""Telling recipients of a correction or an erasure (GDPR Art. 19, HK s.23(1)(c), PDPA s.22(2)).

Every recipient that received an affected category of the person's data within the look-back
(12 months in Hong Kong and Singapore; every disclosure under Art. 19) gets a notice: an email
with a link to acknowledge it, a signed webhook, or a letter staff post. A webhook is an
HTTPS POST of JSON signed with HMAC-SHA256 over ``<timestamp>.<body>`` under the recipient's
secret, with a delivery id the receiver de-duplicates on; a worker retries it with doubling
back-off while the receiver is down. Reminders go out every ``reminder_days`` until it is
acknowledged; past ``acknowledge_within_days`` the notice is overdue. Each step is a
``NoticeEvent``. The notice carries only the corrected fields or the fact of erasure.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import smtplib
import socket
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from disclosures.models import (
    Disclosure,
    NoticeEvent,
    Recipient,
    RecipientNotice,
    recipient_channel_check,
)
from privacy_office.queue import enqueue, enqueue_on_commit

logger = logging.getLogger("disclosures")

SEND_TASK = "disclosures.tasks.notice_send_task"
LOST_AFTER = timedelta(minutes=15)
ACK_SALT = "disclosures.notice-ack"
OPEN = [
    RecipientNotice.State.SENT,
    RecipientNotice.State.DELIVERED,
    RecipientNotice.State.OVERDUE,
]
S = RecipientNotice.State


class DeliveryFailed(Exception):
    """The receiver could not be reached or did not accept the notice; retried later."""


def _event(notice: RecipientNotice, state: str, what: str, now: datetime) -> None:
    notice.state = state
    notice.save()
    NoticeEvent.objects.create(notice=notice, state=state, what=what, at=now)


def notice_payload(*, notice: RecipientNotice) -> bytes:
    """The JSON a webhook carries; refused over the size limit."""
    body = json.dumps(
        {"delivery_id": str(notice.delivery_id), "type": notice.kind, **(notice.payload or {})},
        ensure_ascii=False,
        sort_keys=True,
    ).encode()
    limit = settings.NOTICE_PAYLOAD_MAX_BYTES
    if len(body) > limit:
        raise ValidationError(
            _("The notice is %(size)s bytes, over the limit of %(limit)s bytes for a webhook.")
            % {"size": len(body), "limit": limit}
        )
    return body


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over ``<timestamp>.<body>``: what ``X-Notice-Signature`` carries."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def recipients_received(
    *, subject, categories: Iterable[str], since: datetime | None, now: datetime
) -> dict[Recipient, set[str]]:
    """Each recipient that received some of these categories of the person's data (since
    ``since``, or ever), with the categories it received."""
    wanted = set(categories)
    found: dict[Recipient, set[str]] = {}
    if not wanted:
        return found
    disclosures = Disclosure.objects.filter(
        subject=subject, disclosed_at__lte=now, categories__has_any_keys=list(wanted)
    ).select_related("recipient")
    if since is not None:
        disclosures = disclosures.filter(disclosed_at__gte=since)
    for disclosure in disclosures:
        found.setdefault(disclosure.recipient, set()).update(set(disclosure.categories) & wanted)
    return found


def notices_create(
    *,
    request_id: int,
    subject,
    kind: str,
    categories: Iterable[str],
    fields: Iterable[Mapping] = (),
    lookback: timedelta | None,
    now: datetime,
) -> list[RecipientNotice]:
    """Create and send (after commit) a notice for every recipient that received an affected
    category. ``fields`` are the corrected fields (``{"field", "value", "category"}``); each
    recipient is told only of those in the categories it received."""
    since = now - lookback if lookback is not None else None
    fields = list(fields)
    notices = []
    received = recipients_received(subject=subject, categories=categories, since=since, now=now)
    for recipient, held in sorted(received.items(), key=lambda item: item[0].organisation):
        if kind == "correction":
            told = [
                {"field": f["field"], "value": f["value"]} for f in fields if f["category"] in held
            ]
            payload = {"subject_id": subject.pk, "fields": told}
        else:
            payload = {"subject_id": subject.pk, "erased": sorted(held)}
        notice = RecipientNotice(
            recipient=recipient,
            subject=subject,
            request_id=request_id,
            kind=kind,
            payload=payload,
            delivery_id=uuid.uuid4(),
            state=S.PENDING,
            created_at=now,
            acknowledge_by=now + timedelta(days=recipient.acknowledge_within_days),
        )
        notice.save()
        NoticeEvent.objects.create(notice=notice, state=S.PENDING, what=_("created"), at=now)
        try:
            recipient_channel_check(recipient)
            notice_payload(notice=notice)
        except ValidationError as error:
            _event(notice, S.FAILED, " ".join(error.messages), now)
            notices.append(notice)
            continue
        if recipient.notify_by == "post":
            _event(notice, S.PENDING, _("a letter for staff to post"), now)
        else:
            enqueue_on_commit(SEND_TASK, notice.pk)
        notices.append(notice)
    return notices


def acknowledge_token(notice: RecipientNotice) -> str:
    return signing.dumps(str(notice.delivery_id), salt=ACK_SALT)


def _email(notice: RecipientNotice, *, reminder: bool) -> None:
    recipient = notice.recipient
    link = settings.SITE_URL.rstrip("/") + reverse(
        "disclosures:acknowledge", args=[acknowledge_token(notice)]
    )
    if notice.kind == "correction":
        lines = [f"- {f['field']}: {f['value']}" for f in notice.payload.get("fields", [])]
        what = _("Personal data we disclosed to you has been corrected:") + "\n" + "\n".join(lines)
    else:
        what = _(
            "The person whose data we disclosed to you has had it erased (categories: "
            "%(categories)s). Erase it from your records too."
        ) % {"categories": ", ".join(notice.payload.get("erased", []))}
    subject = (
        _("Reminder: notice %(id)s awaits your acknowledgement")
        if reminder
        else _("Notice %(id)s: a correction or erasure to pass on")
    ) % {"id": notice.delivery_id}
    body = "\n\n".join(
        [
            what,
            _("Account %(subject)s, delivery %(id)s.")
            % {"subject": notice.payload.get("subject_id"), "id": notice.delivery_id},
            _("Please acknowledge it: %(link)s") % {"link": link},
        ]
    )
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.notify_email])
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryFailed(str(error)) from error


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would turn the POST into a GET to an address nobody checked: it fails."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_RefuseRedirects)


def webhook_address_check(url: str) -> None:
    """Refuse a webhook URL the product must not call: another scheme than http(s), and in
    production (NOTICE_WEBHOOK_HTTPS_ONLY) plain http or a host that resolves to a loopback,
    private, link-local or reserved address (the cloud's metadata service, the office's own
    network)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise DeliveryFailed(_("the webhook URL is not an http(s) address"))
    if not settings.NOTICE_WEBHOOK_HTTPS_ONLY:
        return
    if parts.scheme != "https":
        raise DeliveryFailed(_("the webhook URL is not an https address"))
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError as error:
        raise DeliveryFailed(_("the receiver could not be reached")) from error
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise DeliveryFailed(_("the webhook URL points inside a private network"))


def _webhook(notice: RecipientNotice, *, reminder: bool, now: datetime) -> bool:
    """POST the signed notice; return whether the receiver acknowledged it."""
    recipient = notice.recipient
    body = notice_payload(notice=notice)
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "X-Notice-Delivery": str(notice.delivery_id),
        "X-Notice-Timestamp": timestamp,
        "X-Notice-Signature": signature(
            secret=recipient.webhook_secret, timestamp=timestamp, body=body
        ),
    }
    if reminder:
        headers["X-Notice-Reminder"] = str(notice.reminders)
    url = recipient.webhook_url
    webhook_address_check(url)
    call = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    timeout = settings.NOTICE_WEBHOOK_TIMEOUT_SECONDS
    try:
        with _NO_REDIRECTS.open(call, timeout=timeout) as answer:
            reply = answer.read(4096)
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(_("the receiver answered %(code)s") % {"code": error.code}) from error
    except (OSError, ValueError) as error:
        raise DeliveryFailed(_("the receiver could not be reached")) from error
    try:
        return bool(json.loads(reply or b"{}").get("acknowledged"))
    except (ValueError, AttributeError):
        return False


def notice_send(*, notice_id: int, now: datetime, reminder: bool = False) -> RecipientNotice:
    """Send a notice (or its reminder) once; raise ``DeliveryFailed`` to be retried."""
    with transaction.atomic():
        notice = (
            RecipientNotice.objects.select_for_update()
            .select_related("recipient")
            .get(pk=notice_id)
        )
        if notice.state == S.ACKNOWLEDGED or notice.state == S.FAILED:
            return notice
        if not reminder and notice.state != S.PENDING:
            return notice  # delivered twice, or already sent
        notice.attempts += 1
        notice.save(update_fields=["attempts"])
    # The row is not held while the receiver answers.
    acknowledged = False
    if notice.recipient.notify_by == "webhook":
        acknowledged = _webhook(notice, reminder=reminder, now=now)
    else:
        _email(notice, reminder=reminder)
    with transaction.atomic():
        notice = RecipientNotice.objects.select_for_update().get(pk=notice_id)
        if notice.state in (S.ACKNOWLEDGED, S.FAILED):
            return notice
        notice.last_sent_at = now
        via = notice.recipient.notify_by
        if reminder:
            notice.save(update_fields=["last_sent_at"])
            NoticeEvent.objects.create(
                notice=notice,
                state=notice.state,
                what=_("reminder %(n)s sent") % {"n": notice.reminders},
                at=now,
            )
        elif via == "webhook":
            _event(notice, S.DELIVERED, _("delivered to the webhook"), now)
        else:
            _event(
                notice, S.SENT, _("emailed to %(to)s") % {"to": notice.recipient.notify_email}, now
            )
        if acknowledged:
            notice.acknowledged_at = now
            _event(notice, S.ACKNOWLEDGED, _("acknowledged by the receiver"), now)
    return notice


def notice_delivery_failed(*, notice_id: int, reason: str, final: bool, now: datetime) -> None:
    """Record a failed attempt; the last one fails the notice for staff to act on."""
    notice = RecipientNotice.objects.get(pk=notice_id)
    if notice.state in (S.ACKNOWLEDGED, S.FAILED):
        return
    if final:
        _event(
            notice,
            S.FAILED,
            _("given up after %(n)s attempts: %(reason)s")
            % {"n": notice.attempts, "reason": reason},
            now,
        )
    else:
        NoticeEvent.objects.create(
            notice=notice,
            state=notice.state,
            what=_("attempt %(n)s failed: %(reason)s") % {"n": notice.attempts, "reason": reason},
            at=now,
        )


def retry_countdown(attempts: int) -> int:
    """Seconds before the next attempt: doubling from the base, capped."""
    base = settings.NOTICE_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.NOTICE_RETRY_MAX_SECONDS)


@transaction.atomic
def notice_acknowledge(*, delivery_id, how: str, now: datetime) -> RecipientNotice | None:
    """Record a recipient's acknowledgement (a link followed, a letter staff received)."""
    notice = RecipientNotice.objects.select_for_update().filter(delivery_id=delivery_id).first()
    if notice is None or notice.state == S.ACKNOWLEDGED:
        return notice
    notice.acknowledged_at = now
    _event(notice, S.ACKNOWLEDGED, how, now)
    return notice


def notices_remind(*, now: datetime) -> dict[str, int]:
    """Mark unacknowledged notices overdue past their date, remind every recipient whose
    interval has passed since the last sending, and send again any notice never attempted."""
    overdue = 0
    for notice in RecipientNotice.objects.filter(
        state__in=[S.SENT, S.DELIVERED], acknowledge_by__lt=now
    ):
        _event(notice, S.OVERDUE, _("not acknowledged in time"), now)
        overdue += 1
    reminded = 0
    for notice in RecipientNotice.objects.filter(state__in=OPEN).select_related("recipient"):
        interval = timedelta(days=notice.recipient.reminder_days)
        if (
            notice.recipient.reminder_days
            and notice.last_sent_at
            and (notice.last_sent_at + interval <= now)
        ):
            notice.reminders += 1
            notice.save(update_fields=["reminders"])
            try:
                notice_send(notice_id=notice.pk, now=now, reminder=True)
            except DeliveryFailed as error:
                notice_delivery_failed(notice_id=notice.pk, reason=str(error), final=False, now=now)
            reminded += 1
    # A notice whose message was lost (a broker restarted before a worker took it) is sent
    # again; one being retried (attempted already) is left to its back-off.
    lost = list(
        RecipientNotice.objects.filter(state=S.PENDING, attempts=0, created_at__lt=now - LOST_AFTER)
        .exclude(recipient__notify_by="post")
        .values_list("pk", flat=True)
    )
    notices_resend(lost)
    return {"overdue": overdue, "reminded": reminded, "resent": len(lost)}


def notices_resend(notice_ids: Iterable[int]) -> None:
    for notice_id in notice_ids:
        enqueue(SEND_TASK, notice_id)


def token_delivery_id(token: str) -> str | None:
    try:
        return signing.loads(token, salt=ACK_SALT)
    except signing.BadSignature:
        return None


NOT_SENT_REASON = _(
    "Say why telling this recipient is impossible or would take disproportionate effort "
    "(GDPR Art. 19)."
)


@transaction.atomic
def notice_not_sent(*, notice_id: int, reason: str, actor, now: datetime) -> RecipientNotice:
    """Record that a recipient is not told, with the reason (Art. 19's exception)."""
    if not reason.strip():
        raise ValidationError({"reason": NOT_SENT_REASON})
    notice = RecipientNotice.objects.select_for_update().get(pk=notice_id)
    if notice.state == S.ACKNOWLEDGED:
        return notice
    what = _("not sent, recorded by %(who)s: %(reason)s") % {
        "who": actor.get_username() if actor else "-",
        "reason": reason.strip()[:150],
    }
    _event(notice, S.NOT_SENT, what, now)
    return notice
