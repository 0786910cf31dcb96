import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from activity.services import IngestError, browsing_ingest


class Command(BaseCommand):
    help = (
        "Load page views (A.6) from a JSON-lines file, one object per line with viewed_at, "
        "visitor_id, path and optionally session_id, user_id, ip_address, browser, "
        "operating_system. All rows are stored, or none if one is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        with (
            file.open(encoding="utf-8") as handle,
            tqdm(desc="page views", unit="row", file=self.stderr) as bar,
        ):
            try:
                result = browsing_ingest(rows=_rows(handle, bar))
            except IngestError as error:
                raise CommandError(f"{error}. Nothing was stored.") from error
        self.stdout.write(f"{result.stored} page views stored.")


def _rows(handle, bar):
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise IngestError(number, "not valid JSON") from error
        bar.update()
        yield row
