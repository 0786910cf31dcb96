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
from privacy_office.subject_data import display_value, subject_filter, subject_rows
from privacy_office.subject_sql import (
    csv_chunks,
    json_array_items,
    sql_formattable,
    subject_json_sql,
    subject_values_sql,
)

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


def _summary(declaration: Declaration) -> ModelSummary:
    meta = declaration.model._meta
    summary = ModelSummary(
        label=declaration.label, verbose_name=str(meta.verbose_name_plural), rows=0
    )
    for declared in declaration.fields:
        summary.purposes.update(declared.purposes)
        summary.retention_days.add(declared.retention_days)
        summary.categories.add(declaration.category_of(declared))
    summary.public = all(d.public for d in declaration.fields)
    return summary


def _write_csvs(archive: zipfile.ZipFile, user) -> None:
    """One CSV per declared model, written by PostgreSQL's COPY where the fields allow it."""
    for declaration in _declarations():
        header = ",".join(d.name for d in declaration.fields) + "\r\n"
        with archive.open(f"csv/{declaration.label}.csv", "w") as raw:
            raw.write(b"\xef\xbb\xbf" + header.encode())
            if subject_filter(declaration, user) is None:
                continue  # the model cannot hold anything about this kind of subject
            if sql_formattable(declaration):
                sql, params = subject_values_sql(declaration, user, list(declaration.fields))
                for block in csv_chunks(sql, params, len(declaration.fields)):
                    raw.write(block)
                continue
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(text)
            for instance in subject_rows(declaration, user).iterator(chunk_size=CHUNK_ROWS):
                writer.writerow([display_value(instance, d) for d in declaration.fields])
            text.flush()
            text.detach()


def _json_rows(declaration: Declaration, user, declared: list):
    """Yield the model's rows as comma-separated JSON objects, in blocks of bytes."""
    if subject_filter(declaration, user) is None:
        return
    if sql_formattable(declaration):
        yield from json_array_items(*subject_json_sql(declaration, user, declared))
        return
    separator = b""
    for instance in subject_rows(declaration, user).iterator(chunk_size=CHUNK_ROWS):
        values = {f.name: display_value(instance, f) for f in declared}
        yield separator + json.dumps(values, ensure_ascii=False).encode()
        separator = b","


def _write_json(archive: zipfile.ZipFile, request, user, now: datetime) -> list[ModelSummary]:
    """data.json, one section per category; return what each model held, for the letter."""

    def dump(value) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode()

    summaries = []
    with archive.open("data.json", "w") as out:
        header = {
            "request": request.pk,
            "generated_at": now.isoformat(),
            "notice": "Card and account numbers are shown by their last four digits.",
        }
        out.write(dump(header)[:-1] + b', "categories": {')
        for index, (code, label) in enumerate(Category.choices):
            out.write((b"," if index else b"") + dump(code) + b': {"label": ' + dump(str(label)))
            out.write(b', "models": {')
            first_model = True
            for declaration in _declarations():
                declared = [f for f in declaration.fields if declaration.category_of(f) == code]
                if not declared:
                    continue
                out.write((b"" if first_model else b",") + dump(declaration.label) + b": ")
                out.write(b'{"public": ' + dump(all(f.public for f in declared)) + b', "rows": [')
                for block in _json_rows(declaration, user, declared):
                    out.write(block)
                out.write(b"]}")
                first_model = False
            out.write(b"}}")
        out.write(b"}}")
    for declaration in _declarations():
        summary = _summary(declaration)
        summary.rows = subject_rows(declaration, user).count()
        if summary.rows:
            summaries.append(summary)
    return summaries


def _recipients(subject) -> list[dict]:
    """Each recipient the person's data went to, with the categories and purposes (C, D)."""
    from disclosures.models import Disclosure

    if getattr(subject, "pk", None) is None:
        return []
    merged: dict[int, dict] = {}
    for disclosure in Disclosure.objects.filter(subject=subject).select_related("recipient"):
        recipient = disclosure.recipient
        entry = merged.setdefault(
            recipient.pk,
            {
                "organisation": recipient.organisation,
                "kind": str(recipient.get_kind_display()),
                "jurisdiction": recipient.jurisdiction,
                "categories": set(),
                "purposes": set(),
            },
        )
        entry["categories"].update(disclosure.categories)
        entry["purposes"].add(disclosure.purpose)
    return [
        {**entry, "categories": sorted(entry["categories"]), "purposes": sorted(entry["purposes"])}
        for entry in merged.values()
    ]


def export_create(*, request, now: datetime):
    """Write the request's export, encrypted, and record it with its expiry."""
    from datarequests.letters import reply_letter_pdf
    from datarequests.models import Export
    from datarequests.services import request_subject

    user = request_subject(request)
    path = export_dir() / f"{request.pk}-{secrets.token_hex(8)}.zip.enc"
    with EncryptingWriter(path) as writer:
        # Level 1: most of the size saving at a third of the default level's time.
        with zipfile.ZipFile(
            writer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
        ) as archive:
            _write_csvs(archive, user)
            summaries = _write_json(archive, request, user, now)
            archive.writestr(
                "letter.pdf",
                reply_letter_pdf(
                    request=request, summaries=summaries, recipients=_recipients(user), now=now
                ),
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


ORPHAN_AFTER = timedelta(hours=1)


def exports_purge(*, now: datetime) -> int:
    """Delete export files older than their retention, and files no export points to (left by
    a build whose transaction rolled back); return how many exports were purged."""
    from datarequests.models import Export

    known = set(Export.objects.filter(purged_at__isnull=True).values_list("path", flat=True))
    for path in export_dir().glob("*.zip.enc"):
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=now.tzinfo)
        if str(path) not in known and modified < now - ORPHAN_AFTER:
            path.unlink(missing_ok=True)
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
