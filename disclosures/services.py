"""Verbs for disclosures: record them (one or in bulk), and find who must hear of a correction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from disclosures.models import Disclosure, Recipient
from disclosures.notices import recipients_received
from privacy_office import clock
from privacy_office.purposes import PURPOSES
from privacy_office.registry import Category
from privacy_office.text import printable

CORRECTION_LOOKBACK = timedelta(days=365)  # HK s.23(1)(c): disclosed in the 12 months before


def _clean(number: int, row: Mapping, recipients: dict[str, Recipient], users) -> Disclosure:
    def problem(message: str) -> ValidationError:
        return ValidationError(_("Disclosure %(n)s: %(m)s") % {"n": number, "m": message})

    if not isinstance(row, Mapping):
        raise problem(_("each disclosure must be an object"))
    recipient = recipients.get(printable(row.get("recipient", ""))[:50])
    if recipient is None:
        raise problem(_("unknown recipient; use a code from the recipient register"))
    subject_id = row.get("subject_id")
    if not isinstance(subject_id, int) or isinstance(subject_id, bool) or subject_id not in users:
        raise problem(_("subject_id must be the id of an account"))
    categories = row.get("categories")
    if (
        not isinstance(categories, list)
        or not categories
        or not all(isinstance(code, str) for code in categories)
        or not set(categories) <= set(Category.values)
    ):
        raise problem(
            _("categories must list some of %(known)s") % {"known": ", ".join(Category.values)}
        )
    if not isinstance(row.get("purpose"), str) or row["purpose"] not in PURPOSES:
        raise problem(_("purpose must be one of B1 to B9"))
    try:
        disclosed_at = parse_datetime(str(row.get("disclosed_at", "")))
    except ValueError:  # well formed, but no such date (30 February)
        disclosed_at = None
    if disclosed_at is None or disclosed_at.tzinfo is None:
        raise problem(_("disclosed_at must be a date and time with a time zone"))
    if disclosed_at > clock.now() + timedelta(days=1):
        raise problem(_("disclosed_at is in the future"))
    return Disclosure(
        recipient=recipient,
        subject_id=subject_id,
        categories=sorted(set(categories)),
        purpose=row["purpose"],
        disclosed_at=disclosed_at,
        reference=printable(row.get("reference", ""))[:100],
    )


@transaction.atomic
def disclosures_record(*, rows: Iterable[Mapping]) -> int:
    """Record disclosures written by the marketplace: all of them, or none at the first bad one."""
    rows = list(rows)
    codes = {printable(row.get("recipient", ""))[:50] for row in rows if isinstance(row, Mapping)}
    recipients = {r.code: r for r in Recipient.objects.filter(code__in=codes)}
    ids: set[int] = {
        row["subject_id"]
        for row in rows
        if isinstance(row, Mapping)
        and isinstance(row.get("subject_id"), int)
        and not isinstance(row.get("subject_id"), bool)
    }
    users = set(get_user_model().objects.filter(pk__in=ids).values_list("pk", flat=True))
    disclosures = [_clean(n, row, recipients, users) for n, row in enumerate(rows, start=1)]
    Disclosure.objects.bulk_create(disclosures, batch_size=1000)
    return len(disclosures)


def recipients_to_notify(
    *,
    subject,
    categories: Iterable[str],
    now: datetime,
    lookback: timedelta | None = CORRECTION_LOOKBACK,
) -> list[Recipient]:
    """Return the recipients that received any of these categories of the person's data in
    the ``lookback`` before ``now`` (HK s.23(1)(c): 12 months; None: ever, GDPR Art. 19) —
    those a correction or an erasure must be sent on to."""
    since = now - lookback if lookback is not None else None
    received = recipients_received(subject=subject, categories=categories, since=since, now=now)
    return sorted(received, key=lambda recipient: recipient.organisation)
