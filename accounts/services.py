"""Verbs for accounts: registration, edits of registration information, marketing choices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pghistory
from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from accounts.forms import EDITABLE_FIELDS
from accounts.models import MarketingChannel, MarketingPreference, Membership, User
from accounts.selectors import marketing_audience


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
        user.save()
        Membership.objects.create(
            user=user, level=Membership.Level.FREE, started_on=timezone.localdate()
        )
        marketing_preferences_set(user=user, choices={MarketingChannel.EMAIL: marketing_email})
    return user


@transaction.atomic
def registration_update(*, user: User, actor: User, cleaned: Mapping[str, Any]) -> list[str]:
    """Apply validated changes of registration information; return the fields that changed.

    Each change is kept in the registration history, with who made it.
    """
    changed = [
        name for name in EDITABLE_FIELDS if name in cleaned and getattr(user, name) != cleaned[name]
    ]
    if not changed:
        return []
    for name in changed:
        setattr(user, name, cleaned[name])
    user.full_clean(exclude=["password"])
    with pghistory.context(actor=actor.pk, via="self-service" if actor == user else "staff"):
        user.save(update_fields=changed)
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
