"""The written reply to an access request, as a PDF in the requester's language (English or
Simplified Chinese), naming the categories, purposes, recipients and retention."""

from __future__ import annotations

import io
from datetime import datetime
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from privacy_office.purposes import PURPOSES
from privacy_office.registry import Category

FONT = "STSong-Light"  # a CID font built into reportlab: Chinese and Latin, nothing to install
OFFICE = "Zhejiang Foreign Trade Internet Ltd., 471 Jincheng Road, Xiaoshan District, Hangzhou"


def _styles():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15)
    return body, ParagraphStyle("title", parent=body, fontSize=15, leading=21, spaceAfter=6)


def reply_letter_pdf(*, request, summaries, recipients=(), now: datetime) -> bytes:
    with translation.override(request.language):
        story = reply_letter_story(
            request=request, summaries=summaries, recipients=recipients, now=now
        )
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, pagesize=A4, title=_("Reply to your access request")).build(story)
    return buffer.getvalue()


def reply_letter_story(*, request, summaries, recipients=(), now: datetime) -> list:
    """Return the reply letter's flowables, in the active language (a print pack adds the
    data after them)."""
    body, title = _styles()
    story = [
        Paragraph(escape(OFFICE), body),
        Spacer(1, 8 * mm),
        Paragraph(escape(request.requester_name or _("Requester")), body),
        *[Paragraph(escape(line), body) for line in request.postal_address.splitlines()],
        Spacer(1, 6 * mm),
        Paragraph(escape(timezone.localdate(now).isoformat()), body),
        Spacer(1, 6 * mm),
        Paragraph(
            escape(_("Your request %(id)s for access to your personal data") % {"id": request.pk}),
            title,
        ),
        Paragraph(
            escape(
                _(
                    "As you asked under %(law)s, here is a copy of the personal data we hold "
                    "about you. The enclosed files list every record; this letter sums them up."
                )
                % {"law": request.jurisdiction.law}
            ),
            body,
        ),
        Spacer(1, 5 * mm),
    ]
    rows = [[_("Category"), _("Records"), _("Count"), _("Purposes"), _("Kept")]]
    labels = dict(Category.choices)
    for summary in summaries:
        retention = {days for days in summary.retention_days if days}
        kept = (
            _("up to %(days)s days") % {"days": max(retention)}
            if retention
            else _("while the account lives")
        )
        rows.append(
            [
                Paragraph(
                    escape(", ".join(str(labels[c]) for c in sorted(summary.categories))), body
                ),
                Paragraph(
                    escape(summary.verbose_name)
                    + (" " + escape(_("(public)")) if summary.public else ""),
                    body,
                ),
                str(summary.rows),
                Paragraph(
                    escape(
                        "; ".join(
                            f"{code} {PURPOSES[code][0]}" for code in sorted(summary.purposes)
                        )
                    ),
                    body,
                ),
                Paragraph(escape(kept), body),
            ]
        )
    table = Table(rows, colWidths=[32 * mm, 38 * mm, 16 * mm, 58 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9),
                ("GRID", (0, 0), (-1, -1), 0.3, "#8899a6"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 5 * mm),
        *_recipient_paragraphs(recipients, body, labels),
        Paragraph(
            escape(
                _(
                    "Card and account numbers are shown by their last four digits. You may ask "
                    "us to correct any of this data (policy section D)."
                )
            ),
            body,
        ),
    ]
    return story


def _recipient_paragraphs(recipients, body, labels) -> list:
    if not recipients:
        return [
            Paragraph(
                escape(_("Recipients: no disclosure of your data to third parties is recorded.")),
                body,
            )
        ]
    lines = [Paragraph(escape(_("Your data was disclosed to these recipients:")), body)]
    for recipient in recipients:
        categories = ", ".join(str(labels[code]) for code in recipient["categories"])
        purposes = ", ".join(f"{code} {PURPOSES[code][0]}" for code in recipient["purposes"])
        lines.append(
            Paragraph(
                escape(
                    f"• {recipient['organisation']} ({recipient['kind']}, "
                    f"{recipient['jurisdiction']}): {categories}; {purposes}"
                ),
                body,
            )
        )
    return lines


def fee_quote_letter_pdf(*, request, payment: dict | None, now: datetime) -> bytes:
    """The fee quote as a letter for a requester answered by post: the lines, the total,
    where to pay and the reference to quote, in the requester's language."""
    body, title = _styles()
    quote = request.fee_quote
    with translation.override(request.language):
        story = [
            Paragraph(escape(OFFICE), body),
            Spacer(1, 8 * mm),
            Paragraph(escape(request.requester_name or _("Requester")), body),
            *[Paragraph(escape(line), body) for line in request.postal_address.splitlines()],
            Spacer(1, 6 * mm),
            Paragraph(escape(timezone.localdate(now).isoformat()), body),
            Spacer(1, 6 * mm),
            Paragraph(escape(_("The fee for your request %(id)s") % {"id": request.pk}), title),
            Paragraph(
                escape(
                    _(
                        "Your request %(id)s needs a fee before we can proceed, as the law of "
                        "your jurisdiction allows:"
                    )
                    % {"id": request.pk}
                ),
                body,
            ),
            Spacer(1, 3 * mm),
        ]
        rows = [
            [Paragraph(escape(str(line["label"])), body), f"{line['amount']} {quote.currency}"]
            for line in quote.lines
        ]
        rows.append([_("Total"), f"{quote.amount} {quote.currency}"])
        if payment:
            rows += [
                [_("Payee"), Paragraph(escape(payment["payee"]), body)],
                [_("Bank"), Paragraph(escape(payment["bank_name"]), body)],
                [_("Account number"), payment["account_number"]],
                *(
                    [[_("Bank code (SWIFT/BIC)"), payment["bank_code"]]]
                    if payment["bank_code"]
                    else []
                ),
                [_("Payment reference (quote it with the payment)"), payment["reference"]],
            ]
        table = Table(rows, colWidths=[80 * mm, 90 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT, 9),
                    ("GRID", (0, 0), (-1, -1), 0.3, "#8899a6"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [table, Spacer(1, 4 * mm)]
        if payment and payment["instructions"]:
            story.append(Paragraph(escape(payment["instructions"]), body))
        story.append(
            Paragraph(
                escape(
                    _("The quote is valid for %(days)s days; without payment the request lapses.")
                    % {"days": request.jurisdiction.quote_valid_days}
                ),
                body,
            )
        )
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, pagesize=A4, title=_("Fee quote")).build(story)
    return buffer.getvalue()
