"""Delete every row older than its declared retention (run nightly by beat; safe to re-run)."""

from django.core.management.base import BaseCommand

from privacy_office import clock
from privacy_office.retention import retention_purge


class Command(BaseCommand):
    help = "Delete personal data older than the retention its declaration states."

    def handle(self, *args, **options):
        run = retention_purge(now=clock.now())
        for label, count in run.removed.items():
            self.stdout.write(f"{label}: {count} removed")
        for label in run.kept:
            self.stdout.write(f"{label}: kept (its declaration says why)")
        self.stdout.write(f"{run.total} rows removed")
