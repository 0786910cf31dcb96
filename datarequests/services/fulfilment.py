"""Doing what was asked: the access export, the guardian's deletion, the reviewed corrections.

The access export is built outside the request's row lock, in three steps: claim (a
short transaction checks the status and marks the build as claimed), build (the file,
no transaction held), finalise (a short transaction re-locks the row and re-checks the
status). A withdrawal or refusal during a long build therefore never waits for it; the
finished build of a request that ended meanwhile is discarded.

The claim is a lease: while the build runs, a heartbeat renews ``export_claimed_at``
every ``HEARTBEAT``, so a claim not renewed for ``CLAIM_LEASE`` is a dead worker's (the
sweep re-sends it; the next claim takes it over and deletes what the dead build left),
however long a live build takes.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.age import is_minor
from datarequests import notify
from datarequests.corrections import correction_items_apply
from datarequests.erasure import kept_items, minor_erase, subject_erase
from datarequests.exports import (
    BuiltExport,
    export_build,
    export_leftovers_remove,
    export_record,
)
from datarequests.models import DataRequest, Kind, RequestEvent, Status
from datarequests.reasons import coded
from datarequests.services.dispatch import replies_by_post
from datarequests.services.transitions import APPROVE_ERASURE, AlreadyMoved, _locked, _record
from disclosures.notices import notices_create
from disclosures.services import recipients_to_notify
from privacy_office import clock
from privacy_office.queue import enqueue_on_commit
from privacy_office.registry import registry

if TYPE_CHECKING:
    from accounts.models import User

EXPORT_BUILD_TASK = "datarequests.tasks.export_build_task"
MINOR_ERASE_TASK = "datarequests.tasks.minor_erase_task"
SUBJECT_ERASE_TASK = "datarequests.tasks.subject_erase_task"
# A live build renews its claim every HEARTBEAT; one not renewed for CLAIM_LEASE is dead.
HEARTBEAT = timedelta(seconds=20)
CLAIM_LEASE = timedelta(minutes=2)

logger = logging.getLogger(__name__)


@transaction.atomic
def _export_claim(*, request_id: int, now: datetime) -> DataRequest | None:
    request = _locked(request_id, "fulfil")
    if request.kind != Kind.ACCESS:
        raise AlreadyMoved(request)
    claimed = request.export_claimed_at
    if claimed is not None and claimed > now - CLAIM_LEASE:
        return None  # another worker is building it (a message delivered twice)
    request.export_claimed_at = now
    request.save(update_fields=["export_claimed_at"])
    return request


def _export_claim_release(*, request_id: int, claimed_at: datetime) -> None:
    if not connection.is_usable():  # cut off mid-build (e.g. the COPY's backend terminated)
        connection.close()
    DataRequest.objects.filter(pk=request_id, export_claimed_at=claimed_at).update(
        export_claimed_at=None
    )


class ClaimHeartbeat:
    """Renew a build's claim every ``HEARTBEAT`` from a thread with its own connection (the
    build's connection is busy streaming a COPY), until stopped or the claim is taken."""

    def __init__(self, *, request_id: int, claimed_at: datetime) -> None:
        self.request_id = request_id
        self.claimed_at = claimed_at
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="export-claim", daemon=True)

    def __enter__(self) -> ClaimHeartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopped.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stopped.wait(HEARTBEAT.total_seconds()):
                renewed = clock.now()
                try:
                    held = DataRequest.objects.filter(
                        pk=self.request_id, export_claimed_at=self.claimed_at
                    ).update(export_claimed_at=renewed)
                except DatabaseError:
                    logger.warning("could not renew the export claim of %s", self.request_id)
                    connection.close()
                    continue
                if not held:
                    return  # released, or taken over after this build stalled
                self.claimed_at = renewed
        finally:
            connection.close()


