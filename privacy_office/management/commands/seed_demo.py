from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.demo import demo_users_create

DEMO_USER_PASSWORD = "demo-buyer-2026"  # noqa: S105 - printed for the demo, never in production


class Command(BaseCommand):
    help = "Load demo data at realistic volumes (safe to run again: adds only what is missing)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=2000, help="how many demo users")

    def handle(self, *args, users: int, **options):
        if users < 0:
            raise CommandError("--users must be zero or more.")
        with tqdm(total=users, desc="demo users", unit="user", file=self.stderr) as bar:
            created = demo_users_create(
                count=users, password=DEMO_USER_PASSWORD, progress=bar.update
            )
        self.stdout.write(
            f"{created} demo users created ({users} wanted); "
            f"each signs in as demoNNNNN with password {DEMO_USER_PASSWORD}."
        )
