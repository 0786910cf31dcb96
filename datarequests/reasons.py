"""The product's own stored texts, as codes with parameters, put into words when read.

A request's events and fee lines are written once and read for years, by requesters and
staff in either language. So they are stored as a code from ``REASONS`` (or
``FEE_LINES``) with named parameters, and each page, email, letter and API response
renders them in its reader's language. Words a person typed (a refusal's explanation, a
waiver's reason) travel as a parameter and are shown as typed, inside the translated
sentence. Parameters that are themselves codes (a channel, a dispatch method, what was
asked, a refusal ground) or amounts and days are rendered for the reader too.

A code this version does not know (written by a newer one) is shown as the code with its
parameters, never an error. Rows from before the codes keep their stored text, translated
where it is exactly one of the product's messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext, gettext_noop

REASONS: dict[str, str] = {
    # Intake
    "received": "%(channel)s",
    "identity_by_session": gettext_noop("identity verified by the signed-in session"),
    "identity_by_code": gettext_noop(
        "identity verified by a one-time code sent to the email address"
    ),
    "identity_by_sms_code": gettext_noop(
        "identity verified by a one-time code texted to the phone number"
    ),
    "identity_awaited": gettext_noop("waiting for staff to check the requester's identity"),
    "identity_awaited_agent": gettext_noop(
        "waiting for staff to verify the person's identity with them directly and the "
        "agent's signed permission"
    ),
    "receipt_confirmed": gettext_noop("confirmation of receipt sent"),
    "answer_arrived": gettext_noop("the requester's answer arrived: %(what)s"),
    # Fees
    "no_fee": gettext_noop("no fee"),
    "fee_quoted": gettext_noop("fee quoted: %(amount)s %(currency)s"),
    "fee_quoted_revised": gettext_noop("fee quoted: %(amount)s %(currency)s (%(note)s)"),
    "estimate_sent": gettext_noop(
        "written fee estimate sent for acceptance: %(amount)s %(currency)s"
    ),
    "estimate_sent_revised": gettext_noop(
        "written fee estimate sent for acceptance: %(amount)s %(currency)s (%(note)s)"
    ),
    "estimate_accepted": gettext_noop(
        "the requester accepted the fee estimate of %(amount)s %(currency)s"
    ),
    "estimate_declined": gettext_noop("the requester declined the fee estimate"),
    "fee_lowered": gettext_noop("fee lowered to %(amount)s %(currency)s: %(note)s"),
    "fee_waived": gettext_noop("fee waived: %(note)s"),
    "fee_paid": gettext_noop("fee paid: %(note)s"),
    "fee_paid_reference": gettext_noop(
        "fee paid: %(amount)s %(currency)s, reference %(reference)s"
    ),
    "fee_lapsed": gettext_noop("the fee was not paid within %(days)s days"),
    "reassessed_excessive": gettext_noop(
        "the fee is assessed again: the request was marked excessive"
    ),
    "marked_excessive": gettext_noop("marked manifestly unfounded or excessive: %(note)s"),
    # Review and fulfilment
    "review_corrections": gettext_noop("waiting for staff to review the corrections"),
    "review_erasure": gettext_noop("waiting for a privacy officer to approve the erasure"),
    "erasure_approved": gettext_noop("erasure approved"),
    "erasure_approved_over_age": gettext_noop(
        "erasure approved, overriding the account's record of age: %(note)s"
    ),
    "minor_erased": gettext_noop("the minor's data erased"),
    "data_erased": gettext_noop("data erased"),
    "data_erased_kept": gettext_noop(
        "data erased, except what the law requires us to keep (listed in the reply)"
    ),
    "corrections_applied": gettext_noop("corrections applied"),
    "correction_send_on": gettext_noop("send the correction on to: %(recipients)s"),
    "export_ready": gettext_noop("export ready"),
    "ready_to_post": gettext_noop("reply ready to print and post"),
    "posted": gettext_noop("reply posted on %(day)s (%(method)s)"),
    "posted_tracked": gettext_noop("reply posted on %(day)s (%(method)s), tracking %(tracking)s"),
    # Ending
    "refused": gettext_noop("%(ground)s: %(explanation)s"),
    "withdrawn": gettext_noop("withdrawn by the requester"),
}

FEE_LINES: dict[str, str] = {
    "handling": gettext_noop("Locating, retrieving and redacting"),
    "copies": gettext_noop("Copies: %(records)s records"),
    "postage": gettext_noop("Postage"),
    "cap_reduction": gettext_noop("Reduction to the legal cap"),
    "revision": "%(note)s",  # the reason staff typed for the change, as typed
}

UNKNOWN = gettext_noop("%(code)s (%(params)s)")

# The names a requester reads of each jurisdiction the product knows (seed.py installs them);
# one a privacy officer changed in the admin, or a jurisdiction added there, shows as typed.
JURISDICTIONS: dict[str, dict[str, str]] = {
    "HK": {"name": gettext_noop("Hong Kong"), "law": gettext_noop("PDPO Cap. 486")},
    "EU": {"name": gettext_noop("European Union"), "law": gettext_noop("GDPR")},
    "UK": {"name": gettext_noop("United Kingdom"), "law": gettext_noop("UK GDPR and DPA 2018")},
    "CN": {"name": gettext_noop("Mainland China"), "law": gettext_noop("PIPL Arts. 44-50")},
    "US-CA": {"name": gettext_noop("California"), "law": gettext_noop("CCPA/CPRA")},
    "SG": {"name": gettext_noop("Singapore"), "law": gettext_noop("PDPA 2012")},
}


def _money(value: object) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


def _count(value: object) -> str:
    try:
        return formats.number_format(int(str(value)), use_l10n=True, force_grouping=True)
    except ValueError:
        return str(value)


def _day(value: object) -> str:
    try:
        return formats.date_format(date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value)


def choice_label(choices: type) -> Callable[[object], str]:
    """Return a renderer of a parameter that is a value of these choices (TextChoices)."""

    def label(value: object) -> str:
        return str(dict(choices.choices).get(value, value))  # type: ignore[attr-defined]

    return label


def _ground(value: object) -> str:
    # The seeded grounds are in the catalogue (see seed.py); one a privacy officer typed in
    # the admin comes back as typed.
    return gettext(str(value))


# A parameter is rendered by its name, whichever message it is in; the rest as stored.
PARAMETERS: dict[str, Callable[[object], str]] = {
    "amount": _money,
    "records": _count,
    "days": _count,
    "day": _day,
    "ground": _ground,
    # and "channel", "method", "what": the models' choices, added where they are defined
}


def message_render(messages: Mapping[str, str], code: str, params: Mapping | None) -> str:
    """Return the message of a code, with its parameters, in the active language."""
    params = dict(params or {})
    rendered = {
        name: PARAMETERS[name](value) if name in PARAMETERS else str(value)
        for name, value in params.items()
    }
    msgid = messages.get(code)
    if msgid is not None:
        try:
            return gettext(msgid) % rendered if "%(" in msgid or rendered else gettext(msgid)
        except (KeyError, ValueError, TypeError):
            pass  # a row with parameters another version wrote: shown as its parts
    if not rendered:
        return code
    listed = ", ".join(f"{name}: {value}" for name, value in sorted(rendered.items()))
    return gettext(UNKNOWN) % {"code": code, "params": listed}


def jurisdiction_text(code: str, field: str, stored: str) -> str:
    """Return a jurisdiction's name or law in the active language, if it is as seeded."""
    seeded = JURISDICTIONS.get(code, {}).get(field)
    return gettext(seeded) if seeded is not None and seeded == stored else stored


def reason_text(*, code: str, params: Mapping | None, typed: str) -> str:
    """Return an event's reason for the reader: the product's message in their language, or
    what a person typed (or a row from before the codes) as it was stored."""
    if not code:
        # Before the codes, the product's own messages were stored in English: those that are
        # exactly a message are still translated, anything else is shown as stored.
        return gettext(typed) if typed else ""
    return message_render(REASONS, code, params)


def fee_line_label(line: Mapping) -> str:
    """Return a fee line's label in the active language (a line from before the codes: its
    stored label, translated where it is exactly one of the product's)."""
    code = line.get("code")
    if not code:
        label = str(line.get("label", ""))
        return gettext(label) if label else ""
    return message_render(FEE_LINES, code, line.get("params"))


def coded(code: str, **params: object) -> tuple[str, dict]:
    """Return a stored reason: the code and its parameters as JSON can hold them."""
    if code not in REASONS:
        raise ValueError(f"unknown reason code {code!r}")
    return code, {name: _stored(value) for name, value in params.items()}


def _stored(value: object) -> str | int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def fee_line(code: str, amount: Decimal | str, **params: object) -> dict:
    """Return a stored fee line: its code, parameters and amount (text, two decimals)."""
    if code not in FEE_LINES:
        raise ValueError(f"unknown fee line code {code!r}")
    return {
        "code": code,
        "params": {name: _stored(value) for name, value in params.items()},
        "amount": str(amount),
    }
