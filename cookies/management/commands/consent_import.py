from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cookies.services import consent_import
from privacy_office import clock


class Command(BaseCommand):
    help = (
        "Store cookie decisions seen by an edge worker or in a CDN log: a JSON-lines file, "
        "one object per line with event_id, visitor_id, choices, at, declarations_version and "
        "optionally gpc, ip, user_agent. All lines are stored, or none if one is bad (each bad "
        "line is listed); lines whose event_id is already stored are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        with file.open(encoding="utf-8") as handle:
            result = consent_import(
                lines=handle,
                now=clock.now(),
                progress=lambda read: self.stderr.write(f"{read:,} lines checked"),
            )
        if result.problems:
            for problem in result.problems:
                self.stderr.write(f"line {problem.line}: {problem.reason}")
            raise CommandError(
                f"{len(result.problems)} of {result.read} lines cannot be stored. "
                "Nothing was stored."
            )
        self.stdout.write(
            f"{result.stored} consent records stored, "
            f"{result.already_stored} already stored (same event_id)."
        )
