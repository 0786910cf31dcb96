"""Demo users at realistic volume, each with registration and account information.

Deterministic, so running it again adds only what is missing.
"""

import random
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import Address, MarketingChannel, Membership, User
from accounts.services import bank_account_add, marketing_preferences_set, payment_card_add
from privacy_office import clock

GIVEN_NAMES = [
    "Wei",
    "Fang",
    "Min",
    "Jing",
    "Lei",
    "Yan",
    "Anna",
    "Carlos",
    "Priya",
    "Omar",
    "Sofia",
    "Kenji",
    "Amara",
    "Lucas",
    "Mei",
    "Tariq",
    "Elena",
    "Jun",
    "Ines",
    "Ravi",
]
FAMILY_NAMES = [
    "Zhang",
    "Wang",
    "Li",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Smith",
    "Garcia",
    "Sharma",
    "Haddad",
    "Rossi",
    "Tanaka",
    "Okafor",
    "Silva",
    "Novak",
    "Kim",
    "Dubois",
]
PLACES = [
    ("Hangzhou", "Zhejiang", "CN"),
    ("Ningbo", "Zhejiang", "CN"),
    ("Shenzhen", "Guangdong", "CN"),
    ("Hamburg", "", "DE"),
    ("Lyon", "", "FR"),
    ("Austin", "TX", "US"),
    ("Hong Kong", "", "HK"),
    ("Manchester", "", "GB"),
    ("Dubai", "", "AE"),
    ("São Paulo", "SP", "BR"),
]
TEST_CARDS = ["4111111111111111", "5500005555555559", "4012888888881881", "378282246310005"]
BATCH = 500
HEAVY_BUYER = "demo-heavy-buyer"


def demo_users_create(
    *, count: int, password: str, progress: Callable[[int], None] = lambda done: None
) -> list[User]:
    """Create ``count`` demo users (``demo00001``…); return those that were new."""
    chooser = random.Random(2018)  # noqa: S311 - demo data, not security
    password_hash = make_password(password)
    existing = set(
        User.objects.filter(username__startswith="demo").values_list("username", flat=True)
    )
    wanted = []
    for number in range(1, count + 1):
        given, family = chooser.choice(GIVEN_NAMES), chooser.choice(FAMILY_NAMES)
        city, region, country = chooser.choice(PLACES)
        username = f"demo{number:05d}"
        if username in existing:
            continue
        wanted.append(
            User(
                username=username,
                first_name=given,
                last_name=family,
                email=f"{given}.{family}.{number}@example.com".lower(),
                email_verified_at=clock.now(),
                phone=f"+86 571 {chooser.randint(1000, 9999)} {number:04d}",
                birth_year=chooser.randint(1955, 2000),
                city=city,
                region=region,
                country=country,
                address_line=f"{chooser.randint(1, 999)} Demo Road",
                password=password_hash,
            )
        )
    created = []
    for start in range(0, len(wanted), BATCH):
        with transaction.atomic():
            created += User.objects.bulk_create(wanted[start : start + BATCH])
        progress(len(wanted[start : start + BATCH]))
    return created


def demo_accounts_create(*, users: list[User], chooser: random.Random, progress: Callable) -> None:
    """Give each user a membership, marketing choices, addresses and cards or bank accounts."""
    levels = (
        [Membership.Level.FREE] * 6
        + [Membership.Level.CERTIFIED] * 3
        + [Membership.Level.GOLD_SUPPLIER]
    )
    for user in users:
        with transaction.atomic():
            Membership.objects.create(
                user=user, level=chooser.choice(levels), started_on=user.date_joined.date()
            )
            marketing_preferences_set(
                user=user,
                choices={channel: chooser.random() < 0.4 for channel in MarketingChannel.values},
            )
            Address.objects.create(
                user=user,
                kind=Address.Kind.DELIVERY,
                recipient_name=user.get_full_name(),
                address_line=user.address_line,
                city=user.city,
                region=user.region,
                country=user.country,
                phone=user.phone,
            )
            payment_card_add(
                user=user,
                holder_name=user.get_full_name().upper(),
                card_number=chooser.choice(TEST_CARDS),
                expiry=f"{chooser.randint(1, 12):02d}/29",
            )
            if chooser.random() < 0.3:
                bank_account_add(
                    user=user,
                    bank_name="Bank of Hangzhou",
                    holder_name=user.get_full_name(),
                    account_number=f"6222{chooser.randint(10**14, 10**15 - 1)}",
                )
        progress(1)
