"""Questions about policy versions: which governs, who still has to acknowledge it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS

from policies.models import PolicyAcknowledgement, PolicyVersion

if TYPE_CHECKING:
    from accounts.models import User

CURRENT_KEY = "policies:current"


def policy_current() -> PolicyVersion | None:
    """Return the version that governs now: the latest published one (cached)."""
    fields = [field.attname for field in PolicyVersion._meta.concrete_fields]
    current = cache.get(CURRENT_KEY)
    if current is None:
        version = PolicyVersion.objects.filter(published_at__isnull=False).first()
        # The cache holds plain values (JSON, privacy_office.cache), not the instance.
        current = {name: getattr(version, name) for name in fields} if version else "none"
        cache.set(CURRENT_KEY, current, 60 * 60)
    if current == "none":
        return None
    return PolicyVersion.from_db(DEFAULT_DB_ALIAS, fields, [current[name] for name in fields])


def policy_current_forget() -> None:
    cache.delete(CURRENT_KEY)


def current_policy_version() -> str:
    current = policy_current()
    return current.version if current else ""


def cookie_section_hash() -> str:
    current = policy_current()
    return current.cookie_section_hash if current else ""


def needs_acknowledgement(*, user: User) -> PolicyVersion | None:
    """Return the governing version if the signed-in user has not acknowledged it yet."""
    current = policy_current()
    if current is None or not user.is_authenticated:
        return None
    if current.published_at is None or current.published_at <= user.date_joined:
        return None  # they registered under it
    done = PolicyAcknowledgement.objects.filter(version=current, user=user).exists()
    return None if done else current


def published_versions():
    return PolicyVersion.objects.filter(published_at__isnull=False).order_by("-published_at")
