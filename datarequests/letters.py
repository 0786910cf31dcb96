"""The written reply to an access request, as a PDF in the requester's language (English or
Simplified Chinese), with what GDPR Art. 15(1) and PDPO s.19 ask a reply to tell: the
categories, purposes, recipients, how long each category is kept, where data not collected
from the person came from, the rights to correction and to complain (to the authority of the
request's jurisdiction, by name and address), under the controller's letterhead and signed by
the privacy officer. The font is embedded (WenQuanYi Micro Hei, shipped in ``fonts/``), so the
letter prints the same everywhere, Chinese included."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from privacy_office.periods import retention_in_words
from privacy_office.purposes import PURPOSES
from privacy_office.registry import Category

# A TrueType font with Chinese and Latin glyphs, embedded (as a subset) in every letter: a
# reader without Chinese fonts, or a printer, sees the letter as written.
FONT = "WenQuanYiMicroHei"
FONT_FILE = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"


def letter_font_load() -> None:
    """Parse and register the letter's font (0.1 s, 23 MiB), if not yet done."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))


def _styles():
    letter_font_load()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15)
    return body, ParagraphStyle("title", parent=body, fontSize=15, leading=21, spaceAfter=6)


def _letterhead(body) -> list:
    """The controller's name (larger) and postal address, from PRIVACY_OFFICE_LETTERHEAD."""
    name, *address = settings.PRIVACY_OFFICE_LETTERHEAD.splitlines()
    head = ParagraphStyle("letterhead", parent=body, fontSize=12, leading=16)
    return [
        Paragraph(escape(name), head),
        *[Paragraph(escape(line), body) for line in address],
    ]


def _signature(body) -> list:
    """The privacy officer's signature block (PRIVACY_OFFICER_NAME; the office if unnamed)."""
    name = settings.PRIVACY_OFFICER_NAME
    controller = settings.PRIVACY_OFFICE_LETTERHEAD.splitlines()[0]
    return [
        Spacer(1, 6 * mm),
        Paragraph(escape(_("Yours sincerely,")), body),
        Spacer(1, 10 * mm),
        *([Paragraph(escape(name), body)] if name else []),
        Paragraph(escape(_("Privacy Officer")), body),
        Paragraph(escape(controller), body),
    ]


def _row_kept(summary) -> int | None:
    """How long a model's rows are kept: their fields' longest period (a row is purged
    whole), or None for as long as the account is open."""
    periods = {days for days in summary.retention_days if days}
    return max(periods) if periods else None


def _kept(retention_days) -> str:
    """Periods in words: the longest, and "until you close your account" as well when some
    of the data has no period."""
    periods = {days for days in retention_days if days}
    words = [retention_in_words(max(periods))] if periods else []
    if None in retention_days or not periods:
        words.append(retention_in_words(None))
    return "; ".join(words)


def recipient_kinds() -> set[str]:
    """The kinds of recipient in the disclosures app's register (policy C)."""
    from disclosures.models import Recipient

    return set(Recipient.objects.values_list("kind", flat=True).distinct())


def _recipient_categories(kinds: set[str] | None = None) -> list[str]:
    """The kinds of recipient in the register: who data may go to, in the active language."""
    from disclosures.models import Recipient

    if kinds is None:
        kinds = recipient_kinds()
    return [str(label) for value, label in Recipient.Kind.choices if value in kinds]


def reply_letter_pdf(
    *, request, summaries, recipients=(), now: datetime, kinds: set[str] | None = None
) -> bytes:
    """The letter as PDF; ``kinds`` (``recipient_kinds()``) read beforehand leaves it no
    database query to make."""
    with translation.override(request.language):
        story = reply_letter_story(
            request=request, summaries=summaries, recipients=recipients, now=now, kinds=kinds
        )
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, pagesize=A4, title=_("Reply to your access request")).build(story)
    return buffer.getvalue()


