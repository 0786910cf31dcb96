"""The life of a data request: every transition is one function, one transaction.

Each transition locks the request row, checks the status it expects (so two
staff clicking at once move it once; the second gets ``AlreadyMoved``),
appends an event with actor, time and reason, recomputes the due date from
the events, and enqueues follow-up work only after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Value
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import audit_record
from datarequests import notify
from datarequests.clock import ClockEvent, ClockRules, due_date
from datarequests.corrections import correction_items_apply, correction_items_build
from datarequests.models import (
    OPEN_STATUSES,
    Channel,
    DataRequest,
    FeeQuote,
    FeeRule,
    FeeSchedule,
    Holiday,
    Jurisdiction,
    Kind,
    RequestEvent,
    Status,
)
from disclosures.services import recipients_to_notify
from privacy_office.exceptions import Conflict
from privacy_office.registry import registry
from privacy_office.subject_data import ContactPerson, subject_rows

UNKNOWN_JURISDICTION = _("Unknown jurisdiction %(code)s; choose one of %(known)s.")
NO_MINOR = _("Name the minor's account: their user name or email address.")
NO_SUCH_MINOR = _(
    "No account has the user name or email address “%(name)s”. Enter the minor's account as "
    "you found it, or refuse the request."
)
NO_GUARDIANSHIP_PROOF = _(
    "Attach the proof of guardianship (a PDF, JPEG or PNG) before verifying this request."
)
NO_CORRECTIONS = _("A correction request must name at least one correction.")
CORRECTIONS_ONLY_FOR_CORRECTION = _("Corrections are only for a correction request.")
NO_EXTENSION = _("The law of this request allows no extension.")
ALREADY_EXTENDED = _("This request's deadline was already extended.")
GROUND_REQUIRED = _("Choose a refusal ground of this jurisdiction.")
REASON_REQUIRED = _("Give the reason in a sentence the requester can understand.")


class AlreadyMoved(Conflict):
    """The request is no longer where the action expected it (another click was first)."""

    def __init__(self, request: DataRequest) -> None:
        self.status = request.status
        super().__init__(
            _(
                "This request has already moved on: it is now “%(status)s”. "
                "Reload the page to see where it stands."
            )
            % {"status": request.get_status_display()}
        )


@dataclass(frozen=True)
class Requester:
    """Who asks: a signed-in user, or a person known only by name and contact details."""

    user: object | None = None
    name: str = ""
    email: str = ""
    phone: str = ""
    postal_address: str = ""


# -- the clock ---------------------------------------------------------------------------


def clock_rules(jurisdiction: Jurisdiction) -> ClockRules:
    return ClockRules(
        amount=jurisdiction.deadline_amount,
        unit=jurisdiction.deadline_unit,
        next_working_day=jurisdiction.next_working_day_rule,
        pauses_for_identity=jurisdiction.clock_pauses_for_identity,
        pauses_for_fee=jurisdiction.clock_pauses_for_fee,
        starts_after_identity_and_fee=jurisdiction.clock_starts_after_identity_and_fee,
        extension_amount=jurisdiction.extension_amount,
        extension_unit=jurisdiction.extension_unit,
    )


def request_due_at(request: DataRequest, *, now: datetime) -> datetime | None:
    """Return the end of the day the reply is due, from the request's events."""
    events = [
        ClockEvent(
            on=timezone.localdate(event.at),
            status=event.status,
            extended=event.type == RequestEvent.Type.EXTENDED,
        )
        for event in request.events.order_by("at", "pk")
    ]
    holidays = set(
        Holiday.objects.filter(jurisdiction=request.jurisdiction).values_list("date", flat=True)
    )
    day = due_date(
        rules=clock_rules(request.jurisdiction),
        events=events,
        holidays=holidays,
        today=timezone.localdate(now),
    )
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _record(
    request: DataRequest,
    *,
    status: str,
    actor,
    reason: str,
    now: datetime,
    type: str = RequestEvent.Type.STATUS,
) -> None:
    request.status = status
    # Kept in the site's language, whatever page or worker recorded it: the request page and
    # the API translate the product's own reasons for each reader (staff's words stay as typed).
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(reason)
    RequestEvent.objects.create(
        request=request, type=type, status=status, actor=actor, reason=reason, at=now
    )
    request.due_at = request_due_at(request, now=now)
    request.save(update_fields=["status", "due_at"])
    audit_record(
        actor=actor,
        action=Action.TRANSITION,
        target=f"datarequests.DataRequest:{request.pk}",
        subject=request.requester,
        reference=f"request {request.pk}",
        detail=f"{type}: {status}",
        now=now,
    )


