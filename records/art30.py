"""The record of processing activities (GDPR Art. 30(1)), generated from the registry.

Per purpose of section B: its legal basis, the categories of personal data and of data
subjects (from every declaration with a field used for it), the recipients (from the
recipient register, those a disclosure for the purpose went to), transfers to third
countries (those recipients outside the EEA), how long the data is kept and the security
measures (Art. 32) that protect it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from datarequests.letters import FONT, _styles
from disclosures.models import Recipient
from privacy_office.purposes import LEGAL_BASES, PURPOSES
from privacy_office.registry import Category, Identifiers, SubjectQuery, registry

CONTROLLER = "Zhejiang Foreign Trade Internet Ltd., 471 Jincheng Road, Xiaoshan District, Hangzhou"
EEA = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
        "EU",
    ]
)


def security_measures() -> list[str]:
    return [
        _("Card and bank account numbers encrypted at rest (Fernet), shown masked"),
        _("Exports, letter scans and proofs sealed in AES-256-GCM, never served by URL"),
        _("Staff sign in with a second factor; roles give each only the data their work needs"),
        _("Every staff read of personal data recorded in an append-only, signed audit trail"),
        _("Logs mask long digit runs and email addresses"),
        _("Declared retention enforced nightly by the purge"),
    ]


@dataclass(frozen=True)
class ProcessingRecord:
    purpose: str
    title: str
    wording: str
    legal_basis: str
    data_categories: list[str]
    subject_categories: list[str]
    recipients: list[str]
    third_country_transfers: list[str]
    retention: str
    security: list[str]


def _subjects(declaration) -> str:
    kind = declaration.kind
    if isinstance(kind, SubjectQuery):
        return _("people whose data was erased (proof of erasure)")
    if isinstance(kind, Identifiers) and not kind.user:
        return _("people without an account, known by email or phone")
    if isinstance(kind, Identifiers):
        return _("users, and requesters known only by email")
    return _("users (buyers and sellers)")


def _retention(days: set[int | None]) -> str:
    kept = sorted(d for d in days if d is not None)
    parts = []
    if kept:
        parts.append(
            _("from %(low)s to %(high)s days, by field") % {"low": kept[0], "high": kept[-1]}
            if len(kept) > 1
            else _("%(days)s days") % {"days": kept[0]}
        )
    if None in days:
        parts.append(_("the rest while the account lives"))
    return "; ".join(parts)


def processing_records() -> list[ProcessingRecord]:
    """Return one record per purpose, from the registry and the recipient register."""
    labels = {code: str(label) for code, label in Category.choices}
    records = []
    measures = security_measures()
    for code, (title, wording) in PURPOSES.items():
        categories: set[str] = set()
        subjects: set[str] = set()
        days: set[int | None] = set()
        for declaration in registry.declarations():
            used = [field for field in declaration.fields if code in field.purposes]
            if not used:
                continue
            subjects.add(_subjects(declaration))
            for field in used:
                categories.add(declaration.category_of(field))
                days.add(field.retention_days)
        recipients = list(
            Recipient.objects.filter(disclosures__purpose=code).distinct().order_by("organisation")
        )
        records.append(
            ProcessingRecord(
                purpose=code,
                title=str(title),
                wording=wording,
                legal_basis=LEGAL_BASES.get(code, ""),
                data_categories=[str(labels.get(c, c)) for c in sorted(categories) if c],
                subject_categories=sorted(subjects),
                recipients=[f"{r.organisation} ({r.get_kind_display()})" for r in recipients],
                third_country_transfers=[
                    f"{r.organisation} ({r.jurisdiction})"
                    for r in recipients
                    if r.jurisdiction.strip().upper() not in EEA
                ],
                retention=_retention(days),
                security=measures,
            )
        )
    return records


def processing_records_csv_rows(records: list[ProcessingRecord]) -> list[list[str]]:
    rows = [
        [
            "purpose",
            "title",
            "legal_basis",
            "data_categories",
            "subject_categories",
            "recipients",
            "third_country_transfers",
            "retention",
            "security_measures",
        ]
    ]
    for record in records:
        rows.append(
            [
                record.purpose,
                record.title,
                record.legal_basis,
                "; ".join(record.data_categories),
                "; ".join(record.subject_categories),
                "; ".join(record.recipients),
                "; ".join(record.third_country_transfers),
                record.retention,
                "; ".join(record.security),
            ]
        )
    return rows


def processing_records_pdf(*, language: str, now: datetime) -> bytes:
    """Return the record as an A4 PDF, in English or Simplified Chinese."""
    body, title = _styles()
    with translation.override(language):
        story = [
            Paragraph(escape(_("Record of processing activities (GDPR Art. 30)")), title),
            Paragraph(escape(f"{_('Controller')}: {CONTROLLER}"), body),
            Paragraph(escape(timezone.localtime(now).date().isoformat()), body),
            Spacer(1, 4 * mm),
        ]
        for record in processing_records():
            rows = [
                (_("Purpose, in the policy's words"), record.wording),
                (_("Legal basis"), record.legal_basis),
                (_("Categories of personal data"), "; ".join(record.data_categories)),
                (_("Categories of data subjects"), "; ".join(record.subject_categories)),
                (_("Recipients"), "; ".join(record.recipients) or "—"),
                (
                    _("Transfers to third countries"),
                    "; ".join(record.third_country_transfers) or "—",
                ),
                (_("Retention"), record.retention or "—"),
                (_("Security measures"), "; ".join(record.security)),
            ]
            table = Table(
                [[Paragraph(escape(str(k)), body), Paragraph(escape(v), body)] for k, v in rows],
                colWidths=[45 * mm, 125 * mm],
            )
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
                Paragraph(escape(f"{record.purpose} {record.title}"), body),
                table,
                Spacer(1, 4 * mm),
            ]
        buffer = io.BytesIO()
        SimpleDocTemplate(
            buffer,
            pagesize=A4,
            title=_("Record of processing activities (GDPR Art. 30)"),
            invariant=True,
        ).build(story)
    return buffer.getvalue()