def reply_letter_story(
    *, request, summaries, recipients=(), now: datetime, kinds: set[str] | None = None
) -> list:
    """Return the reply letter's flowables, in the active language (a print pack adds the
    data after them)."""
    body, title = _styles()
    story = [
        *_letterhead(body),
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
                % {"law": request.jurisdiction.law_text}
            ),
            body,
        ),
        Spacer(1, 5 * mm),
    ]
    rows = [[_("Category"), _("Records"), _("Count"), _("Purposes"), _("Kept")]]
    labels = dict(Category.choices)
    for summary in summaries:
        kept = retention_in_words(_row_kept(summary))
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
        *_retention_paragraphs(summaries, body, labels),
        Spacer(1, 3 * mm),
        *_recipient_paragraphs(recipients, body, labels, kinds),
        *_source_paragraphs(summaries, body),
        Spacer(1, 3 * mm),
        Paragraph(escape(_("Card and account numbers are shown by their last four digits.")), body),
        Paragraph(
            escape(
                _(
                    "You have the right to ask us to correct any of this data that is inaccurate "
                    "or incomplete (policy section D): write to us at the address above, or use "
                    "the correction form on the site."
                )
            ),
            body,
        ),
        *_complaint_paragraphs(request.jurisdiction, body),
        *_signature(body),
    ]
    return story


def _retention_paragraphs(summaries, body, labels) -> list:
    """How long each category is kept: its records' longest period, in words."""
    by_category: dict[str, set[int | None]] = {}
    for summary in summaries:
        for category in summary.categories:
            by_category.setdefault(category, set()).add(_row_kept(summary))
    if not by_category:
        return []
    return [
        Paragraph(escape(_("How long we keep each category of data:")), body),
        *[
            Paragraph(
                escape(
                    "• "
                    + _("%(category)s: %(kept)s")
                    % {"category": labels[category], "kept": _kept(by_category[category])}
                ),
                body,
            )
            for category in sorted(by_category)
            if category in labels
        ],
    ]


def _source_paragraphs(summaries, body) -> list:
    """Where data not collected from the person came from (GDPR Art. 15(1)(g)): event
    information (policy A.5) is collected at trade fairs and industry events."""
    if not any(Category.EVENT in summary.categories for summary in summaries):
        return []
    return [
        Spacer(1, 3 * mm),
        Paragraph(
            escape(
                _(
                    "Where your data came from: the event information (policy A.5) was not "
                    "given to us on the site; we collected it at trade fairs and industry "
                    "events, from you or from the business card you left there. Everything "
                    "else you gave us, or it was recorded as you used the site."
                )
            ),
            body,
        ),
    ]


def _complaint_paragraphs(jurisdiction, body) -> list:
    """The right to complain to the supervisory authority of the request's jurisdiction,
    named with its postal address (an authority seeded in English is printed translated)."""
    name = jurisdiction.complaint_authority
    if not name:
        return [
            Paragraph(
                escape(
                    _(
                        "If you are not satisfied with our reply, you have the right to complain "
                        "to the data protection authority of your jurisdiction."
                    )
                ),
                body,
            )
        ]
    address = jurisdiction.complaint_authority_address
    return [
        Paragraph(
            escape(
                _(
                    "If you are not satisfied with our reply, you have the right to complain "
                    "to the supervisory authority:"
                )
            ),
            body,
        ),
        Paragraph(escape(_(name)), body),
        *[Paragraph(escape(line), body) for line in (_(address) if address else "").splitlines()],
    ]