def _locked(request_id: int, expected: Iterable[str]) -> DataRequest:
    request = (
        DataRequest.objects.select_for_update(of=("self",))
        .select_related("jurisdiction", "requester")
        .get(pk=request_id)
    )
    if request.status not in set(expected):
        raise AlreadyMoved(request)
    return request


def _after_commit(task, request_id: int) -> None:
    transaction.on_commit(lambda: task.delay(request_id))


# -- intake ------------------------------------------------------------------------------


@transaction.atomic
def data_request_submit(
    *,
    requester: Requester,
    kind: str,
    jurisdiction_code: str,
    channel: str,
    details: str = "",
    corrections: Iterable[Mapping] = (),
    language: str = "en",
    received_at: datetime | None = None,
    letter_scan=None,
    minor=None,
    minor_named: str = "",
    guardianship_document=None,
    now: datetime,
) -> DataRequest:
    """Take in a request from any channel.

    A signed-in requester's identity is verified by the session, so the fee is
    assessed at once; a letter or a person without an account waits for staff
    to check identity. ``received_at`` is the envelope's stamp for letters.
    """
    jurisdiction = Jurisdiction.objects.filter(code=jurisdiction_code).first()
    if jurisdiction is None:
        known = ", ".join(Jurisdiction.objects.values_list("code", flat=True))
        raise ValidationError(
            {"jurisdiction": UNKNOWN_JURISDICTION % {"code": jurisdiction_code, "known": known}}
        )
    minor_named = (minor_named or (minor.get_username() if minor else "")).strip()[:254]
    if kind == Kind.GUARDIAN_DELETION and minor is None and not minor_named:
        raise ValidationError({"minor": NO_MINOR})
    corrections = list(corrections)
    if kind == Kind.CORRECTION and not corrections:
        raise ValidationError({"corrections": NO_CORRECTIONS})
    if kind != Kind.CORRECTION and corrections:
        raise ValidationError({"corrections": CORRECTIONS_ONLY_FOR_CORRECTION})
    user = requester.user
    request = DataRequest(
        kind=kind,
        status=Status.RECEIVED,
        channel=channel,
        jurisdiction=jurisdiction,
        requester=user,
        requester_name=requester.name or (user.get_full_name() if user else ""),
        requester_email=requester.email or (user.email if user else ""),
        requester_phone=requester.phone or (getattr(user, "phone", "") if user else ""),
        postal_address=requester.postal_address,
        language=language,
        details=details,
        received_at=received_at or now,
        minor=minor if kind == Kind.GUARDIAN_DELETION else None,
        minor_named=minor_named if kind == Kind.GUARDIAN_DELETION else "",
    )
    if letter_scan is not None:
        request.letter_scan = letter_scan
    if guardianship_document is not None:
        request.guardianship_document = guardianship_document
    request.full_clean()
    request.save()
    correction_items_build(request=request, user=user, corrections=corrections)
    _record(
        request,
        status=Status.RECEIVED,
        actor=user,
        reason=Channel(request.channel).label,  # lazy: stored in the site's language
        now=request.received_at,
    )
    # A guardian always waits: staff check both who they are and that they are the guardian.
    signed_in = user is not None and channel != Channel.LETTER and kind != Kind.GUARDIAN_DELETION
    if signed_in:
        _record(
            request,
            status=Status.ASSESSING_FEE,
            actor=user,
            reason=_("identity verified by the signed-in session"),
            now=now,
        )
        _enqueue_assessment(request.pk)
    else:
        _record(
            request,
            status=Status.AWAITING_IDENTITY,
            actor=None,
            reason=_("waiting for staff to check the requester's identity"),
            now=now,
        )
    return request


def _enqueue_assessment(request_id: int) -> None:
    from datarequests.tasks import fee_assess_task

    _after_commit(fee_assess_task, request_id)


def _enqueue_fulfilment(request_id: int) -> None:
    from datarequests.tasks import export_build_task

    _after_commit(export_build_task, request_id)


