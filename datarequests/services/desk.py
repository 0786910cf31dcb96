"""The staff desk: who handles a request, staff's internal notes, reminders and escalation.

Everything here is staff's own record (``InternalNote``), never the requester's timeline
(``RequestEvent``): a reassignment or a note does not move the request or its clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import PRIVACY_OFFICER
from audit.models import Action
from audit.services import audit_record
from datarequests.calendars import local_day
from datarequests.models import OPEN_STATUSES, DataRequest, InternalNote
from datarequests.services.transitions import CHANGE

if TYPE_CHECKING:
    from accounts.models import User

NOTE_REQUIRED = _("Write the note.")
NOT_A_HANDLER = _("Only an active staff member who may handle requests can be assigned.")
ALREADY_ASSIGNED = _("The request is already assigned to them.")
# Stored in the site's language (staff's record); the numbers are the request's own.
OVERDUE_BY = "days overdue: %(days)s (due %(due)s)"
DAYS_LEFT = "days left: %(days)s (due %(due)s)"


def handlers():
    """Return the staff who may be given requests: active staff allowed to change them."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")
    return [user for user in users if user.has_perm(CHANGE)]


def _target(request: DataRequest) -> str:
    return f"datarequests.DataRequest:{request.pk}"


def _note(
    request: DataRequest, *, type: str, author: User | None, text: str, now: datetime, day=None
) -> InternalNote:
    note = InternalNote(request=request, type=type, author=author, text=text, at=now, day=day)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def data_request_assign(
    *, request_id: int, assignee: User | None, actor: User, now: datetime
) -> DataRequest:
    """Give the request to a handler (``None``: unassign); an internal event and the audit
    trail record who moved it from whom to whom."""
    request = DataRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
    if assignee is not None and not (
        assignee.is_active and assignee.is_staff and assignee.has_perm(CHANGE)
    ):
        raise ValidationError({"assignee": [NOT_A_HANDLER]})
    before = request.assignee
    if (before.pk if before else None) == (assignee.pk if assignee else None):
        raise ValidationError({"assignee": [ALREADY_ASSIGNED]})
    request.assignee = assignee
    request.save(update_fields=["assignee"])
    # Stored with user names, the same in every language (a user name is not translated).
    text = f"{before.username if before else '—'} → {assignee.username if assignee else '—'}"
    _note(request, type=InternalNote.Type.ASSIGNED, author=actor, text=text, now=now)
    audit_record(
        actor=actor,
        action=Action.CHANGE,
        target=_target(request),
        reference=f"request {request.pk}",
        detail=f"assignee: {text}",
        now=now,
    )
    return request


@transaction.atomic
def internal_note_add(*, request_id: int, actor: User, text: str, now: datetime) -> InternalNote:
    """Add staff's internal note to a request (never shown to the requester)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [NOTE_REQUIRED]})
    request = DataRequest.objects.get(pk=request_id)
    note = _note(request, type=InternalNote.Type.NOTE, author=actor, text=text, now=now)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=f"datarequests.InternalNote:{note.pk}",
        reference=f"request {request.pk}",
        detail="internal note",
        now=now,
    )
    return note


def _officer_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=PRIVACY_OFFICER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def _send(subject: str, body: str, recipients: Iterable[str]) -> int:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return 0
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return len(recipients)


def _request_url(request: DataRequest) -> str:
    return reverse("admin:datarequests_datarequest_change", args=[request.pk])


def requests_remind(*, request_ids: Iterable[int], actor: User, now: datetime) -> int:
    """Email each chosen open request's assignee a reminder; return how many were sent.

    Unassigned or closed requests are skipped (there is nobody to remind, or nothing to do)."""
    sent = 0
    chosen = (
        DataRequest.objects.filter(pk__in=list(request_ids), status__in=OPEN_STATUSES)
        .exclude(assignee=None)
        .select_related("assignee", "jurisdiction")
    )
    for request in chosen:
        assignee = request.assignee
        if assignee is None or not assignee.email:
            continue
        due = local_day(request.jurisdiction, request.due_at) if request.due_at else "—"
        with translation.override(settings.LANGUAGE_CODE):
            _send(
                gettext("Reminder: data request %(id)s") % {"id": request.pk},
                gettext("%(actor)s reminds you of data request %(id)s, due %(due)s.")
                % {"actor": actor.username, "id": request.pk, "due": due}
                + f"\n{_request_url(request)}\n",
                [assignee.email],
            )
        _note(
            request,
            type=InternalNote.Type.REMINDED,
            author=actor,
            text=assignee.username,
            now=now,
        )
        sent += 1
    return sent


def requests_escalate(*, now: datetime) -> dict[str, int]:
    """Warn the assignee and the privacy officers of requests past their jurisdiction's
    warning threshold (once), and escalate overdue ones once a day until they are closed or
    their deadline moves. Safe to run any number of times a day."""
    counts = {"warned": 0, "escalated": 0}
    officers = _officer_emails()
    open_requests = (
        DataRequest.objects.filter(status__in=OPEN_STATUSES, due_at__isnull=False)
        .select_related("jurisdiction", "assignee")
        .order_by("due_at")
    )
    for request in open_requests.iterator(chunk_size=500):
        jurisdiction = request.jurisdiction
        if request.due_at is None:
            continue
        today = local_day(jurisdiction, now)
        due = local_day(jurisdiction, request.due_at)
        days_left = (due - today).days
        if days_left < 0:
            kind, text = "escalated", OVERDUE_BY % {"days": -days_left, "due": due}
        elif days_left <= jurisdiction.warning_days_before:
            kind, text = "warned", DAYS_LEFT % {"days": days_left, "due": due}
            # Once per deadline: a warning already given since the threshold was passed.
            from_day = due - timedelta(days=jurisdiction.warning_days_before)
            if request.internal_notes.filter(
                type=InternalNote.Type.ESCALATED, day__gte=from_day
            ).exists():
                continue
        else:
            continue
        with transaction.atomic():
            if not _escalation_note(request, today=today, text=text, now=now):
                continue
            recipients = [request.assignee.email if request.assignee else "", *officers]
            transaction.on_commit(partial(_escalation_send, request, text, recipients))
        counts[kind] += 1
    return counts


def _escalation_send(request: DataRequest, text: str, recipients: list[str]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        assignee = request.assignee.username if request.assignee else gettext("nobody")
        _send(
            gettext("Data request %(id)s: %(text)s") % {"id": request.pk, "text": text},
            gettext("Data request %(id)s (%(code)s): %(text)s. Assignee: %(assignee)s.")
            % {
                "id": request.pk,
                "code": request.jurisdiction.code,
                "text": text,
                "assignee": assignee,
            }
            + f"\n{_request_url(request)}\n",
            recipients,
        )


def _escalation_note(request: DataRequest, *, today, text: str, now: datetime) -> bool:
    """Record today's escalation unless one is already recorded (the constraint decides)."""
    _, created = InternalNote.objects.get_or_create(
        request=request,
        type=InternalNote.Type.ESCALATED,
        day=today,
        defaults={"text": text, "at": now},
    )
    return created
