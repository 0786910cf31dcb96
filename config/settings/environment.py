"""Typed readers for environment variables, so every setting is parsed the same way."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

# The development values committed in the local settings: known to anyone who reads the
# repository, so production refuses each of them.
DEVELOPMENT_SECRET_KEY = "django-insecure-local-development-only-key"  # noqa: S105
DEVELOPMENT_FIELD_ENCRYPTION_KEY = "bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXk="
DEVELOPMENT_BLIND_INDEX_KEY = "local-development-only-blind-index-key"
DEVELOPMENT_SECRETS = frozenset(
    {DEVELOPMENT_SECRET_KEY, DEVELOPMENT_FIELD_ENCRYPTION_KEY, DEVELOPMENT_BLIND_INDEX_KEY}
)


def secret_check(name: str, value: str, *, min_length: int, min_distinct: int = 10) -> None:
    """Refuse a development value, or one too short or too repetitive to be random."""
    if value in DEVELOPMENT_SECRETS or "development-only" in value:
        raise ImproperlyConfigured(
            f"{name} holds the development value committed in the repository; "
            "production needs a secret of its own."
        )
    if len(value) < min_length or len(set(value)) < min_distinct:
        raise ImproperlyConfigured(
            f"{name} is too weak for production: use {min_length} or more random characters."
        )


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or default


def env_required(name: str, why: str) -> str:
    value = env_str(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set in production: {why}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = env_str(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error