@transaction.atomic
def identity_verify(
    *,
    request_id: int,
    actor,
    method: str,
    now: datetime,
    guardianship_document=None,
    minor_name: str = "",
) -> DataRequest:
    """Record how staff checked the requester's identity; the fee is assessed next.

    For a guardian's request whose minor was not found by the name given, staff name the
    account here (``minor_name``: a user name or email address)."""
    from datarequests.selectors import account_named

    if not method.strip():
        raise ValidationError({"method": _("Say how identity was checked.")})
    request = _locked(request_id, [Status.AWAITING_IDENTITY])
    if request.kind == Kind.GUARDIAN_DELETION:
        if request.minor is None:
            name = (minor_name or request.minor_named).strip()
            request.minor = account_named(name)
            if request.minor is None:
                raise ValidationError({"minor": NO_SUCH_MINOR % {"name": name}})
        if guardianship_document is not None:
            request.guardianship_document = guardianship_document
        if not request.guardianship_document:
            raise ValidationError({"document": NO_GUARDIANSHIP_PROOF})
        request.full_clean(exclude=["minor", "requester", "jurisdiction"])
    request.identity_method = method
    request.save(update_fields=["identity_method", "guardianship_document", "minor"])
    _record(request, status=Status.ASSESSING_FEE, actor=actor, reason=method, now=now)
    _enqueue_assessment(request.pk)
    return request


# -- fees --------------------------------------------------------------------------------


def request_subject(request: DataRequest):
    """Return whose data the request is about: the account, or the verified contact details."""
    if request.requester is not None:
        return request.requester
    return ContactPerson(email=request.requester_email, phone=request.requester_phone)


def request_volume(request: DataRequest) -> dict[str, int]:
    """Return how many rows each declared model holds about the requester."""
    subject = request_subject(request)
    volume = {}
    for declaration in registry.declarations():
        if not declaration.fields:
            continue
        count = subject_rows(declaration, subject).count()
        if count:
            volume[declaration.label] = count
    return volume


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def fee_quote_lines(request: DataRequest, volume: Mapping[str, int]) -> list[dict]:
    """Return the quote's lines for this request under its jurisdiction's rules."""
    jurisdiction = request.jurisdiction
    if request.kind == Kind.CORRECTION and jurisdiction.correction_fee_banned:
        return []
    if jurisdiction.access_fee == FeeRule.FREE and not request.manifestly_excessive_reason:
        return []
    schedule = FeeSchedule.objects.filter(jurisdiction=jurisdiction, kind=request.kind).first()
    if schedule is None:
        return []
    records = sum(volume.values())
    lines = [
        {"label": str(_("Locating, retrieving and redacting")), "amount": schedule.base_amount},
        {
            "label": str(_("Copies: %(records)s records") % {"records": f"{records:,}"}),
            "amount": _money(schedule.per_thousand_records * Decimal(records) / 1000),
        },
    ]
    if request.postal_address:
        lines.append({"label": str(_("Postage")), "amount": schedule.postage})
    lines = [line for line in lines if line["amount"] > 0]
    total = sum((line["amount"] for line in lines), Decimal(0))
    if jurisdiction.fee_cap is not None and total > jurisdiction.fee_cap:
        lines.append(
            {"label": str(_("Reduction to the legal cap")), "amount": jurisdiction.fee_cap - total}
        )
    return [{"label": line["label"], "amount": str(_money(line["amount"]))} for line in lines]


@transaction.atomic
def fee_assess(*, request_id: int, now: datetime) -> DataRequest:
    """Quote the fee from the request's real volume; a zero fee proceeds at once."""
    request = _locked(request_id, [Status.ASSESSING_FEE])
    lines = fee_quote_lines(request, request_volume(request))
    amount = sum((Decimal(line["amount"]) for line in lines), Decimal(0))
    FeeQuote.objects.update_or_create(
        request=request,
        defaults={
            "amount": amount,
            "currency": request.jurisdiction.currency,
            "lines": lines,
            "status": FeeQuote.Status.QUOTED if amount else FeeQuote.Status.NONE,
            "quoted_at": now,
        },
    )
    if amount:
        _record(
            request,
            status=Status.AWAITING_PAYMENT,
            actor=None,
            reason=_("fee quoted: %(amount)s %(currency)s")
            % {"amount": amount, "currency": request.jurisdiction.currency},
            now=now,
        )
        notify.fee_quoted(request)
        return request
    _proceed(request, reason=_("no fee"), actor=None, now=now)
    return request


def _proceed(request: DataRequest, *, reason, actor, now: datetime) -> None:
    _record(request, status=Status.IN_PROGRESS, actor=actor, reason=reason, now=now)
    if request.kind == Kind.CORRECTION:
        _record(
            request,
            status=Status.AWAITING_REVIEW,
            actor=None,
            reason=_("waiting for staff to review the corrections"),
            now=now,
        )
    elif request.kind == Kind.GUARDIAN_DELETION:
        from datarequests.tasks import minor_erase_task

        _after_commit(minor_erase_task, request.pk)
    else:
        _enqueue_fulfilment(request.pk)


