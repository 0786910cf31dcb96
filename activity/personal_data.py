from django.db.models import Q
from django.utils.translation import gettext_noop as _

from activity.models import CompanyProfile, ForumPost, Lead, Order, PageView, Shipment, TradeDispute
from privacy_office.registry import Category, Erasure, Exemption, Identifiers, declare, personal

TRADE = ["B5", "B9"]
KEPT_FOR_CLAIMS = "a record of a trade, kept for claims, disputes and tax (B9)"


OPEN_ORDER = ~Q(status__in=[Order.Status.DELIVERED, Order.Status.CANCELLED])
# GDPR Art. 17(3) and CCPA §1798.105(d)(1), (d)(8): what an open trade still needs. Stored
# in English with the erasure's record and translated where it is read.
DELIVER_OPEN_ORDER = Exemption(
    _(
        "needed to complete an order still open (CCPA §1798.105(d)(1); GDPR Art. 17(3)(b), "
        "the contract)"
    ),
    OPEN_ORDER,
)
SHIP_OPEN_ORDER = Exemption(
    _("needed to deliver an order still open (CCPA §1798.105(d)(1); GDPR Art. 17(3)(b))"),
    ~Q(order__status__in=[Order.Status.DELIVERED, Order.Status.CANCELLED]),
)
OPEN_DISPUTE = Exemption(
    _("needed for a dispute still open, a legal claim (GDPR Art. 17(3)(e); CCPA §1798.105(d)(8))"),
    Q(status=TradeDispute.Status.OPEN),
)


def shipped(name: str):
    return personal(name, purposes=["B5"], erasure=Erasure.DELETE, exemptions=[SHIP_OPEN_ORDER])


def kept(name: str, purposes=TRADE):
    return personal(name, purposes=purposes, erasure=Erasure.KEEP, keep_reason=KEPT_FOR_CLAIMS)


declare(
    Order,
    subject=("buyer", "seller"),
    category=Category.ACTIVITY,
    fields=[
        kept("goods_type"),
        kept("specification"),
        kept("quantity"),
        kept("price"),
        kept("currency"),
        kept("delivery_terms"),
        personal(
            "delivery_address",
            purposes=["B5"],
            erasure=Erasure.REDACT,
            exemptions=[DELIVER_OPEN_ORDER],
        ),
        kept("status"),
        kept("ordered_at"),
    ],
)
declare(
    Shipment,
    subject=("order__buyer", "order__seller"),
    category=Category.ACCOUNT,
    fields=[
        shipped("carrier"),
        shipped("tracking_number"),
        shipped("shipped_at"),
    ],
)
declare(
    TradeDispute,
    subject=("raised_by", "order__buyer", "order__seller"),
    category=Category.ACTIVITY,
    fields=[
        kept("reason", purposes=["B4", "B9"]),
        personal(
            "description",
            purposes=["B4", "B9"],
            erasure=Erasure.REDACT,
            exemptions=[OPEN_DISPUTE],
        ),
        kept("status", purposes=["B4", "B9"]),
        kept("opened_at", purposes=["B4", "B9"]),
    ],
)
declare(
    ForumPost,
    subject="author",
    category=Category.ACTIVITY,
    fields=[
        personal("title", purposes=["B8"], public=True, erasure=Erasure.DELETE),
        personal("body", purposes=["B8"], public=True, erasure=Erasure.DELETE),
        personal("posted_at", purposes=["B8"], public=True, erasure=Erasure.DELETE),
    ],
)
declare(
    CompanyProfile,
    subject="owner",
    category=Category.ACTIVITY,
    fields=[
        personal(
            "company_name",
            purposes=["B5", "B8"],
            personal=False,
            public=True,
            correctable=True,
            erasure=Erasure.DELETE,
        ),
        personal(
            "description",
            purposes=["B5", "B8"],
            personal=False,
            public=True,
            correctable=True,
            erasure=Erasure.DELETE,
        ),
        personal(
            "contact_person",
            purposes=["B5", "B8"],
            public=True,
            correctable=True,
            erasure=Erasure.DELETE,
        ),
        personal(
            "contact_phone",
            purposes=["B5", "B8"],
            public=True,
            correctable=True,
            erasure=Erasure.DELETE,
        ),
        personal("published_at", purposes=["B8"], public=True, erasure=Erasure.DELETE),
    ],
)

LEAD_DAYS = 730
declare(
    Lead,
    subject=Identifiers(email="email", phone="phone", user="matched_user"),
    category=Category.EVENT,
    fields=[
        personal(
            name,
            purposes=["B6", "B7"],
            erasure=Erasure.DELETE,
            retention_days=LEAD_DAYS,
            correctable=name not in {"event_name", "event_date", "collected_at"},
        )
        for name in (
            "event_name",
            "event_date",
            "full_name",
            "address",
            "phone",
            "fax",
            "email",
            "collected_at",
        )
    ]
    + [
        personal(
            "company_name",
            purposes=["B6", "B7"],
            personal=False,
            erasure=Erasure.DELETE,
            retention_days=LEAD_DAYS,
            correctable=True,
        )
    ],
    retained_from="collected_at",
)

BROWSING_DAYS = 395  # 13 months, then the month's partition is dropped
declare(
    PageView,
    subject="user",
    category=Category.BROWSING,
    fields=[
        personal(name, purposes=["B6"], erasure=Erasure.DELETE, retention_days=BROWSING_DAYS)
        for name in (
            "viewed_at",
            "visitor_id",
            "session_id",
            "ip_address",
            "browser",
            "operating_system",
            "path",
        )
    ],
    retained_from="viewed_at",
    # A whole month goes at once: detaching and dropping a partition leaves no dead rows to
    # vacuum in the largest table, and needs the owner role (see the README's Security).
    retention_kept="dropped a month at a time with its partition (Maintain browsing partitions)",
)