def _recipient_paragraphs(recipients, body, labels, kinds=None) -> list:
    categories = _recipient_categories(kinds)
    may_go_to = (
        [
            Paragraph(
                escape(
                    _(
                        "We may disclose data to these categories of recipients (policy "
                        "section C): %(categories)s."
                    )
                    % {"categories": "; ".join(categories)}
                ),
                body,
            )
        ]
        if categories
        else []
    )
    if not recipients:
        return [
            Paragraph(
                escape(_("Recipients: no disclosure of your data to third parties is recorded.")),
                body,
            ),
            *may_go_to,
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
    return lines + may_go_to


def fee_quote_letter_pdf(*, request, payment: dict | None, now: datetime) -> bytes:
    """The fee quote as a letter for a requester answered by post: the lines, the total,
    where to pay and the reference to quote, in the requester's language."""
    body, title = _styles()
    quote = request.fee_quote
    with translation.override(request.language):
        story = [
            *_letterhead(body),
            Spacer(1, 8 * mm),
            Paragraph(escape(request.requester_name or _("Requester")), body),
            *[Paragraph(escape(line), body) for line in request.postal_address.splitlines()],
            Spacer(1, 6 * mm),
            Paragraph(escape(timezone.localdate(now).isoformat()), body),
            Spacer(1, 6 * mm),
            Paragraph(
                escape(
                    (
                        _("The fee estimate for your request %(id)s")
                        if quote.is_estimate
                        else _("The fee for your request %(id)s")
                    )
                    % {"id": request.pk}
                ),
                title,
            ),
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
            [Paragraph(escape(line["label"]), body), f"{line['amount']} {quote.currency}"]
            for line in quote.shown_lines
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
        story += _fee_terms(request, quote, body)
        story += _signature(body)
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, pagesize=A4, title=_("Fee quote")).build(story)
    return buffer.getvalue()


def _fee_terms(request, quote, body) -> list:
    """What the requester does next: accept or decline an estimate by letter (Singapore,
    PDPR reg 7: nothing is charged unless it is accepted), or pay before the quote lapses."""
    if quote.is_estimate:
        return [
            Paragraph(
                escape(
                    _(
                        "This is a written estimate: nothing is charged unless you accept it, "
                        "and you pay only after accepting it."
                    )
                ),
                body,
            ),
            Paragraph(
                escape(
                    _(
                        "To accept or decline it, write to us at the address above (or email "
                        "us), quoting request %(id)s and saying “I accept the estimate” or “I "
                        "decline the estimate”. If you decline, nothing is charged and the "
                        "request ends. Our deadline waits for your answer."
                    )
                    % {"id": request.pk}
                ),
                body,
            ),
        ]
    if request.jurisdiction.quote_lapses:
        return [
            Paragraph(
                escape(
                    _("The quote is valid for %(days)s days; without payment the request lapses.")
                    % {"days": request.jurisdiction.quote_valid_days}
                ),
                body,
            )
        ]
    return []


def notice_letter_pdf(*, message) -> bytes:
    """A message to a requester without an email address, as the letter staff post: the
    letterhead, the requester's name and postal address, the day it was written, the
    request's reference, the message as the email would have said it, and the signature."""
    from datarequests.calendars import local_day

    request = message.request
    body, title = _styles()
    with translation.override(message.language):
        story = [
            *_letterhead(body),
            Spacer(1, 8 * mm),
            Paragraph(escape(request.requester_name or _("Requester")), body),
            *[Paragraph(escape(line), body) for line in message.to.splitlines() if line.strip()],
            Spacer(1, 6 * mm),
            Paragraph(escape(local_day(request.jurisdiction, message.sent_at).isoformat()), body),
            Paragraph(escape(_("Our reference: request %(id)s") % {"id": request.pk}), body),
            Spacer(1, 6 * mm),
            Paragraph(escape(message.subject), title),
        ]
        for paragraph in re.split(r"\n\s*\n", message.body.strip()):
            lines = [escape(line.strip()) for line in paragraph.splitlines() if line.strip()]
            if lines:
                story += [Paragraph("<br/>".join(lines), body), Spacer(1, 2 * mm)]
        story += _signature(body)
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, pagesize=A4, title=message.subject).build(story)
    return buffer.getvalue()
