"""The print pack of a postal reply: the reply letter, then the data itself as pages to
print (one small table per record), in the requester's language, from the request's
stored export, so what is posted is what the export holds."""

from __future__ import annotations

import io
import json
import zipfile
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from datarequests.export_storage import export_file_chunks, export_file_exists
from datarequests.exports import _declarations, _recipients, _summary
from datarequests.letters import FONT, _styles, reply_letter_story

# A pack is built in memory; an export larger than this is sent on a medium instead.
PRINTABLE_BYTES = 64 * 1024 * 1024
TOO_LARGE_TO_PRINT = gettext_lazy(
    "This export is too large to print. Download the export and send it on a medium "
    "(a USB key or a disc) instead."
)
NO_EXPORT = gettext_lazy("This request has no export to print (not built yet, or purged).")


def _export_data(export) -> dict:
    if export is None or export.purged_at is not None or not export_file_exists(export.path):
        raise ValidationError(NO_EXPORT)
    if export.size > PRINTABLE_BYTES:
        raise ValidationError(TOO_LARGE_TO_PRINT)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(export_file_chunks(export.path))))
    return json.loads(archive.read("data.json"))


def _model_rows(data: dict) -> dict[str, list[dict]]:
    """Each model's rows, all fields merged across the category sections they appear in."""
    merged: dict[str, list[dict]] = {}
    for section in data["categories"].values():
        for label, held in section["models"].items():
            rows = merged.setdefault(label, [{} for _row in held["rows"]])
            for row, values in zip(rows, held["rows"], strict=True):
                row.update(values)
    return merged


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # a declared value that is not a model field
        return name


def reply_pack_pdf(*, request) -> bytes:
    """Return the print pack of an access request's export: letter, then every record."""
    from datarequests.selectors import request_subject

    data = _export_data(getattr(request, "export", None))
    rows = _model_rows(data)
    body, title = _styles()
    declarations = [d for d in _declarations() if rows.get(d.label)]
    with translation.override(request.language):
        summaries = [_summary(d, len(rows[d.label])) for d in declarations]
        story = reply_letter_story(
            request=request,
            summaries=summaries,
            recipients=_recipients(request_subject(request)),
            now=request.export.created_at,
        )
        story += [
            PageBreak(),
            Paragraph(escape(_("The personal data we hold about you")), title),
            Paragraph(
                escape(
                    _(
                        "Request %(id)s. Card and account numbers are shown by their last "
                        "four digits."
                    )
                    % {"id": request.pk}
                ),
                body,
            ),
            Spacer(1, 4 * mm),
        ]
        if not declarations:
            story.append(Paragraph(escape(_("We hold no personal data about you.")), body))
        for declaration in declarations:
            model = declaration.model
            held = rows[declaration.label]
            story.append(
                Paragraph(
                    escape(
                        _("%(records)s: %(count)s")
                        % {
                            "records": str(model._meta.verbose_name_plural).capitalize(),
                            "count": f"{len(held):,}",
                        }
                    ),
                    title,
                )
            )
            for row in held:
                cells = [
                    [
                        Paragraph(escape(_field_label(model, name)), body),
                        Paragraph(escape("—" if value in (None, "") else str(value)), body),
                    ]
                    for name, value in row.items()
                ]
                table = Table(cells, colWidths=[55 * mm, 115 * mm])
                table.setStyle(
                    TableStyle(
                        [
                            ("FONT", (0, 0), (-1, -1), FONT, 9),
                            ("GRID", (0, 0), (-1, -1), 0.3, "#8899a6"),
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ]
                    )
                )
                story += [KeepTogether(table), Spacer(1, 3 * mm)]
        buffer = io.BytesIO()
        SimpleDocTemplate(
            buffer, pagesize=A4, title=_("Reply to your access request %(id)s") % {"id": request.pk}
        ).build(story)
    return buffer.getvalue()
