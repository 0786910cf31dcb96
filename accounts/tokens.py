"""API tokens of integration accounts (django-rest-knox): only a digest is stored, each token
ends after ``REST_KNOX["TOKEN_TTL"]``, and all of an account's tokens end when its password
changes or it becomes staff (staff sign in with two factors and hold no token)."""

from __future__ import annotations

from django.db import transaction
from knox.models import AuthToken

from privacy_office.second_factor import is_staff_account


@transaction.atomic
def api_token_issue(*, user) -> str:
    """Return a new token for a non-staff account; the token itself is stored nowhere."""
    if is_staff_account(user):
        raise ValueError("staff accounts get no API token")
    _instance, token = AuthToken.objects.create(user=user)
    return token


def api_tokens_end(*, user) -> int:
    """End every API token of the user; return how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted
