"""Asking the requester for something, and their answer arriving.

"Staff are checking" (``awaiting_identity``: an enclosed ID, a backlog) never moves the
clock. "Waiting for the requester" (``awaiting_requester``) is a request sent, with what
was asked and when; where the law says so the clock stops until the answer arrives (EU,
UK: a clarification), and in the UK it restarts on the day it arrives (ICO guidance).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from datarequests import notify
from datarequests.models import Asked, DataRequest, RequestEvent, Status
from datarequests.reasons import coded
from datarequests.services.transitions import _locked, _record

if TYPE_CHECKING:
    from accounts.models import User

ASK_REQUIRED = _("Say what the requester is asked for, in words they will understand.")
ASK_ACTIONS = {Asked.IDENTITY: "ask_identity", Asked.CLARIFICATION: "ask_clarification"}


@transaction.atomic
def requester_ask(
    *, request_id: int, actor: User | None, asked: str, text: str, now: datetime
) -> DataRequest:
    """Send the requester a request for proof of identity or a clarification; wait for it."""
    request = _locked(request_id, ASK_ACTIONS[Asked(asked)])
    if not text.strip():
        raise ValidationError({"text": ASK_REQUIRED})
    _record(
        request,
        status=Status.AWAITING_REQUESTER,
        actor=actor,
        reason=text,
        now=now,
        asked=asked,
        sent_by=notify.sent_by(request),
    )
    notify.asked(request, asked=asked, text=text)
    return request


@transaction.atomic
def requester_answer(
    *, request_id: int, actor: User | None, note: str, now: datetime
) -> DataRequest:
    """Record that what was asked arrived; the request goes back to where it waited from."""
    request = _locked(request_id, "answered")
    ask = (
        request.events.filter(type=RequestEvent.Type.STATUS, status=Status.AWAITING_REQUESTER)
        .order_by("-at", "-pk")
        .first()
    )
    before = (
        request.events.filter(type=RequestEvent.Type.STATUS, pk__lt=ask.pk)
        .exclude(status=Status.AWAITING_REQUESTER)
        .order_by("-at", "-pk")
        .first()
        if ask is not None
        else None
    )
    back = before.status if before is not None else Status.AWAITING_IDENTITY
    what = ask.asked if ask is not None else ""
    reason = note.strip() or coded("answer_arrived", what=what)
    _record(request, status=back, actor=actor, reason=reason, now=now)
    return request
