"""Requests from people with no account (trade-fair leads, A.5): identity by a one-time
code mailed to the address, or texted to the phone number, they give; then the request goes
on like any other.

The answer never tells whether the address or number is known: a code is sent to any
(owning it is what is proven; the export then holds whatever is held about it), and over
the per-address or per-number limit nothing is sent but the answer is the same. The code is
kept only as a keyed hash, expires after ``CODE_MINUTES``, and dies after ``MAX_ATTEMPTS``
wrong tries. Neither the code nor the full number is ever logged.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datarequests.models import Channel, DataRequest, EmailCodeChallenge, Jurisdiction, Kind
from datarequests.services.intake import UNKNOWN_JURISDICTION, Requester, data_request_submit
from privacy_office.phones import phone_e164
from privacy_office.ratelimit import seconds_to_wait

logger = logging.getLogger("datarequests")

CODE_MINUTES = 15
MAX_ATTEMPTS = 5
EMAIL_SCOPE = "public_request_email"
PHONE_SCOPE = "public_request_phone"

WRONG_CODE = gettext_lazy("That code is not right. Check the email and try again.")
WRONG_TEXTED_CODE = gettext_lazy("That code is not right. Check the text message and try again.")
CODE_EXPIRED = gettext_lazy(
    "This code has expired or was tried too many times. Ask for a new code."
)
NO_EMAIL = gettext_lazy("Give the email address the request is about.")
NO_PHONE = gettext_lazy("Give the phone number the request is about.")


def _code_hash(challenge_salt: str, code: str) -> str:
    return salted_hmac("datarequests.email_code", f"{challenge_salt}:{code}").hexdigest()


def _address_key(email: str) -> str:
    return "email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _number_key(phone: str) -> str:
    return "phone:" + hashlib.sha256(phone.encode()).hexdigest()[:32]


def _challenge_hold(
    *,
    email: str = "",
    phone: str = "",
    name: str,
    jurisdiction_code: str,
    details: str,
    language: str,
    now: datetime,
) -> tuple[EmailCodeChallenge, str]:
    """Keep the request with the hash of a new code; return it and the code."""
    jurisdiction = Jurisdiction.objects.filter(code=jurisdiction_code).first()
    if jurisdiction is None:
        known = ", ".join(Jurisdiction.objects.values_list("code", flat=True))
        raise ValidationError(
            {"jurisdiction": UNKNOWN_JURISDICTION % {"code": jurisdiction_code, "known": known}}
        )
    code = f"{secrets.randbelow(10**6):06d}"
    challenge = EmailCodeChallenge(
        email=email,
        phone=phone,
        name=name.strip()[:200],
        kind=Kind.ACCESS,
        jurisdiction=jurisdiction,
        details=details,
        language=language,
        code_hash="",
        created_at=now,
        expires_at=now + timedelta(minutes=CODE_MINUTES),
    )
    challenge.full_clean(exclude=["code_hash"])
    challenge.save()
    challenge.code_hash = _code_hash(str(challenge.pk), code)
    challenge.save(update_fields=["code_hash"])
    return challenge, code


def _spent(challenge: EmailCodeChallenge) -> EmailCodeChallenge:
    """Over the limit no code is sent, and none may be tried: a code nobody received could
    otherwise be guessed, five tries a challenge, as often as challenges can be made."""
    challenge.attempts = MAX_ATTEMPTS
    challenge.save(update_fields=["attempts"])
    return challenge


@transaction.atomic
def email_code_send(
    *,
    email: str,
    name: str = "",
    jurisdiction_code: str,
    details: str = "",
    language: str = "en",
    now: datetime,
) -> EmailCodeChallenge:
    """Hold a request from a person with no account and mail a one-time code to ``email``."""
    email = (email or "").strip()
    if not email:
        raise ValidationError({"email": NO_EMAIL})
    challenge, code = _challenge_hold(
        email=email,
        name=name,
        jurisdiction_code=jurisdiction_code,
        details=details,
        language=language,
        now=now,
    )
    if seconds_to_wait(EMAIL_SCOPE, _address_key(email)):
        return _spent(challenge)  # the same answer; this inbox had enough codes for the hour
    with translation.override(language):
        message = (
            _("Your code for your personal data request"),
            _(
                "Someone asked, with this email address, for a copy of the personal data we "
                "hold about it. To confirm it was you, type this code on the page within "
                "%(minutes)s minutes:\n\n%(code)s\n\n"
                "If it was not you, ignore this message: nothing will be sent."
            )
            % {"minutes": CODE_MINUTES, "code": code},
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )

    def deliver() -> None:
        try:
            send_mail(*message)
        except (OSError, smtplib.SMTPException):
            logger.warning("Could not email the code of challenge %s", challenge.pk)

    transaction.on_commit(deliver)
    return challenge


@transaction.atomic
def phone_code_send(
    *,
    phone: str,
    name: str = "",
    jurisdiction_code: str,
    details: str = "",
    language: str = "en",
    now: datetime,
) -> EmailCodeChallenge:
    """Hold a request from a person with no account and text a one-time code to ``phone``
    (any form with a country code; kept as E.164)."""
    if not (phone or "").strip():
        raise ValidationError({"phone": NO_PHONE})
    try:
        phone = phone_e164(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    challenge, code = _challenge_hold(
        phone=phone,
        name=name,
        jurisdiction_code=jurisdiction_code,
        details=details,
        language=language,
        now=now,
    )
    if seconds_to_wait(PHONE_SCOPE, _number_key(phone)):
        return _spent(challenge)  # the same answer; this number had enough codes for the hour
    with translation.override(language):
        text = _(
            "Your code for your personal data request: %(code)s. It works for %(minutes)s "
            "minutes. If you did not ask, ignore this message."
        ) % {"code": code, "minutes": CODE_MINUTES}

    def deliver() -> None:
        from sms import send_sms

        try:
            send_sms(text, settings.DEFAULT_FROM_SMS, [phone])
        except Exception:  # any gateway's error: the page has answered already
            logger.warning("Could not text the code of challenge %s", challenge.pk)

    transaction.on_commit(deliver)
    return challenge


def email_code_verify(*, challenge_id: int, code: str, now: datetime) -> DataRequest:
    """Check the code typed for a held request; when right, submit the request (its identity
    proven) and return it. A wrong code counts against ``MAX_ATTEMPTS``."""
    with transaction.atomic():
        challenge = (
            EmailCodeChallenge.objects.select_for_update()
            .select_related("jurisdiction")
            .filter(pk=challenge_id)
            .first()
        )
        if (
            challenge is None
            or challenge.request_id is not None
            or challenge.expires_at <= now
            or challenge.attempts >= MAX_ATTEMPTS
        ):
            raise ValidationError({"code": CODE_EXPIRED})
        typed = "".join((code or "").split())
        if not constant_time_compare(_code_hash(str(challenge.pk), typed), challenge.code_hash):
            challenge.attempts += 1
            challenge.save(update_fields=["attempts"])
            wrong = True
        else:
            wrong = False
            request = data_request_submit(
                requester=Requester(
                    name=challenge.name, email=challenge.email, phone=challenge.phone
                ),
                kind=challenge.kind,
                jurisdiction_code=challenge.jurisdiction.code,
                channel=Channel.PUBLIC_FORM,
                details=challenge.details,
                language=challenge.language,
                # codes of datarequests.reasons
                identity_checked="identity_by_sms_code" if challenge.phone else "identity_by_code",
                now=now,
            )
            challenge.request = request
            challenge.save(update_fields=["request"])
    if wrong:  # raised outside the block, so the counted attempt is kept
        raise ValidationError({"code": WRONG_TEXTED_CODE if challenge.phone else WRONG_CODE})
    return request


def export_by_link(*, token: str, now: datetime):
    """Return the export a mailed or texted link names while it may be downloaded, or None (a link
    not made here, for a request with an account, an older build, or expired)."""
    from datarequests.exports import export_is_downloadable
    from datarequests.links import export_link_read
    from datarequests.models import Export

    named = export_link_read(token)
    if named is None:
        return None
    request_id, export_id = named
    export = (
        Export.objects.select_related("request")
        .filter(pk=export_id, request_id=request_id, request__requester__isnull=True)
        .exclude(request__channel=Channel.LETTER)
        .first()
    )
    if export is None or not export_is_downloadable(export, now=now):
        return None
    return export


def message_by_link(*, token: str):
    """Return the text message a texted link names (to a requester without an account), or
    None (a link not made here, or expired)."""
    from datarequests.links import message_link_read
    from datarequests.models import MessageChannel, SentMessage

    message_id = message_link_read(token)
    if message_id is None:
        return None
    return (
        SentMessage.objects.select_related("request")
        .filter(pk=message_id, channel=MessageChannel.SMS, request__requester__isnull=True)
        .first()
    )