@transaction.atomic
def fee_settle(*, request_id: int, actor, waived: bool, note: str, now: datetime) -> DataRequest:
    """Record a payment (with its reference) or a waiver (with its reason); work resumes."""
    if not note.strip():
        raise ValidationError(
            {
                "note": _("Give the reason for the waiver.")
                if waived
                else _("Give the payment reference.")
            }
        )
    request = _locked(request_id, [Status.AWAITING_PAYMENT])
    quote = request.fee_quote
    quote.status = FeeQuote.Status.WAIVED if waived else FeeQuote.Status.PAID
    quote.settled_at = now
    quote.settlement_note = note
    quote.save(update_fields=["status", "settled_at", "settlement_note"])
    reason = _("fee waived: %(note)s") if waived else _("fee paid: %(note)s")
    _proceed(request, reason=reason % {"note": note}, actor=actor, now=now)
    return request


def quotes_lapse(*, now: datetime) -> int:
    """Lapse every request whose quote went unpaid past its period; return how many.

    One query finds them, however many requests wait for payment; each lapse is then
    its own transition (event, notice).
    """
    expired = (
        DataRequest.objects.filter(status=Status.AWAITING_PAYMENT, fee_quote__isnull=False)
        .annotate(
            lapses_at=ExpressionWrapper(
                F("fee_quote__quoted_at")
                + F("jurisdiction__quote_valid_days") * Value(timedelta(days=1)),
                output_field=DateTimeField(),
            )
        )
        .filter(lapses_at__lte=now)
        .values_list("pk", flat=True)
    )
    lapsed = 0
    for request_id in list(expired):
        with transaction.atomic():
            try:
                request = _locked(request_id, [Status.AWAITING_PAYMENT])
            except AlreadyMoved:
                continue
            FeeQuote.objects.filter(request=request).update(status=FeeQuote.Status.LAPSED)
            _record(
                request,
                status=Status.LAPSED,
                actor=None,
                reason=_("the fee was not paid within %(days)s days")
                % {"days": request.jurisdiction.quote_valid_days},
                now=now,
            )
            notify.lapsed(request)
            lapsed += 1
    return lapsed


# -- fulfilment, review, refusal, withdrawal, extension -----------------------------------


def _quote_cancel(request: DataRequest) -> None:
    """An unpaid quote of a request that ends no longer stands (nor shows as outstanding)."""
    FeeQuote.objects.filter(request=request, status=FeeQuote.Status.QUOTED).update(
        status=FeeQuote.Status.CANCELLED
    )


@transaction.atomic
def access_fulfil(*, request_id: int, now: datetime) -> DataRequest:
    """Build the access export of an in-progress access request and mark it fulfilled."""
    from datarequests.exports import export_create

    request = _locked(request_id, [Status.IN_PROGRESS])
    if request.kind != Kind.ACCESS:
        raise AlreadyMoved(request)
    export_create(request=request, now=now)
    _record(request, status=Status.FULFILLED, actor=None, reason=_("export ready"), now=now)
    notify.fulfilled(request)
    return request


@transaction.atomic
def guardian_deletion_fulfil(*, request_id: int, now: datetime) -> DataRequest:
    """Erase the minor's data as every field declares, leave the tombstone, tell the guardian."""
    from datarequests.erasure import minor_erase

    request = _locked(request_id, [Status.IN_PROGRESS])
    if request.kind != Kind.GUARDIAN_DELETION:
        raise AlreadyMoved(request)
    minor_erase(request=request, now=now)
    _record(
        request, status=Status.FULFILLED, actor=None, reason=_("the minor's data erased"), now=now
    )
    notify.fulfilled(request)
    return request


@transaction.atomic
def correction_approve(*, request_id: int, actor, now: datetime) -> DataRequest:
    """Apply the reviewed corrections through the fields' own validation, then fulfil."""
    request = _locked(request_id, [Status.AWAITING_REVIEW])
    categories = correction_items_apply(request=request, actor=actor, now=now)
    recipients = recipients_to_notify(subject=request.requester, categories=categories, now=now)
    if recipients:
        # HK s.23(1)(c), GDPR Art.19: the corrected data goes on to whoever received it.
        _record(
            request,
            status=request.status,
            actor=actor,
            type=RequestEvent.Type.NOTE,
            now=now,
            reason=_("send the correction on to: %(recipients)s")
            % {"recipients": ", ".join(r.organisation for r in recipients)},
        )
    _record(request, status=Status.FULFILLED, actor=actor, reason=_("corrections applied"), now=now)
    notify.fulfilled(request)
    return request


