"""Check an evidence pack: its signature, every member's SHA-256, the audit chain proof."""

import base64
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from records.evidence import evidence_verify


class Command(BaseCommand):
    help = "Verify an evidence pack made by evidence_pack (exit 1 when anything fails)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--public-key", help="the signer's public key in base64 (default: this installation's)"
        )

    def handle(self, *args, **options):
        key = base64.b64decode(options["public_key"]) if options["public_key"] else None
        problems, notes = evidence_verify(Path(options["file"]).read_bytes(), public_key=key)
        for note in notes:
            self.stdout.write(f"note: {note}")
        if problems:
            raise CommandError("\n".join(f"FAILED: {problem}" for problem in problems))
        self.stdout.write(self.style.SUCCESS("OK: the evidence pack is intact and signed."))
