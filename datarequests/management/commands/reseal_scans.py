from django.core.management.base import BaseCommand

from datarequests.scans import scans_reseal


class Command(BaseCommand):
    help = (
        "Seal the letter scans and guardianship proofs stored in clear before they were "
        "sealed (encrypted, 0600, random names). Safe to run again."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{scans_reseal()} documents sealed.")
