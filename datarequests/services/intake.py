"""Taking in a request, from any channel."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from datarequests.corrections import correction_items_build
from datarequests.models import Channel, DataRequest, Jurisdiction, Kind, Status
from datarequests.reasons import coded, reason_text
from datarequests.rules import rules_snapshot
from datarequests.selectors import open_duplicate_of
from datarequests.services.notices import receipt_confirm
from datarequests.services.transitions import _record
from privacy_office.queue import enqueue_on_commit
from privacy_office.registry import Category

if TYPE_CHECKING:
    from accounts.models import User

FEE_ASSESS_TASK = "datarequests.tasks.fee_assess_task"

UNKNOWN_JURISDICTION = _("Unknown jurisdiction %(code)s; choose one of %(known)s.")
NO_MINOR = _("Name the minor's account: their user name or email address.")
NO_CORRECTIONS = _("A correction request must name at least one correction.")
CORRECTIONS_ONLY_FOR_CORRECTION = _("Corrections are only for a correction request.")
NO_ERASURE_RIGHT = _(
    "%(law)s gives no right to have your personal data erased, so this request cannot be "
    "taken as an erasure request. Under the marketplace's own policy you may still correct "
    "your data, withdraw your marketing choices at any time, and a parent or guardian may "
    "have a minor's data deleted (policy F)."
)
ERASURE_NEEDS_ACCOUNT = _("Name the account whose data is to be erased.")
CATEGORIES_ONLY_FOR_ERASURE = _("Categories are only for an erasure request.")
AGENT_JURISDICTIONS = {"US-CA"}
AGENT_NOT_HERE = _(
    "Only California's law (CCPA regulations §7063) provides for a request made by an "
    "authorized agent; under %(law)s the person asks for themselves."
)
AGENT_NEEDS_PERMISSION = _(
    "Attach the person's signed permission for you to act for them (PDF, JPEG or PNG)."
)
AGENT_NEEDS_PERSON = _("Name the person you act for: their user name or email address.")
UNKNOWN_CATEGORY = _("Unknown category %(category)s; choose among %(known)s.")


def erasure_categories_check(*, kind: str, categories: Iterable[str]) -> list[str]:
    """Return the categories of a partial erasure, checked; empty means all data."""
    chosen = sorted(set(categories))
    if chosen and kind != Kind.ERASURE:
        raise ValidationError({"categories": CATEGORIES_ONLY_FOR_ERASURE})
    for category in chosen:
        if category not in Category.values:
            raise ValidationError(
                {
                    "categories": UNKNOWN_CATEGORY
                    % {"category": category, "known": ", ".join(Category.values)}
                }
            )
    return chosen


@dataclass(frozen=True)
class Requester:
    """Who asks: a signed-in user, or a person known only by name and contact details."""

    user: User | None = None
    name: str = ""
    email: str = ""
    phone: str = ""
    postal_address: str = ""


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
    entered_by: User | None = None,
    identity_checked: str = "",
    categories: Iterable[str] = (),
    agent: User | None = None,
    agent_permission=None,
    now: datetime,
) -> DataRequest:
    """Take in a request from any channel.

    A signed-in requester's identity is verified by the session, so the fee is
    assessed at once; a letter or a person without an account waits for staff
    to check identity, unless ``identity_checked`` says how it was proven already
    (a one-time code sent to the address a person without an account gave).
    ``received_at`` is the envelope's stamp for letters.
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
    if agent is not None:
        _agent_check(jurisdiction, requester, agent_permission)
    erasure_categories = erasure_categories_check(kind=kind, categories=categories)
    if kind == Kind.ERASURE:
        if not jurisdiction.erasure_right:
            # HK, SG: no such right; the refusal says so at the door, with what is offered.
            raise ValidationError({"kind": NO_ERASURE_RIGHT % {"law": jurisdiction.law_text}})
        if user is None and agent is None:
            raise ValidationError({"requester": ERASURE_NEEDS_ACCOUNT})
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
        erasure_categories=erasure_categories,
        agent=agent,
    )
    if letter_scan is not None:
        request.letter_scan = letter_scan
    if guardianship_document is not None:
        request.guardianship_document = guardianship_document
    request.rules = rules_snapshot(jurisdiction, kind)
    request.rules_version = jurisdiction.rules_version
    if agent_permission is not None:
        request.agent_permission = agent_permission
    request.full_clean()
    request.save()
    # Flagged for staff, never merged: each request is answered, and the flag blocks nothing.
    duplicate = open_duplicate_of(request)
    if duplicate is not None:
        request.duplicate_of = duplicate
        request.save(update_fields=["duplicate_of"])
    correction_items_build(request=request, user=user, corrections=corrections)
    _record(
        request,
        status=Status.RECEIVED,
        actor=entered_by or user,  # a letter's event names the staff member who entered it
        reason=coded("received", channel=request.channel),
        now=request.received_at,
    )
    receipt_confirm(request, actor=None, now=now)
    # A guardian always waits: staff check both who they are and that they are the guardian.
    # An agent's request too: the person's identity is verified with them directly (§7063).
    signed_in = (
        user is not None
        and agent is None
        and channel != Channel.LETTER
        and kind != Kind.GUARDIAN_DELETION
    )
    if signed_in:
        _record(
            request,
            status=Status.ASSESSING_FEE,
            actor=user,
            reason=coded("identity_by_session"),
            now=now,
        )
        enqueue_on_commit(FEE_ASSESS_TASK, request.pk)
    elif identity_checked and user is None and kind == Kind.ACCESS:
        with translation.override(settings.LANGUAGE_CODE):  # staff's field, in the site's
            request.identity_method = reason_text(code=identity_checked, params={}, typed="")
        request.save(update_fields=["identity_method"])
        reason = coded(identity_checked)
        _record(request, status=Status.ASSESSING_FEE, actor=None, reason=reason, now=now)
        enqueue_on_commit(FEE_ASSESS_TASK, request.pk)
    else:
        _record(
            request,
            status=Status.AWAITING_IDENTITY,
            actor=None,
            reason=coded("identity_awaited_agent" if agent is not None else "identity_awaited"),
            now=now,
        )
    return request


def _agent_check(jurisdiction: Jurisdiction, requester: Requester, permission) -> None:
    if jurisdiction.code not in AGENT_JURISDICTIONS:
        raise ValidationError({"on_behalf_of": AGENT_NOT_HERE % {"law": jurisdiction.law_text}})
    if requester.user is None and not requester.name.strip():
        raise ValidationError({"on_behalf_of": AGENT_NEEDS_PERSON})
    if permission is None:
        raise ValidationError({"agent_permission": AGENT_NEEDS_PERMISSION})
