"""Verbs for accounts: registration, edits of registration information, marketing choices."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    BankAccount,
    MarketingChannel,
    MarketingPreference,
    Membership,
    PaymentCard,
    User,
)
from accounts.selectors import marketing_audience
from accounts.validators import EDITABLE_FIELDS
from privacy_office import clock
from privacy_office.fields import blind_index, digits_only

JUST_TAKEN = _("This user name or email address was registered a moment ago; choose another.")


@transaction.atomic
def user_register(*, cleaned: Mapping[str, Any], marketing_email: bool = False) -> User:
    """Create a user from validated registration information, as a Free member."""
    user = User(username=cleaned["username"])
    for name in EDITABLE_FIELDS:
        if name in cleaned:
            setattr(user, name, cleaned[name])
    user.set_password(cleaned["password"])
    user.full_clean(exclude=["password"])
    with pghistory.context(via="registration"):
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as error:  # the same name or email registered a moment ago
            raise ValidationError(JUST_TAKEN) from error
        Membership.objects.create(user=user, level=Membership.Level.FREE, started_on=clock.today())
        marketing_preferences_set(user=user, choices={MarketingChannel.EMAIL: marketing_email})
    return user


@transaction.atomic
def registration_update(*, user: User, actor: User, cleaned: Mapping[str, Any]) -> list[str]:
    """Apply validated changes of registration information; return the fields that changed.

    Each change is kept in the registration history, with who made it.
    """
    # Compare with the stored row: a bound ModelForm has already changed ``user`` in memory.
    stored = User.objects.select_for_update().get(pk=user.pk)
    changed = [
        name
        for name in EDITABLE_FIELDS
        if name in cleaned and getattr(stored, name) != cleaned[name]
    ]
    if not changed:
        return []
    for name in changed:
        setattr(stored, name, cleaned[name])
    if "email" in changed:
        # A new address is unproven: nothing is matched to it (A.5) until it is verified.
        stored.email_verified_at = None
        changed.append("email_verified_at")
    stored.full_clean(exclude=["password"])
    via = "self-service" if actor == user else "staff"
    with pghistory.context(actor=getattr(actor, "pk", None), via=via):
        stored.save(update_fields=changed)
    return changed


@transaction.atomic
def marketing_preferences_set(*, user: User, choices: Mapping[str, bool]) -> None:
    """Record the user's marketing choice per channel; each change is kept with its time."""
    for channel, opted_in in choices.items():
        if channel not in MarketingChannel.values:
            raise ValueError(f"unknown marketing channel {channel!r}")
        preference, created = MarketingPreference.objects.get_or_create(
            user=user, channel=channel, defaults={"opted_in": bool(opted_in)}
        )
        if not created and preference.opted_in != bool(opted_in):
            preference.opted_in = bool(opted_in)
            preference.save(update_fields=["opted_in", "changed_at"])


def marketing_email_send(*, subject: str, body: str) -> int:
    """Email a marketing message to every user who accepts marketing email; return how many.

    The audience is read at send time, so an opt-out made a moment before is honoured.
    """
    recipients = marketing_audience(channel=MarketingChannel.EMAIL).values_list("email", flat=True)
    messages = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        for address in recipients.iterator(chunk_size=1000)
    ]
    return send_mass_mail(messages, fail_silently=False)


CARD_INVALID = _("This is not a valid card number.")
EXPIRY_INVALID = _("Give the expiry as MM/YY.")


def _luhn_valid(number: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


@transaction.atomic
def payment_card_add(*, user: User, holder_name: str, card_number: str, expiry: str) -> PaymentCard:
    """Store a card encrypted; refuse an invalid number or one already on the account."""
    number = digits_only(card_number)
    if not 12 <= len(number) <= 19 or not _luhn_valid(number):
        raise ValidationError({"card_number": CARD_INVALID})
    if not re.fullmatch(r"(0[1-9]|1[0-2])/\d\d", expiry.strip()):
        raise ValidationError({"expiry": EXPIRY_INVALID})
    card = PaymentCard(
        user=user,
        holder_name=holder_name,
        card_number=number,
        fingerprint=blind_index(number),
        expiry=expiry.strip(),
    )
    card.full_clean()
    card.save()
    return card


@transaction.atomic
def bank_account_add(
    *, user: User, bank_name: str, holder_name: str, account_number: str
) -> BankAccount:
    number = re.sub(r"[\s-]", "", account_number).upper()
    if not 6 <= len(number) <= 34 or not number.isalnum():
        raise ValidationError({"account_number": _("This is not a valid account number.")})
    account = BankAccount(
        user=user, bank_name=bank_name, holder_name=holder_name, account_number=number
    )
    account.full_clean()
    account.save()
    return account


def sign_in_records_purge(*, now: datetime) -> int:
    """Delete lockout and sign-in records older than their declared retention; return how many."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from privacy_office.registry import registry

    deleted = 0
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        days = max(field.retention_days or 0 for field in registry.declaration_of(model).fields)
        count, _ = model.objects.filter(attempt_time__lt=now - timedelta(days=days)).delete()
        deleted += count
    return deleted
