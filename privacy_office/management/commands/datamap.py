import json

from django.core.management.base import BaseCommand

from privacy_office.selectors import datamap_exempt, datamap_rows

COLUMNS = [
    ("field", 42),
    ("category", 13),
    ("kind", 9),
    ("purposes", 18),
    ("mand.", 6),
    ("corr.", 6),
    ("erasure", 8),
    ("public", 7),
    ("retention", 10),
]


class Command(BaseCommand):
    help = (
        "Print the personal-data registry: every declared field, its category, purposes and rules."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, **options):
        rows = datamap_rows()
        if options["format"] == "json":
            self.stdout.write(
                json.dumps([row.as_dict() for row in rows], indent=2, ensure_ascii=False)
            )
            return
        self.stdout.write(" ".join(title.ljust(width) for title, width in COLUMNS).rstrip())
        for row in rows:
            cells = [
                f"{row.app}.{row.model}.{row.field}",
                row.category,
                "personal" if row.personal else "business",
                ",".join(row.purposes),
                "yes" if row.mandatory else "no",
                "yes" if row.correctable else "no",
                row.erasure,
                "yes" if row.public else "no",
                f"{row.retention_days}d" if row.retention_days else "account",
            ]
            self.stdout.write(
                " ".join(
                    cell.ljust(width) for cell, (_, width) in zip(cells, COLUMNS, strict=True)
                ).rstrip()
            )
        self.stdout.write(f"\n{len(rows)} declared fields.")
        exempt = datamap_exempt()
        if exempt:
            self.stdout.write("\nDeclared as not personal:")
            for item in exempt:
                self.stdout.write(f"  {item.app}.{item.model}.{item.field}: {item.reason}")
