"""Questions about cookies: the declarations' version and a visitor's current consent.

A visitor's consent is read on every page, so it is cached (Redis) and the
cache is replaced whenever a decision is recorded; the table is only read on
a cache miss, by index.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q

from cookies.models import ConsentRecord, CookieCategory, CookieDeclaration, VisitorLink
from policies.selectors import cookie_section_hash

CONSENT_LIFETIME = timedelta(days=365)
VERSION_KEY = "cookies:declarations-version"
CACHE_SECONDS = 24 * 60 * 60
AD_CATEGORIES = ("ad_targeting", "partner_tracking")  # what a GPC signal refuses


@dataclass(frozen=True)
class Consent:
    choices: dict[str, bool]
    declarations_version: str
    given_at: datetime
    gpc: bool
    record_id: int

    def allows(self, category: str) -> bool:
        return bool(self.choices.get(category))


# The version is read from the shared cache at most once a second per process (a change
# reaches every process within a second, this one at once); what a version's declarations
# say never changes, so it is kept in the process by version.
VERSION_MEMO_SECONDS = 1.0
_memo: dict[str, tuple[str, float]] = {}


def declarations_version() -> str:
    """Return a short fingerprint of the declared cookies: it changes when any declaration does."""
    version, until = _memo.get("version", ("", 0.0))
    if time.monotonic() < until:
        return version
    version = cache.get(VERSION_KEY)
    if version is None:
        rows = CookieDeclaration.objects.order_by("name", "domain").values_list(
            "name", "domain", "category__code", "purpose", "lifetime", "first_party"
        )
        categories = CookieCategory.objects.order_by("position").values_list("code", "always_on")
        fingerprint = repr((list(rows), list(categories), cookie_section_hash()))
        version = hashlib.sha256(fingerprint.encode()).hexdigest()[:12]
        cache.set(VERSION_KEY, version, CACHE_SECONDS)
    _memo["version"] = (version, time.monotonic() + VERSION_MEMO_SECONDS)
    return version


def declarations_version_forget() -> None:
    cache.delete(VERSION_KEY)
    _memo.clear()


def _by_version(name: str, load):
    key = f"{name}:{declarations_version()}"
    if key not in _memo:
        _memo[key] = load()
    return _memo[key]


def categories_with_cookies():
    return CookieCategory.objects.prefetch_related("cookies").order_by("position")


def category_codes() -> list[str]:
    """Return every category's code in order."""
    return _by_version(
        "categories",
        lambda: list(CookieCategory.objects.order_by("position").values_list("code", flat=True)),
    )


def optional_category_codes() -> list[str]:
    return [code for code in category_codes() if code != "necessary"]


def _visitor_key(visitor_id: str) -> str:
    return f"cookies:consent:visitor:{visitor_id}"


def _user_key(user) -> str:
    return f"cookies:consent:user:{user.pk}"


def consent_from_record(record: ConsentRecord) -> Consent:
    return Consent(
        choices=dict(record.choices),
        declarations_version=record.declarations_version,
        given_at=record.created_at,
        gpc=record.gpc,
        record_id=record.pk,
    )


def records_of_user(user) -> Q:
    """The user's own decisions, and anonymous ones made on a browser before it signed in as
    them (never another user's, even on a shared browser)."""
    linked_before = VisitorLink.objects.filter(
        user=user, visitor_id=OuterRef("visitor_id"), linked_at__gte=OuterRef("created_at")
    )
    return Q(user=user) | Q(Q(user__isnull=True), Exists(linked_before))


def consent_current(*, visitor_id: str, user=None) -> Consent | None:
    """Return the signed-in user's latest decision (any browser), else this browser's."""
    signed_in = user is not None and user.is_authenticated
    key = _user_key(user) if signed_in else _visitor_key(visitor_id)
    cached = cache.get(key) if (signed_in or visitor_id) else None
    if cached is not None:
        return None if cached == "none" else Consent(**cached)
    if signed_in:
        condition = records_of_user(user)
    elif visitor_id:
        condition = Q(visitor_id=visitor_id)
    else:
        return None
    record = ConsentRecord.objects.filter(condition).order_by("-created_at", "-pk").first()
    consent = consent_from_record(record) if record else None
    cache.set(key, asdict(consent) if consent else "none", CACHE_SECONDS)
    return consent


