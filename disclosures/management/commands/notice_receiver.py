"""Run the reference receiver of recipient notices (disclosures.receiver) until Ctrl-C."""

import os

from django.core.management.base import BaseCommand, CommandError

from disclosures.receiver import ReferenceReceiver


class Command(BaseCommand):
    help = "Receive signed recipient notices, as a recipient would (for trials and tests)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)

    def handle(self, *args, **options):
        secret = os.environ.get("NOTICE_RECEIVER_SECRET", "")
        if not secret:
            raise CommandError("Set NOTICE_RECEIVER_SECRET to the recipient's webhook secret.")
        receiver = ReferenceReceiver(secret=secret, host=options["host"], port=options["port"])
        self.stdout.write(f"Receiving notices at {receiver.url}")
        try:
            receiver.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            receiver.server.server_close()
            self.stdout.write(f"{len(receiver.received)} notices received")
