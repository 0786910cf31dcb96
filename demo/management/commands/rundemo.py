import base64
import secrets
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from honcho.manager import Manager

import devservers
from accounts.roles import PRIVACY_OFFICER
from accounts.two_factor import authenticator_device, authenticator_pending, recovery_codes_renew

DEMO_STAFF_USERNAME = "officer"


def demo_staff_password() -> str:
    """Return the demo staff password, made once and kept in the local folder."""
    path = devservers.local_dir() / "demo-staff-password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


class Command(BaseCommand):
    help = "Run the whole product for a demo: migrate, load demo data, then web, worker and beat."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--users", type=int, default=2000, help="demo users to load")

    def handle(self, *args, port: int, users: int, **options):
        # manage.py started the embedded servers where no DATABASE_URL / CELERY_BROKER_URL is
        # set; web, worker and beat below inherit the variables it set, so they start none.
        self.stdout.write(self.style.MIGRATE_HEADING("Preparing the database…"))
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", users=users)
        password = demo_staff_password()
        staff = self._ensure_staff(password)
        secret, codes = self._ensure_second_factor(staff)
        connections.close_all()

        address = f"http://127.0.0.1:{port}/admin/"
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Staff sign-in:  {address}\n"
                f"  username:       {DEMO_STAFF_USERNAME}\n"
                f"  password:       {password}\n"
                f"  OTP token:      one of {', '.join(codes)} (each works once),\n"
                f"                  or a code from an authenticator app given the key {secret}\n"
                "  Stop with Ctrl-C (it also stops the embedded PostgreSQL and Redis).\n"
            )
        )
        python = sys.executable
        manager = Manager()
        # gunicorn, not runserver: runserver listens with a backlog of 10 and reset a quarter
        # of 50 simultaneous staff clicks; static files are served by WhiteNoise.
        manager.add_process(
            "web",
            f"{python} -m gunicorn config.wsgi --bind 127.0.0.1:{port} --workers 3 "
            "--threads 8 --backlog 2048 --timeout 120 --graceful-timeout 10",
        )
        manager.add_process(
            "worker", f"{python} -m celery -A config worker --loglevel INFO --concurrency 2"
        )
        manager.add_process("beat", f"{python} -m celery -A config beat --loglevel INFO")
        try:
            manager.loop()
        finally:
            self._stop_embedded()
        sys.exit(manager.returncode)

    def _ensure_second_factor(self, user) -> tuple[str, list[str]]:
        """Give the demo officer an authenticator and fresh recovery codes (staff need both)."""
        device = authenticator_device(user=user)
        if device is None:
            device = authenticator_pending(user=user)
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        return base64.b32encode(device.bin_key).decode(), recovery_codes_renew(user=user)[:5]

    def _ensure_staff(self, password: str):
        user, _ = get_user_model().objects.get_or_create(
            username=DEMO_STAFF_USERNAME,
            defaults={
                "email": "officer@example.com",
                "first_name": "Privacy",
                "last_name": "Officer",
            },
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=PRIVACY_OFFICER))
        return user

    def _stop_embedded(self) -> None:
        """Stop the embedded servers this demo used; external ones are left alone."""
        servers = devservers.embedded()
        if devservers.POSTGRES in servers and devservers.postgres_stop():
            self.stdout.write("Embedded PostgreSQL stopped.")
        if devservers.REDIS in servers and devservers.redis_stop():
            self.stdout.write("Embedded Redis stopped.")