def consent_remember(record: ConsentRecord) -> None:
    """Make a new decision current for its browser and, if signed in, for its user."""
    consent = asdict(consent_from_record(record))  # plain values: the cache stores JSON
    cache.set(_visitor_key(record.visitor_id), consent, CACHE_SECONDS)
    if record.user_id:
        cache.set(f"cookies:consent:user:{record.user_id}", consent, CACHE_SECONDS)


def consent_forget_user(user) -> None:
    cache.delete(_user_key(user))


def consent_forget_visitors(visitor_ids) -> None:
    """Drop the cached consent of these browsers (read again from the records when needed)."""
    keys = [_visitor_key(visitor_id) for visitor_id in visitor_ids]
    for start in range(0, len(keys), 1000):
        cache.delete_many(keys[start : start + 1000])


def consent_needed(consent: Consent | None, *, now: datetime) -> bool:
    """Return whether the banner must ask: no decision, older than 12 months, or cookies changed."""
    if consent is None:
        return True
    if consent.given_at + CONSENT_LIFETIME < now:
        return True
    return consent.declarations_version != declarations_version()


def allowed_categories(consent: Consent | None, *, now: datetime, gpc: bool) -> set[str]:
    """Return the categories whose cookies may be set for this visitor now."""
    allowed = {"necessary"}
    if consent is None or consent_needed(consent, now=now):
        return allowed
    allowed |= {code for code, value in consent.choices.items() if value}
    if gpc and not consent.gpc:
        allowed -= set(AD_CATEGORIES)
    return allowed


def declared_cookies() -> dict[str, str]:
    """Return each declared cookie name and its category."""
    return _by_version(
        "declared",
        lambda: dict(CookieDeclaration.objects.values_list("name", "category__code")),
    )


@dataclass(frozen=True)
class WeekRates:
    week: datetime
    records: int
    rates: list[tuple[str, int]]  # (category title, percent granting)


def consent_rates_by_week(*, now: datetime, weeks: int) -> list[WeekRates]:
    """Return, per week, how many decisions were made and the share granting each category."""
    from django.db.models import Count, Q
    from django.db.models.fields.json import KT
    from django.db.models.functions import TruncWeek

    categories = list(CookieCategory.objects.filter(always_on=False).order_by("position"))
    aggregates = {
        category.code: Count("pk", filter=Q(**{f"granted_{category.code}": "true"}))
        for category in categories
    }
    rows = (
        ConsentRecord.objects.filter(created_at__gte=now - timedelta(weeks=weeks))
        .annotate(
            week=TruncWeek("created_at"),
            **{f"granted_{c.code}": KT(f"choices__{c.code}") for c in categories},
        )
        .values("week")
        .annotate(records=Count("pk"), **aggregates)
        .order_by("week")
    )
    return [
        WeekRates(
            week=row["week"],
            records=row["records"],
            rates=[
                (category.title, round(100 * row[category.code] / row["records"]))  # type: ignore[literal-required]
                for category in categories
            ],
        )
        for row in rows
    ]


def _opt_out_key(user_id: int) -> str:
    return f"cookies:sale-opt-out:{user_id}"


def sale_opted_out(user) -> bool:
    """Whether the signed-in user's account has opted out of sale and sharing (CCPA); read
    from the cache on every page (the services keep it current), the database once."""
    if user is None or not user.is_authenticated:
        return False
    cached = cache.get(_opt_out_key(user.pk))
    if cached is None:
        from cookies.models import SaleOptOut

        cached = SaleOptOut.objects.filter(user=user).exists()
        cache.set(_opt_out_key(user.pk), cached, CACHE_SECONDS)
    return bool(cached)


def sale_opt_out_forget(user_id: int) -> None:
    cache.delete(_opt_out_key(user_id))
