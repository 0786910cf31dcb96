"""The log book as a file for the regulator: CSV (UTF-8 with a byte-order mark) or PDF, with
headings in English or Simplified Chinese; what was written stays as written."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from datarequests.letters import FONT, _styles
from records.models import LogBookEntry, Section

LANGUAGES = ("en", "zh-hans")


def _headings() -> list[str]:
    return [
        _("Entry"),
        _("Date of the refusal"),
        _("Under"),
        _("Request"),
        _("Received"),
        _("Requester"),
        _("Data concerned"),
        _("Ground"),
        _("Reasons"),
        _("Annotations"),
    ]


def _row(entry: LogBookEntry) -> list[str]:
    notes = "\n".join(f"{note.at:%Y-%m-%d}: {note.text}" for note in entry.annotations.all())
    requester = " ".join(part for part in (entry.requester_name, entry.requester_email) if part)
    return [
        str(entry.pk),
        timezone.localtime(entry.recorded_at).date().isoformat(),
        str(Section(entry.section).label),
        f"{entry.request_id} ({entry.request_kind})",
        timezone.localtime(entry.received_at).date().isoformat(),
        requester,
        entry.data_concerned,
        entry.ground,
        entry.reasons,
        notes,
    ]


def _safe(cell: str) -> str:
    # A cell a spreadsheet would run as a formula is shown with a leading quote.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def logbook_csv(entries: Iterable[LogBookEntry], *, language: str) -> bytes:
    """Return the entries as CSV with headings in the language."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    with translation.override(language):
        writer.writerow(_headings())
        for entry in entries:
            writer.writerow([_safe(cell) for cell in _row(entry)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def logbook_pdf(entries: Iterable[LogBookEntry], *, language: str, now: datetime) -> bytes:
    """Return the entries as an A4 landscape PDF with headings in the language."""
    body, title = _styles()
    with translation.override(language):
        cells = [[Paragraph(escape(text), body) for text in _headings()]]
        for entry in entries:
            cells.append(
                [Paragraph(escape(text).replace("\n", "<br/>"), body) for text in _row(entry)]
            )
        table = Table(
            cells,
            colWidths=[w * mm for w in (12, 22, 28, 24, 22, 34, 38, 32, 34, 26)],
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT, 8),
                    ("GRID", (0, 0), (-1, -1), 0.3, "#8899a6"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story = [
            Paragraph(escape(_("Log book of refusals (PDPO s.27)")), title),
            Paragraph(
                escape(
                    _("Printed on %(date)s; each entry is kept for at least four years.")
                    % {"date": timezone.localtime(now).date().isoformat()}
                ),
                body,
            ),
            Spacer(1, 4 * mm),
            table,
        ]
        buffer = io.BytesIO()
        SimpleDocTemplate(
            buffer,
            pagesize=landscape(A4),
            title=_("Log book of refusals (PDPO s.27)"),
            leftMargin=10 * mm,
            rightMargin=10 * mm,
            invariant=True,
        ).build(story)
    return buffer.getvalue()
