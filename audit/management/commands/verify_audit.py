from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_chain_verify


class Command(BaseCommand):
    help = "Walk the audit trail's hash chain and report the first broken link."

    def handle(self, *args, **options):
        checked, broken = audit_chain_verify()
        if broken is not None:
            raise CommandError(
                f"The audit trail is broken at event {broken}: it was altered, or an event "
                f"before it was removed or inserted. {checked} events before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"The audit trail is intact: {checked} events."))
