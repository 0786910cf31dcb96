"""Verbs for cookies: record a decision (append-only proof), link a visitor, note strays."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from cookies.models import ConsentRecord, Method, SaleOptOut, UndeclaredCookie, VisitorLink
from cookies.selectors import (
    AD_CATEGORIES,
    consent_current,
    consent_forget_user,
    consent_forget_visitors,
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
    user_id = record.user_id
    # A visitor's decision is one INSERT, whole by itself: no BEGIN and COMMIT around it
    # (two round trips of the three). A user's may lift their sale opt-out with it.
    with transaction.atomic() if user_id is not None else contextlib.nullcontext():
        record.save()
        # Choosing ad targeting or partner tracking again is the opt-in CCPA §1798.120 allows.
        opts_in = method not in (Method.GPC, Method.OPT_OUT_SALE) and any(
            record.choices.get(code) for code in AD_CATEGORIES
        )
        if (
            user_id is not None
            and opts_in
            and SaleOptOut.objects.filter(user_id=user_id).delete()[0]
        ):
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


# The fields of one decision seen by an edge worker or in a CDN log (README, Operations).
IMPORT_FIELDS = {
    "event_id",
    "visitor_id",
    "choices",
    "at",
    "declarations_version",
    "gpc",
    "ip",
    "user_agent",
}
IMPORT_REQUIRED = ("event_id", "visitor_id", "choices", "at", "declarations_version")
IMPORT_BATCH = 5000
NOT_AN_OBJECT = _("Not a JSON object.")
UNKNOWN_FIELDS = _("Unknown fields: %(names)s.")
MISSING_FIELDS = _("Missing fields: %(names)s.")
BAD_EVENT_ID = _("event_id must be a text of 1 to 64 characters.")
REPEATED_EVENT_ID = _("event_id repeats line %(line)s.")
BAD_VISITOR_ID = _("visitor_id must be 8 to 64 letters and digits.")
BAD_AT = _("at must be a date and time with its time zone, not in the future.")
OTHER_VERSION = _("Made under declarations version %(given)s; the current one is %(current)s.")
BAD_GPC = _("gpc must be true or false.")
BAD_TEXT = _("%(field)s must be a text.")


@dataclass(frozen=True)
class ImportProblem:
    line: int
    reason: str


@dataclass
class ImportResult:
    read: int = 0
    stored: int = 0
    already_stored: int = 0
    problems: list[ImportProblem] = field(default_factory=list)


def _imported_row(data, *, version: str, policy_version: str, now: datetime) -> tuple:
    """Return the row of one edge decision, as ``consent_record`` would store it; raise
    ValidationError with the reason it cannot be stored."""
    if not isinstance(data, dict):
        raise ValidationError(NOT_AN_OBJECT)
    unknown = sorted(set(data) - IMPORT_FIELDS)
    if unknown:
        raise ValidationError(UNKNOWN_FIELDS % {"names": ", ".join(unknown)})
    missing = [name for name in IMPORT_REQUIRED if name not in data]
    if missing:
        raise ValidationError(MISSING_FIELDS % {"names": ", ".join(missing)})
    event_id, visitor_id = data["event_id"], data["visitor_id"]
    if not isinstance(event_id, str) or not 1 <= len(event_id) <= 64:
        raise ValidationError(BAD_EVENT_ID)
    if not (isinstance(visitor_id, str) and 8 <= len(visitor_id) <= 64 and visitor_id.isalnum()):
        raise ValidationError(BAD_VISITOR_ID)
    try:
        at = datetime.fromisoformat(data["at"]) if isinstance(data["at"], str) else None
    except ValueError:
        at = None
    if at is None or at.tzinfo is None or at > now:
        raise ValidationError(BAD_AT)
    if data["declarations_version"] != version:
        raise ValidationError(
            OTHER_VERSION % {"given": str(data["declarations_version"])[:20], "current": version}
        )
    gpc = data.get("gpc", False)
    if not isinstance(gpc, bool):
        raise ValidationError(BAD_GPC)
    for name in ("ip", "user_agent"):
        if not isinstance(data.get(name, ""), str):
            raise ValidationError(BAD_TEXT % {"field": name})
    try:
        choices = clean_choices(data["choices"])
    except ValidationError as error:
        raise ValidationError(error.message_dict["choices"][0]) from error
    return (
        visitor_id,
        json.dumps(choices),
        version,
        policy_version,
        Method.EDGE_IMPORT.value,
        gpc,
        at.isoformat(),  # text: psycopg dumps an array of datetimes several times slower
        _truncated_ip(data.get("ip") or ""),
        hash_user_agent(data.get("user_agent", "")),
        event_id,
    )


# A log holds the same few addresses many times over.
_truncated_ip = functools.lru_cache(maxsize=4096)(truncate_ip)


_INSERT_IMPORTED = """
INSERT INTO cookies_consentrecord (visitor_id, choices, declarations_version, policy_version,
    method, gpc, created_at, ip_truncated, user_agent_hash, event_id)
SELECT v, c::jsonb, d, p, m, g, t::timestamptz, i, u, e
FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::boolean[],
    %s::text[], %s::text[], %s::text[], %s::text[]) AS r(v, c, d, p, m, g, t, i, u, e)
ON CONFLICT (event_id) DO NOTHING
RETURNING visitor_id
"""


def consent_import(
    *, lines: Iterable[str], now: datetime, progress: Callable[[int], None] | None = None
) -> ImportResult:
    """Store the decisions of an edge or CDN log (one JSON object a line), all or none.

    Each line is checked as the consent door checks a choice (the declared categories, the
    current declarations version) and gets the same proof fields. If any line is bad nothing
    is stored and every bad line is reported; a line whose ``event_id`` is already stored is
    skipped, so importing the same file again stores nothing twice.
    """
    result = ImportResult()
    version = declarations_version()
    policy_version = current_policy_version() or CURRENT_POLICY_VERSION
    rows: list[tuple] = []
    first_line_of: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        result.read += 1
        try:
            try:
                data = json.loads(line)
            except ValueError as error:
                raise ValidationError(NOT_AN_OBJECT) from error
            row = _imported_row(data, version=version, policy_version=policy_version, now=now)
            if row[-1] in first_line_of:
                raise ValidationError(REPEATED_EVENT_ID % {"line": first_line_of[row[-1]]})
        except ValidationError as error:
            result.problems.append(ImportProblem(number, str(error.messages[0])))
            continue
        first_line_of[row[-1]] = number
        rows.append(row)
        if progress is not None and result.read % IMPORT_BATCH == 0:
            progress(result.read)
    if result.problems:
        return result
    visitors: set[str] = set()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), IMPORT_BATCH):
            batch = rows[start : start + IMPORT_BATCH]
            cursor.execute(_INSERT_IMPORTED, [list(column) for column in zip(*batch, strict=True)])
            stored = [visitor for (visitor,) in cursor.fetchall()]
            visitors.update(stored)
            result.stored += len(stored)
        # A visitor's cached consent may now be older than an imported decision: read again.
        # So may a user's who signed in on one of these browsers later (records_of_user).
        transaction.on_commit(lambda: _forget_imported(visitors))
    result.already_stored = len(rows) - result.stored
    return result


def _forget_imported(visitors: set[str]) -> None:
    consent_forget_visitors(visitors)
    for start in range(0, len(visitors), 1000):
        chunk = sorted(visitors)[start : start + 1000]
        users = VisitorLink.objects.filter(visitor_id__in=chunk).values_list("user_id", flat=True)
        cache.delete_many([f"cookies:consent:user:{user_id}" for user_id in set(users)])
