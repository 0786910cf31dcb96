"""Phone numbers as people type them, stored one way: E.164 (``+85291234567``)."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BAD_NUMBER = _(
    "Enter the phone number in international form, with its country code, "
    "for example +852 9123 4567."
)


def phone_e164(text: str) -> str:
    """Return the number in E.164, or raise ValidationError(``BAD_NUMBER``) when it is not a
    valid number with a country code."""
    try:
        number = phonenumbers.parse((text or "").strip(), None)
    except phonenumbers.NumberParseException:
        raise ValidationError(BAD_NUMBER, code="invalid_phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(BAD_NUMBER, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_digits(text: str) -> str:
    """Return the number as ``+`` and digits only, however it was grouped when typed."""
    text = (text or "").strip()
    digits = "".join(character for character in text if character.isdigit())
    return ("+" if text.startswith("+") else "") + digits


def phone_masked(e164: str) -> str:
    """Return the number with only its country code and last four digits: +852 •••• 4567."""
    try:
        country = phonenumbers.parse(e164, None).country_code
    except phonenumbers.NumberParseException:
        return "+•••• " + e164[-4:]
    return f"+{country} •••• {e164[-4:]}"
