"""Make the signed evidence pack of one request, or print the key that verifies packs."""

import base64
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from datarequests.models import DataRequest
from privacy_office import clock
from records.evidence import evidence_pack_build, evidence_public_key


class Command(BaseCommand):
    help = "Write the evidence pack of a request (a signed zip); --public-key prints the key."

    def add_arguments(self, parser):
        parser.add_argument("request_id", nargs="?", type=int)
        parser.add_argument("--output", help="where to write it (default: its own name, here)")
        parser.add_argument("--public-key", action="store_true")

    def handle(self, *args, **options):
        if options["public_key"]:
            self.stdout.write(base64.b64encode(evidence_public_key()).decode())
            return
        if options["request_id"] is None:
            raise CommandError("Name the request: evidence_pack REQUEST_ID")
        try:
            pack = evidence_pack_build(
                request_id=options["request_id"], actor=None, now=clock.now()
            )
        except DataRequest.DoesNotExist as error:
            raise CommandError(f"No request {options['request_id']}.") from error
        path = Path(options["output"] or pack.filename)
        path.write_bytes(pack.content)
        self.stdout.write(f"{path} ({len(pack.content)} bytes)")
