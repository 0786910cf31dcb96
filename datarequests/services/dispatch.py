"""The written reply to a postal request: the print pack staff download, and the dispatch
that ends the request.

A letter from a person with no account cannot be answered with "sign in and download":
its access export, once built, waits as ``awaiting_dispatch`` until staff print the pack,
post it and record the date, the method and any tracking number.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import audit_record
from datarequests.calendars import local_day
from datarequests.export_storage import export_file_chunks, export_file_exists
from datarequests.models import Channel, DataRequest, Dispatch, DispatchMethod, Kind, Status
from datarequests.reasons import coded
from datarequests.services.transitions import CHANGE, _locked, _record
from privacy_office.registry import Category
from privacy_office.text import StrOrPromise

if TYPE_CHECKING:
    from accounts.models import User

NO_DISPATCH_DATE = _("Give the date the reply was posted.")
DISPATCH_IN_FUTURE = _("The reply cannot have been posted after today.")
DISPATCH_BEFORE_READY = _("The reply cannot have been posted before its pack was ready (%(day)s).")
UNKNOWN_METHOD = _("Choose how the reply was sent.")
TRACKING_NEEDED = _("Registered post and courier give a tracking number: write it down.")
NOT_A_POSTAL_REPLY = _("This request is not answered by post.")
PACK_NOT_READY = _("The reply is not ready to print yet: its export is still to be built.")


def replies_by_post(request: DataRequest) -> bool:
    """Return whether the request's reply goes by post: a letter from a person with no
    account, who cannot sign in to download it."""
    return request.channel == Channel.LETTER and request.requester_id is None


@transaction.atomic
def reply_dispatch(
    *,
    request_id: int,
    actor: User,
    dispatched_on: date | None,
    method: str,
    tracking: str = "",
    now: datetime,
) -> DataRequest:
    """Record that the written reply was posted (date, method, tracking); the request is
    then fulfilled and its clock ends."""
    request = _locked(request_id, "dispatch")
    tracking = (tracking or "").strip()
    errors: dict[str, StrOrPromise] = {}
    ready_at = request.events.filter(status=Status.AWAITING_DISPATCH).order_by("at").first()
    ready = local_day(request.jurisdiction, ready_at.at if ready_at else request.received_at)
    if dispatched_on is None:
        errors["dispatched_on"] = NO_DISPATCH_DATE
    elif dispatched_on > local_day(request.jurisdiction, now):
        errors["dispatched_on"] = DISPATCH_IN_FUTURE
    elif dispatched_on < ready:
        errors["dispatched_on"] = DISPATCH_BEFORE_READY % {"day": ready.isoformat()}
    if method not in DispatchMethod.values:
        errors["method"] = UNKNOWN_METHOD
    elif method in {DispatchMethod.REGISTERED, DispatchMethod.COURIER} and not tracking:
        errors["tracking"] = TRACKING_NEEDED
    if errors or dispatched_on is None:
        raise ValidationError(errors)
    dispatch = Dispatch(
        request=request,
        dispatched_on=dispatched_on,
        method=method,
        tracking=tracking[:64],
        actor=actor,
        recorded_at=now,
    )
    dispatch.full_clean()
    dispatch.save()
    _record(
        request,
        status=Status.FULFILLED,
        actor=actor,
        reason=coded("posted_tracked", day=dispatched_on, method=method, tracking=tracking)
        if tracking
        else coded("posted", day=dispatched_on, method=method),
        now=now,
    )
    return request


def reply_pack_read(*, request_id: int, actor: User, now: datetime) -> bytes | None:
    """Return the print pack (PDF) of a postal reply for staff who may act on requests, and
    audit the read; None when the request does not exist."""
    from datarequests.reply_pack import reply_pack_pdf

    request = _postal_reply(request_id=request_id, actor=actor)
    if request is None:
        return None
    pack = reply_pack_pdf(request=request)
    _audit_read(request_id, actor, "reply pack read", now)
    return pack


def reply_export_read(*, request_id: int, actor: User, now: datetime) -> Iterator[bytes] | None:
    """Return the export of a postal reply as its zip, for staff to send on a medium (a USB
    key, a disc) when it is too large to print; the read is audited."""
    from datarequests.reply_pack import NO_EXPORT

    request = _postal_reply(request_id=request_id, actor=actor)
    if request is None:
        return None
    export = getattr(request, "export", None)
    if export is None or export.purged_at is not None or not export_file_exists(export.path):
        raise ValidationError(NO_EXPORT)
    chunks = export_file_chunks(export.path)  # checked whole before the first byte
    _audit_read(request_id, actor, "reply export read", now)
    return chunks


def _postal_reply(*, request_id: int, actor: User) -> DataRequest | None:
    if not (actor.is_staff and actor.has_perm(CHANGE)):
        raise PermissionDenied
    request = (
        DataRequest.objects.select_related("jurisdiction", "export").filter(pk=request_id).first()
    )
    if request is None:
        return None
    if request.kind != Kind.ACCESS or not replies_by_post(request):
        raise ValidationError(NOT_A_POSTAL_REPLY)
    if request.status not in {Status.AWAITING_DISPATCH, Status.FULFILLED}:
        raise ValidationError(PACK_NOT_READY)
    return request


def _audit_read(request_id: int, actor: User, detail: str, now: datetime) -> None:
    audit_record(
        actor=actor,
        action=Action.READ,
        target=f"datarequests.DataRequest:{request_id}",
        rows=[request_id],
        categories=list(Category.values),
        detail=detail,
        now=now,
    )
