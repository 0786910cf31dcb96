"""The access export: a zip of JSON (one section per category), one CSV per declared model and
the reply letter, built from the registry, streamed row by row into an encrypted file."""

from __future__ import annotations

import csv
import io
import json
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings

from privacy_office.encrypted_files import EncryptingWriter
from privacy_office.registry import Category, Declaration, registry
from privacy_office.subject_data import display_value, subject_rows

LINK_DAYS = 14
KEEP_DAYS = 30
CHUNK_ROWS = 2000


@dataclass
class ModelSummary:
    label: str
    verbose_name: str
    rows: int
    purposes: set[str] = field(default_factory=set)
    retention_days: set[int | None] = field(default_factory=set)
    public: bool = False
    categories: set[str] = field(default_factory=set)


def export_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _declarations() -> list[Declaration]:
    return [d for d in registry.declarations() if d.fields]


def _write_csvs(archive: zipfile.ZipFile, user) -> list[ModelSummary]:
    summaries = []
    for declaration in _declarations():
        rows = subject_rows(declaration, user)
        meta = declaration.model._meta
        summary = ModelSummary(
            label=declaration.label, verbose_name=str(meta.verbose_name_plural), rows=0
        )
        for declared in declaration.fields:
            summary.purposes.update(declared.purposes)
            summary.retention_days.add(declared.retention_days)
            summary.categories.add(declaration.category_of(declared))
        summary.public = all(d.public for d in declaration.fields)
        with archive.open(f"csv/{declaration.label}.csv", "w") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            writer = csv.writer(text)
            writer.writerow([d.name for d in declaration.fields])
            for instance in rows.iterator(chunk_size=CHUNK_ROWS):
                writer.writerow([display_value(instance, d) for d in declaration.fields])
                summary.rows += 1
            text.flush()
            text.detach()
        if summary.rows:
            summaries.append(summary)
    return summaries


def _write_json(archive: zipfile.ZipFile, request, user, now: datetime) -> None:
    with archive.open("data.json", "w") as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8")
        header = {
            "request": request.pk,
            "generated_at": now.isoformat(),
            "notice": "Card and account numbers are shown by their last four digits.",
        }
        out.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "categories": {')
        for index, (code, label) in enumerate(Category.choices):
            out.write(("," if index else "") + json.dumps(code) + ": ")
            out.write('{"label": ' + json.dumps(str(label), ensure_ascii=False) + ', "models": {')
            first_model = True
            for declaration in _declarations():
                declared = [f for f in declaration.fields if declaration.category_of(f) == code]
                if not declared:
                    continue
                out.write(("" if first_model else ",") + json.dumps(declaration.label) + ": ")
                out.write('{"public": ' + json.dumps(all(f.public for f in declared)))
                out.write(', "rows": [')
                rows = subject_rows(declaration, user).iterator(chunk_size=CHUNK_ROWS)
                for number, instance in enumerate(rows):
                    values = {f.name: display_value(instance, f) for f in declared}
                    out.write(("," if number else "") + json.dumps(values, ensure_ascii=False))
                out.write("]}")
                first_model = False
            out.write("}}")
        out.write("}}")
        out.flush()
        out.detach()


def export_create(*, request, now: datetime):
    """Write the request's export, encrypted, and record it with its expiry."""
    from datarequests.letters import reply_letter_pdf
    from datarequests.models import Export

    user = request.requester
    path = export_dir() / f"{request.pk}-{secrets.token_hex(8)}.zip.enc"
    with EncryptingWriter(path) as writer:
        with zipfile.ZipFile(writer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            summaries = _write_csvs(archive, user) if user else []
            if user:
                _write_json(archive, request, user, now)
            archive.writestr(
                "letter.pdf", reply_letter_pdf(request=request, summaries=summaries, now=now)
            )
        plain_size = writer.plain_size
    old = Export.objects.filter(request=request).first()
    if old is not None:
        Path(old.path).unlink(missing_ok=True)
        old.delete()
    return Export.objects.create(
        request=request,
        path=str(path),
        size=plain_size,
        row_count=sum(summary.rows for summary in summaries),
        created_at=now,
        expires_at=now + timedelta(days=LINK_DAYS),
    )


def exports_purge(*, now: datetime) -> int:
    """Delete export files older than their retention; return how many."""
    from datarequests.models import Export

    purged = 0
    for export in Export.objects.filter(
        purged_at__isnull=True, created_at__lt=now - timedelta(days=KEEP_DAYS)
    ).iterator():
        Path(export.path).unlink(missing_ok=True)
        export.purged_at = now
        export.save(update_fields=["purged_at"])
        purged += 1
    return purged


def export_is_downloadable(export, *, now: datetime) -> bool:
    return export.purged_at is None and export.expires_at > now and Path(export.path).exists()
