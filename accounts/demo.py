"""Demo users at realistic volume: deterministic, so re-running adds only what is missing."""

import random
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import User

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
BATCH = 500


def demo_users_create(
    *, count: int, password: str, progress: Callable[[int], None] = lambda done: None
) -> int:
    """Create ``count`` demo buyers and sellers (``demo00001``…); return how many were new."""
    chooser = random.Random(2018)  # noqa: S311 - demo data, not security
    password_hash = make_password(password)
    before = User.objects.filter(username__startswith="demo").count()
    for start in range(0, count, BATCH):
        batch = []
        for number in range(start + 1, min(start + BATCH, count) + 1):
            given, family = chooser.choice(GIVEN_NAMES), chooser.choice(FAMILY_NAMES)
            batch.append(
                User(
                    username=f"demo{number:05d}",
                    first_name=given,
                    last_name=family,
                    email=f"{given}.{family}.{number}@example.com".lower(),
                    password=password_hash,
                )
            )
        with transaction.atomic():
            User.objects.bulk_create(batch, ignore_conflicts=True)
        progress(len(batch))
    return User.objects.filter(username__startswith="demo").count() - before
