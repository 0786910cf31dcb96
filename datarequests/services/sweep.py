"""The clock at work: what the schedule runs (the sweep, paused clocks, staff reminders)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Max, Q
from django.template.loader import render_to_string

from datarequests.clock import PAUSABLE_STATUSES
from datarequests.models import OPEN_STATUSES, DataRequest, Kind
from datarequests.services.fees import quotes_lapse
from datarequests.services.fulfilment import (
    CLAIM_LEASE,
    EXPORT_BUILD_TASK,
    MINOR_ERASE_TASK,
    SUBJECT_ERASE_TASK,
)
from datarequests.services.intake import FEE_ASSESS_TASK
from datarequests.services.transitions import (
    TRANSITIONS,
    request_due_at,
    request_notice_due_at,
)
from privacy_office.queue import enqueue

# Shorter than the sweep's own period (5 minutes), so lost work comes back at the next
# sweep or the one after. A step run twice is harmless (each checks the status it expects).
STUCK_AFTER = timedelta(minutes=10)
# An export's claim tells a live build from a lost one, so only the hand-off (the message on
# its way to a worker) is waited for.
EXPORT_HANDOFF = timedelta(minutes=1)
# Re-sent per sweep at most, oldest first: a backlog that workers are still working through
# must not be flooded with duplicates.
REQUEUE_LIMIT = 500
DUE_SOON = timedelta(days=3)


def requests_sweep(*, now: datetime) -> dict[str, int]:
    """Advance what is due and recover work a lost broker message left behind.

    A handful of set-based queries however many requests are open: lapse
    unpaid quotes, re-enqueue assessments and erasures that have not moved for
    ``STUCK_AFTER`` and exports that no live worker holds (their claim not renewed for
    ``CLAIM_LEASE``), and count what is due soon or overdue.
    """
    lapsed = quotes_lapse(now=now)

    def quiet(action: str, *claims: Q, after: timedelta = STUCK_AFTER, **conditions):
        return list(
            DataRequest.objects.filter(
                *claims, status__in=TRANSITIONS[action].sources, **conditions
            )
            .annotate(last_event=Max("events__at"))
            .filter(last_event__lt=now - after)
            .order_by("last_event")
            .values_list("pk", flat=True)[:REQUEUE_LIMIT]
        )

    stuck = [
        (FEE_ASSESS_TASK, quiet("assess")),
        (
            EXPORT_BUILD_TASK,
            quiet(
                "fulfil",
                Q(export_claimed_at__isnull=True) | Q(export_claimed_at__lt=now - CLAIM_LEASE),
                after=EXPORT_HANDOFF,
                kind=Kind.ACCESS,
            ),
        ),
        (MINOR_ERASE_TASK, quiet("fulfil", kind=Kind.GUARDIAN_DELETION)),
        (SUBJECT_ERASE_TASK, quiet("fulfil", kind=Kind.ERASURE)),
    ]
    # Not in a transaction: each is sent at once.
    for task_name, request_ids in stuck:
        for request_id in request_ids:
            enqueue(task_name, request_id)
    open_requests = DataRequest.objects.filter(status__in=OPEN_STATUSES)
    return {
        "lapsed": lapsed,
        "requeued": sum(len(request_ids) for _task, request_ids in stuck),
        "due_soon": open_requests.filter(due_at__gte=now, due_at__lt=now + DUE_SOON).count(),
        "overdue": open_requests.filter(due_at__lt=now).count(),
    }


def paused_clocks_refresh(*, now: datetime) -> int:
    """Recompute the due date of requests whose clock is stopped (each day paused moves it),
    and with it the next notice's date (HK s.19(2) and SG notices count back from it)."""
    refreshed = 0
    paused = DataRequest.objects.filter(status__in=PAUSABLE_STATUSES).select_related("jurisdiction")
    for request in paused.iterator(chunk_size=500):
        due = request_due_at(request, now=now)
        notice_due = request_notice_due_at(request, now=now)
        if (due, notice_due) != (request.due_at, request.notice_due_at):
            DataRequest.objects.filter(pk=request.pk).update(due_at=due, notice_due_at=notice_due)
            refreshed += 1
    return refreshed


def staff_reminder_send(*, now: datetime) -> int:
    """Email staff the open requests due within 3 days and those overdue; return how many."""
    open_requests = DataRequest.objects.filter(status__in=OPEN_STATUSES).select_related(
        "jurisdiction"
    )
    overdue = list(open_requests.filter(due_at__lt=now).order_by("due_at")[:200])
    due_soon = list(
        open_requests.filter(due_at__gte=now, due_at__lt=now + DUE_SOON).order_by("due_at")[:200]
    )
    if not overdue and not due_soon:
        return 0
    recipients = list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    context = {"overdue": overdue, "due_soon": due_soon, "now": now}
    send_mail(
        render_to_string("datarequests/email/staff_reminder_subject.txt", context).strip(),
        render_to_string("datarequests/email/staff_reminder.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )
    return len(overdue) + len(due_soon)