@transaction.atomic
def data_request_refuse(
    *, request_id: int, actor, ground: str, explanation: str, now: datetime
) -> DataRequest:
    """Refuse with one of the jurisdiction's grounds and reasons the requester can read."""
    request = _locked(request_id, OPEN_STATUSES)
    if ground not in request.jurisdiction.refusal_grounds:
        raise ValidationError({"ground": GROUND_REQUIRED})
    if not explanation.strip():
        raise ValidationError({"explanation": REASON_REQUIRED})
    _quote_cancel(request)
    _record(request, status=Status.REFUSED, actor=actor, reason=f"{ground}: {explanation}", now=now)
    notify.refused(request, ground=ground, explanation=explanation)
    return request


@transaction.atomic
def data_request_withdraw(*, request_id: int, requester, now: datetime) -> DataRequest:
    """Withdraw the owner's request while it is not yet fulfilled."""
    request = _locked(request_id, OPEN_STATUSES)
    _quote_cancel(request)
    _record(
        request,
        status=Status.WITHDRAWN,
        actor=requester,
        reason=_("withdrawn by the requester"),
        now=now,
    )
    return request


@transaction.atomic
def deadline_extend(*, request_id: int, actor, reason: str, now: datetime) -> DataRequest:
    """Extend the deadline once, where the law allows it, with the reasons given."""
    request = _locked(request_id, OPEN_STATUSES)
    if not request.jurisdiction.extension_amount:
        raise ValidationError(NO_EXTENSION)
    if request.events.filter(type=RequestEvent.Type.EXTENDED).exists():
        raise ValidationError(ALREADY_EXTENDED)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    _record(
        request,
        status=request.status,
        actor=actor,
        reason=reason,
        now=now,
        type=RequestEvent.Type.EXTENDED,
    )
    notify.extended(request, reason=reason)
    return request


# -- the clock at work --------------------------------------------------------------------

STUCK_AFTER = timedelta(minutes=15)
# Re-sent per sweep at most, oldest first: a backlog that workers are still working through
# must not be flooded with duplicates.
REQUEUE_LIMIT = 500
DUE_SOON = timedelta(days=3)


def requests_sweep(*, now: datetime) -> dict[str, int]:
    """Advance what is due and recover work a lost broker message left behind.

    A handful of set-based queries however many requests are open: lapse
    unpaid quotes, re-enqueue assessments and exports that have not moved for
    15 minutes, and count what is due soon or overdue.
    """
    from django.db.models import Max

    from datarequests.tasks import export_build_task, fee_assess_task, minor_erase_task

    lapsed = quotes_lapse(now=now)

    def quiet(**conditions):
        return list(
            DataRequest.objects.filter(**conditions)
            .annotate(last_event=Max("events__at"))
            .filter(last_event__lt=now - STUCK_AFTER)
            .order_by("last_event")
            .values_list("pk", flat=True)[:REQUEUE_LIMIT]
        )

    stuck_fees = quiet(status=Status.ASSESSING_FEE)
    stuck_exports = quiet(status=Status.IN_PROGRESS, kind=Kind.ACCESS)
    stuck_erasures = quiet(status=Status.IN_PROGRESS, kind=Kind.GUARDIAN_DELETION)
    for request_id in stuck_fees:
        fee_assess_task.delay(request_id)
    for request_id in stuck_exports:
        export_build_task.delay(request_id)
    for request_id in stuck_erasures:
        minor_erase_task.delay(request_id)
    open_requests = DataRequest.objects.filter(status__in=OPEN_STATUSES)
    return {
        "lapsed": lapsed,
        "requeued": len(stuck_fees) + len(stuck_exports) + len(stuck_erasures),
        "due_soon": open_requests.filter(due_at__gte=now, due_at__lt=now + DUE_SOON).count(),
        "overdue": open_requests.filter(due_at__lt=now).count(),
    }


def paused_clocks_refresh(*, now: datetime) -> int:
    """Recompute the due date of requests whose clock is stopped: each day paused moves it."""
    refreshed = 0
    paused = DataRequest.objects.filter(
        status__in=[Status.AWAITING_IDENTITY, Status.AWAITING_PAYMENT]
    ).select_related("jurisdiction")
    for request in paused.iterator(chunk_size=500):
        due = request_due_at(request, now=now)
        if due != request.due_at:
            DataRequest.objects.filter(pk=request.pk).update(due_at=due)
            refreshed += 1
    return refreshed


def staff_reminder_send(*, now: datetime) -> int:
    """Email staff the open requests due within 3 days and those overdue; return how many."""
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

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
