"""Demo activity, event and browsing information for demo users (deterministic)."""

import random
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.db import transaction

from accounts.models import User
from activity.models import CompanyProfile, ForumPost, Lead, Order, Shipment, TradeDispute
from activity.services import browsing_ingest
from privacy_office import clock

GOODS = [
    ("LED panels", "600x600 mm, 40 W, 4000 K"),
    ("Bamboo flooring", "Carbonised, 15 mm"),
    ("Silk scarves", "100% mulberry silk, 90x90 cm"),
    ("Solar inverters", "5 kW hybrid"),
    ("Stainless fasteners", "M8 A2-70, DIN 933"),
    ("Tea sets", "Longquan celadon, 6 cups"),
]
BROWSERS = [
    ("Chrome 130", "Windows 11"),
    ("Safari 18", "macOS 15"),
    ("Firefox 133", "Ubuntu"),
    ("WeChat 8", "Android 15"),
    ("Edge 130", "Windows 10"),
]
FAIRS = ["Canton Fair", "China Import and Export Fair", "Hangzhou Textile Expo", "Yiwu Fair"]


def demo_activity_create(*, users: list[User], chooser: random.Random, progress: Callable) -> None:
    """Give each user orders, shipments, posts, a profile for sellers, and browsing."""
    now = clock.now()
    sellers = users[: max(1, len(users) // 5)]
    for user in users:
        with transaction.atomic():
            is_seller = user in sellers
            if is_seller:
                CompanyProfile.objects.create(
                    owner=user,
                    company_name=f"{user.last_name} Trading Co., Ltd",
                    description="Manufacturer and exporter.",
                    contact_person=f"{user.first_name} {user.last_name}",
                    contact_phone=user.phone,
                    published_at=now - timedelta(days=chooser.randint(30, 900)),
                )
            for _ in range(chooser.randint(1, 4)):
                goods, spec = chooser.choice(GOODS)
                order = Order.objects.create(
                    buyer=user,
                    seller=chooser.choice(sellers),
                    goods_type=goods,
                    specification=spec,
                    quantity=chooser.randint(10, 5000),
                    price=f"{chooser.randint(100, 90000)}.00",
                    delivery_terms=chooser.choice(["FOB Ningbo", "CIF Rotterdam", "EXW Hangzhou"]),
                    delivery_address=f"{user.city}, {user.country}",
                    status=chooser.choice(Order.Status.values),
                    ordered_at=now - timedelta(days=chooser.randint(1, 700)),
                )
                if order.status in {Order.Status.SHIPPED, Order.Status.DELIVERED}:
                    Shipment.objects.create(
                        order=order,
                        carrier="SF Express",
                        tracking_number=f"SF{chooser.randint(10**11, 10**12 - 1)}",
                        shipped_at=order.ordered_at + timedelta(days=3),
                    )
                if chooser.random() < 0.05:
                    TradeDispute.objects.create(
                        order=order,
                        raised_by=user,
                        reason="late delivery",
                        description="Goods arrived three weeks after the agreed date.",
                        status=TradeDispute.Status.OPEN,
                        opened_at=now,
                    )
            if chooser.random() < 0.2:
                ForumPost.objects.create(
                    author=user,
                    title="Looking for reliable suppliers",
                    body="Any experience with suppliers in Zhejiang?",
                    posted_at=now - timedelta(days=chooser.randint(1, 300)),
                )
            if chooser.random() < 0.3:
                Lead.objects.create(
                    event_name=chooser.choice(FAIRS),
                    event_date=(now - timedelta(days=chooser.randint(30, 600))).date(),
                    full_name=f"{user.first_name} {user.last_name}",
                    email=user.email,
                    phone=user.phone,
                )
        progress(1)
    browsing_ingest(rows=page_views(users=users, per_user=20, chooser=chooser))


def page_views(*, users: list[User], per_user: int, chooser: random.Random) -> Iterator[dict]:
    now = clock.now()
    for user in users:
        browser, system = chooser.choice(BROWSERS)
        visitor = f"demo-visitor-{user.pk}"
        for n in range(per_user):
            yield {
                "viewed_at": now - timedelta(minutes=chooser.randint(1, 60 * 24 * 380)),
                "visitor_id": visitor,
                "session_id": f"{visitor}-{n // 8}",
                "user_id": user.pk,
                "ip_address": f"203.0.113.{chooser.randint(1, 254)}",
                "browser": browser,
                "operating_system": system,
                "path": f"/products/{chooser.randint(1, 50000)}",
            }
