import random

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.models import User
from activity.models import PageView
from activity.services import browsing_ingest
from demo.accounts import HEAVY_BUYER, demo_accounts_create, demo_users_create
from demo.activity import demo_activity_create, page_views
from demo.payments import demo_payment_details_create
from privacy_office import clock

DEMO_USER_PASSWORD = "demo-buyer-2026"  # noqa: S105 - printed for the demo, never in production


class Command(BaseCommand):
    help = (
        "Load demo data at realistic volumes in every category (A.2-A.6), including one heavy "
        "buyer with ~100,000 page views. Safe to run again: adds only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=2000, help="how many demo users")
        parser.add_argument(
            "--heavy-views", type=int, default=100_000, help="page views of the heavy buyer"
        )

    def handle(self, *args, users: int, heavy_views: int, **options):
        if users < 1 or heavy_views < 0:
            raise CommandError("--users must be at least 1 and --heavy-views zero or more.")
        chooser = random.Random(2018)  # noqa: S311 - demo data, not security
        with self._bar(users, "users") as bar:
            created = demo_users_create(
                count=users, password=DEMO_USER_PASSWORD, progress=bar.update
            )
        with self._bar(len(created), "accounts") as bar:
            demo_accounts_create(users=created, chooser=chooser, progress=bar.update)
        with self._bar(len(created), "activity") as bar:
            demo_activity_create(users=created, chooser=chooser, progress=bar.update)
        heavy = self._heavy_buyer(heavy_views, chooser)
        demo_payment_details_create()  # so an HK or SG quote shows where to pay
        self.stdout.write(
            f"{len(created)} new demo users ({users} wanted); each signs in as demoNNNNN with "
            f"password {DEMO_USER_PASSWORD}. Heavy buyer: {HEAVY_BUYER} "
            f"({PageView.objects.filter(user=heavy).count()} page views)."
        )

    def _heavy_buyer(self, views: int, chooser: random.Random) -> User:
        user = User.objects.filter(username=HEAVY_BUYER).first()
        if user is not None:
            return user
        user = User.objects.create_user(
            username=HEAVY_BUYER,
            password=DEMO_USER_PASSWORD,
            first_name="Hao",
            last_name="Zhang",
            email="heavy.buyer@example.com",
            email_verified_at=clock.now(),
            phone="+86 571 8000 0001",
            birth_year=1979,
            city="Hangzhou",
            country="CN",
        )
        demo_accounts_create(users=[user], chooser=chooser, progress=lambda n: None)
        with self._bar(views, "heavy buyer's page views") as bar:
            browsing_ingest(
                rows=_counted(page_views(users=[user], per_user=views, chooser=chooser), bar)
            )
        return user

    def _bar(self, total: int, what: str):
        return tqdm(total=total, desc=what, unit="", file=self.stderr)


def _counted(rows, bar):
    for row in rows:
        bar.update()
        yield row
