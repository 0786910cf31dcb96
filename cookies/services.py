"""Verbs for cookies: record a decision (append-only proof), link a visitor, note strays."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from cookies.models import ConsentRecord, Method, SaleOptOut, UndeclaredCookie, VisitorLink
from cookies.selectors import (
    AD_CATEGORIES,
    consent_current,
    consent_forget_user,
    consent_remember,
    declarations_version,
    optional_category_codes,
    sale_opt_out_forget,
)
from policies.selectors import current_policy_version
from privacy_office.policy import CURRENT_POLICY_VERSION

UNKNOWN_CATEGORY = _("Unknown cookie categories: %(names)s. Use %(known)s.")
NOT_A_CHOICE = _("Each choice must be true or false.")


def truncate_ip(address: str | None) -> str:
    """Return the address with its host part removed (IPv4 /24, IPv6 /48)."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def hash_user_agent(user_agent: str) -> str:
    """Return a keyed hash of the browser's user agent: the same browser gives the same value
    (proof that two choices came from one browser), but a list of common user agents cannot
    be hashed to find which one it was without the key."""
    if not user_agent:
        return ""
    key = str(settings.FIELD_BLIND_INDEX_KEY).encode()
    return hmac.new(key, b"consent user agent\0" + user_agent.encode(), hashlib.sha256).hexdigest()


def clean_choices(choices: Mapping) -> dict[str, bool]:
    """Return a choice for every optional category, False where none was given."""
    known = optional_category_codes()
    if not isinstance(choices, Mapping):
        raise ValidationError({"choices": NOT_A_CHOICE})
    unknown = sorted(set(choices) - set(known) - {"necessary"})
    if unknown:
        raise ValidationError(
            {"choices": UNKNOWN_CATEGORY % {"names": ", ".join(unknown), "known": ", ".join(known)}}
        )
    if not all(isinstance(value, bool) for value in choices.values()):
        raise ValidationError({"choices": NOT_A_CHOICE})
    return {"necessary": True, **{code: bool(choices.get(code, False)) for code in known}}


@transaction.atomic
def consent_record(
    *,
    visitor_id: str,
    user,
    choices: Mapping,
    method: str,
    gpc: bool,
    ip: str | None,
    user_agent: str,
    now: datetime,
) -> ConsentRecord:
    """Record one decision as proof and make it the visitor's current consent."""
    record = ConsentRecord(
        visitor_id=visitor_id,
        user=user if user is not None and user.is_authenticated else None,
        choices=clean_choices(choices),
        declarations_version=declarations_version(),
        policy_version=current_policy_version() or CURRENT_POLICY_VERSION,
        method=method,
        gpc=gpc,
        created_at=now,
        ip_truncated=truncate_ip(ip),
        user_agent_hash=hash_user_agent(user_agent),
    )
    record.full_clean()
    record.save()
    user_id = record.user_id
    # Choosing ad targeting or partner tracking again is the opt-in CCPA §1798.120 allows.
    opts_in = method not in (Method.GPC, Method.OPT_OUT_SALE) and any(
        record.choices.get(code) for code in AD_CATEGORIES
    )
    if user_id is not None and opts_in and SaleOptOut.objects.filter(user_id=user_id).delete()[0]:
        transaction.on_commit(lambda: sale_opt_out_forget(user_id))
    transaction.on_commit(lambda: consent_remember(record))
    return record


def visitor_link(*, visitor_id: str, user, now: datetime) -> None:
    """Link this browser's visitor id to the user who signed in on it, as of now.

    The anonymous decisions made on it until now become the user's; later ones on the
    same browser (someone else, after sign-out) do not.
    """
    VisitorLink.objects.update_or_create(
        visitor_id=visitor_id, user=user, defaults={"linked_at": now}
    )
    consent_forget_user(user)


def undeclared_cookie_note(*, name: str, path: str, now: datetime) -> None:
    """Count a cookie set without a declaration (at most one write per name a minute)."""
    if not cache.add(f"cookies:undeclared:{name}", 1, 60):
        return
    updated = UndeclaredCookie.objects.filter(name=name).update(
        last_seen=now, times_seen=F("times_seen") + 1
    )
    if not updated:
        UndeclaredCookie.objects.get_or_create(
            name=name[:100],
            defaults={"example_path": path[:300], "first_seen": now, "last_seen": now},
        )


def sale_opt_out(
    *, visitor_id: str, user, source: str, gpc: bool, ip, user_agent, now: datetime
) -> ConsentRecord:
    """Opt out of the sale and sharing of personal information (CCPA): the ad-targeting and
    partner-tracking categories refused, recorded as a consent decision; for a signed-in
    user, remembered on the account (once)."""
    current = consent_current(visitor_id=visitor_id, user=user)
    choices = {code: bool(current and current.allows(code)) for code in optional_category_codes()}
    record = consent_record(
        visitor_id=visitor_id,
        user=user,
        choices={**choices, **dict.fromkeys(AD_CATEGORIES, False)},
        method=Method.GPC if source == SaleOptOut.Source.GPC else Method.OPT_OUT_SALE,
        gpc=gpc,
        ip=ip,
        user_agent=user_agent,
        now=now,
    )
    if user is not None and user.is_authenticated:
        SaleOptOut.objects.get_or_create(
            user=user, defaults={"source": source, "opted_out_at": now}
        )
        user_id = user.pk
        transaction.on_commit(lambda: sale_opt_out_forget(user_id))
    return record