def _export_finalise(*, request_id: int, built: BuiltExport, now: datetime) -> DataRequest:
    try:
        with transaction.atomic():
            request = _locked(request_id, "fulfil")  # withdrawn or refused meanwhile: moved
            export_record(request=request, built=built, now=now)
            request.export_claimed_at = None
            request.save(update_fields=["export_claimed_at"])
            if replies_by_post(request):
                # No account to sign in to: staff print the pack and post it (dispatch).
                _record(
                    request,
                    status=Status.AWAITING_DISPATCH,
                    actor=None,
                    reason=coded("ready_to_post"),
                    now=now,
                )
            else:
                reason = coded("export_ready")
                _record(request, status=Status.FULFILLED, actor=None, reason=reason, now=now)
                notify.fulfilled(request)
    except BaseException:
        built.discard()
        raise
    return request


def access_fulfil(*, request_id: int, now: datetime) -> DataRequest | None:
    """Build the access export of an in-progress access request and mark it fulfilled.

    Return None when another worker holds the build; raise ``AlreadyMoved`` when the
    request is not (or no longer) in progress, the finished file then deleted."""
    request = _export_claim(request_id=request_id, now=now)
    if request is None:
        return None
    recorded = getattr(request, "export", None)
    export_leftovers_remove(request_id=request_id, keep=recorded.path if recorded else None)
    heartbeat = ClaimHeartbeat(request_id=request_id, claimed_at=now)
    try:
        with heartbeat:
            built = export_build(request=request, now=now)
    except BaseException:
        _export_claim_release(request_id=request_id, claimed_at=heartbeat.claimed_at)
        raise
    # Dated when the build finished, not when it began: events recorded during a long build
    # come before it, and the link's days start when the file is there.
    finished = max(now, clock.now())
    try:
        return _export_finalise(request_id=request_id, built=built, now=finished)
    except AlreadyMoved:
        raise
    except BaseException:
        _export_claim_release(request_id=request_id, claimed_at=heartbeat.claimed_at)
        raise


@transaction.atomic
def guardian_deletion_fulfil(*, request_id: int, now: datetime) -> DataRequest:
    """Erase the minor's data as every field declares, leave the tombstone, tell the guardian."""
    request = _locked(request_id, "fulfil")
    if request.kind != Kind.GUARDIAN_DELETION:
        raise AlreadyMoved(request)
    minor_erase(request=request, now=now)
    # The request keeps the tombstone, not the minor: the name the guardian gave goes too.
    request.minor_named = ""
    request.save(update_fields=["minor_named"])
    reason = coded("minor_erased")
    _record(request, status=Status.FULFILLED, actor=None, reason=reason, now=now)
    notify.fulfilled(request)
    return request


ADULT_BY_RECORD = _(
    "The account's %(field)s says this person is 18 or older. A privacy officer may still "
    "approve the erasure by writing why the record is wrong."
)
NOT_AN_APPROVER = _("Only a privacy officer may approve the erasure of a minor's data.")
NOT_AN_ERASURE_APPROVER = _("Only a privacy officer may approve an erasure.")
SAME_HANDS = _(
    "You entered or verified this request, so another privacy officer must approve the "
    "erasure (four eyes)."
)


@transaction.atomic
def guardian_erasure_approve(
    *, request_id: int, actor: User, override_reason: str = "", now: datetime
) -> DataRequest:
    """Approve a guardian's deletion (a second person, an officer); the erasure follows.

    Refused to whoever entered or verified the request, and, when the account's own record
    says its holder is 18 or older, unless the officer writes why the record is wrong."""
    if not actor.has_perm(APPROVE_ERASURE):
        own = DataRequest.objects.filter(pk=request_id, kind=Kind.ERASURE).exists()
        raise PermissionDenied(NOT_AN_ERASURE_APPROVER if own else NOT_AN_APPROVER)
    request = _locked(request_id, "approve_erasure")
    if request.kind == Kind.ERASURE:
        return _erasure_approve(request, actor=actor, now=now)
    if request.kind != Kind.GUARDIAN_DELETION or request.minor is None:
        raise AlreadyMoved(request)
    if request.events.filter(actor=actor).exists():
        raise ValidationError({"actor": SAME_HANDS})
    minor, reason = request.minor, override_reason.strip()
    recorded_adult = (minor.birth_date or minor.birth_year) and not is_minor(
        birth_date=minor.birth_date, birth_year=minor.birth_year, today=timezone.localdate(now)
    )
    if recorded_adult and not reason:
        field = _("date of birth") if minor.birth_date else _("year of birth")
        raise ValidationError({"override_reason": ADULT_BY_RECORD % {"field": field}})
    _record(
        request,
        status=Status.IN_PROGRESS,
        actor=actor,
        reason=coded("erasure_approved_over_age", note=reason)
        if recorded_adult
        else coded("erasure_approved"),
        now=now,
    )
    enqueue_on_commit(MINOR_ERASE_TASK, request.pk)
    return request


def _erasure_approve(request: DataRequest, *, actor: User, now: datetime) -> DataRequest:
    # Four eyes as for a guardian's deletion: not whoever entered, verified or asked.
    if request.events.filter(actor=actor).exists() or request.requester_id == actor.pk:
        raise ValidationError({"actor": SAME_HANDS})
    reason = coded("erasure_approved")
    _record(request, status=Status.IN_PROGRESS, actor=actor, reason=reason, now=now)
    enqueue_on_commit(SUBJECT_ERASE_TASK, request.pk)
    return request


@transaction.atomic
def erasure_fulfil(*, request_id: int, now: datetime) -> DataRequest:
    """Erase the requester's data as declared, keep what an exemption covers, name it in the
    reply; the tombstone proves it without the data."""
    request = _locked(request_id, "fulfil")
    if request.kind != Kind.ERASURE:
        raise AlreadyMoved(request)
    tombstone = subject_erase(request=request, now=now)
    kept = kept_items(tombstone.counts)
    _recipients_tell(request, kind="erasure", categories=tombstone.categories, now=now)
    _record(
        request,
        status=Status.FULFILLED,
        actor=None,
        reason=coded("data_erased_kept" if kept else "data_erased"),
        now=now,
    )
    notify.fulfilled(request)
    return request


@transaction.atomic
def correction_approve(*, request_id: int, actor: User | None, now: datetime) -> DataRequest:
    """Apply the reviewed corrections through the fields' own validation, then fulfil."""
    request = _locked(request_id, "approve")
    if request.kind != Kind.CORRECTION:
        raise AlreadyMoved(request)
    categories = correction_items_apply(request=request, actor=actor, now=now)
    # The same recipients the notices go to (the jurisdiction's look-back).
    recipients = recipients_to_notify(
        subject=request.requester,
        categories=categories,
        now=now,
        lookback=RECIPIENT_LOOKBACK.get(request.jurisdiction.code),
    )
    if recipients:
        # HK s.23(1)(c), GDPR Art.19: the corrected data goes on to whoever received it.
        _record(
            request,
            status=request.status,
            actor=actor,
            type=RequestEvent.Type.NOTE,
            now=now,
            reason=coded(
                "correction_send_on", recipients=", ".join(r.organisation for r in recipients)
            ),
        )
    fields = [
        {"field": item.field, "value": item.new_value, "category": _category_of(item.field)}
        for item in request.corrections.order_by("pk")
    ]
    _recipients_tell(request, kind="correction", categories=categories, fields=fields, now=now)
    reason = coded("corrections_applied")
    _record(request, status=Status.FULFILLED, actor=actor, reason=reason, now=now)
    notify.fulfilled(request)
    return request


# HK s.23(1)(c) and SG PDPA s.22(2): recipients of the 12 months before; GDPR Art. 19 (EU, UK)
# and the others: every recipient the data was disclosed to.
RECIPIENT_LOOKBACK = {"HK": timedelta(days=365), "SG": timedelta(days=365)}


def _category_of(reference: str) -> str:
    app_label, model_name, name = reference.split(".")
    declaration = registry.declaration_of(apps.get_model(app_label, model_name))
    return declaration.category_of(next(f for f in declaration.fields if f.name == name))


def _recipients_tell(request: DataRequest, *, kind: str, categories, now: datetime, fields=()):
    """Send the correction or erasure on to every recipient that received the data."""
    notices_create(
        request_id=request.pk,
        subject=request.requester,
        kind=kind,
        categories=categories,
        fields=fields,
        lookback=RECIPIENT_LOOKBACK.get(request.jurisdiction.code),
        now=now,
    )
