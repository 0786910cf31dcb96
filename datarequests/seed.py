"""The starting rules of each jurisdiction, from ../shared/docs/JURISDICTIONS.md.

Installed once (missing ones only); afterwards a privacy officer keeps them in
the admin, since laws change.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop

from datarequests.models import DeadlineUnit, FeeRule, Kind, Notice
from datarequests.reasons import JURISDICTIONS as JURISDICTION_LABELS

HK_GROUNDS = [
    gettext_noop("s.20(1)(a) identity or relevant-person status not established"),
    gettext_noop("s.20(1)(b) another person's data would be disclosed and cannot be redacted"),
    gettext_noop("s.20(1)(c) disclosure prohibited by law"),
    gettext_noop("s.20(3)(a) not in writing in Chinese or English"),
    gettext_noop("s.20(3)(b) not enough information to locate the data"),
    gettext_noop("s.20(3)(c) follows two or more similar requests and is unreasonable"),
    gettext_noop("s.20(3)(d) another data user controls the data"),
    gettext_noop("s.20(3)(e) the specified form was not used"),
    gettext_noop("Part 8 exemption"),
]
HK_REPEAT = HK_GROUNDS[5]
CCPA_TWICE = gettext_noop("§1798.130(b) access already provided twice in the 12 months before")
GDPR_GROUNDS = [
    gettext_noop("Art.12(5) manifestly unfounded"),
    gettext_noop("Art.12(5) manifestly excessive"),
    gettext_noop("Art.15(4) the rights and freedoms of others"),
]

JURISDICTIONS: list[dict[str, Any]] = [
    {
        "code": "HK",
        **JURISDICTION_LABELS["HK"],
        "time_zone": "Asia/Hong_Kong",
        "holiday_country": "HK",
        "holiday_end_rule": True,
        "delay_notice": Notice.DELAY,
        "delay_notice_days_before": 1,
        "deadline_amount": 40,
        "deadline_unit": DeadlineUnit.CALENDAR_DAYS,
        "extension_notice": "No extension: before day 40, written notice with reasons, comply "
        "in part, then in full as soon as practicable (s.19(2)).",
        "clock_pauses_for_fee": True,
        "access_fee": FeeRule.REASONABLE,
        "fee_lowest_form_rule": True,
        "currency": "HKD",
        "refusal_grounds": HK_GROUNDS,
        "source": "PDPO s.19(1), s.19(2), s.20(3)(c), s.23, s.28(1), s.28(4); fee pause is a "
        "choice (s.28(5)); Cap. 1 s.71 for a period ending on a general holiday.",
    },
    {
        "code": "EU",
        **JURISDICTION_LABELS["EU"],
        "time_zone": "",  # the controller's member state (DATAREQUESTS_EU_MEMBER_STATE)
        "holiday_country": "",
        "clock_pauses_for_clarification": True,
        "deadline_amount": 1,
        "deadline_unit": DeadlineUnit.MONTHS,
        "next_working_day_rule": True,
        "extension_amount": 2,
        "extension_unit": DeadlineUnit.MONTHS,
        "extension_notice": "Tell the requester within the first month, with reasons (Art.12(3)).",
        "access_fee": FeeRule.FREE,
        "currency": "EUR",
        "refusal_grounds": GDPR_GROUNDS,
        "source": "GDPR Art.12(3), 12(5), 15(3); Regulation 1182/71 Art.3.",
        "erasure_right": "GDPR Art. 17 (exceptions Art. 17(3))",
    },
    {
        "code": "UK",
        **JURISDICTION_LABELS["UK"],
        "time_zone": "Europe/London",
        "holiday_country": "GB",
        "holiday_subdivision": "ENG",
        "clock_pauses_for_clarification": True,
        "deadline_amount": 1,
        "deadline_unit": DeadlineUnit.MONTHS,
        "next_working_day_rule": True,
        "extension_amount": 2,
        "extension_unit": DeadlineUnit.MONTHS,
        "extension_notice": "Tell the requester within the first month, with reasons.",
        "clock_restarts_on_answer": True,
        "access_fee": FeeRule.FREE,
        "currency": "GBP",
        "refusal_grounds": GDPR_GROUNDS,
        "source": "UK GDPR Art.12(3); ICO guidance on when the time limit starts.",
        "erasure_right": "UK GDPR Art. 17 (exceptions Art. 17(3))",
    },
    {
        "code": "CN",
        **JURISDICTION_LABELS["CN"],
        "time_zone": "Asia/Shanghai",
        "holiday_country": "CN",
        "deadline_amount": 15,
        "deadline_unit": DeadlineUnit.WORKING_DAYS,
        "access_fee": FeeRule.FREE,
        "currency": "CNY",
        "refusal_grounds": [gettext_noop("PIPL Art.50: reasons always given")],
        "source": "PIPL Art.50; GB/T 35273-2020 8.7; 15 working days is a choice.",
        "erasure_right": "PIPL Art. 47",
    },
    {
        "code": "US-CA",
        **JURISDICTION_LABELS["US-CA"],
        "time_zone": "America/Los_Angeles",
        "holiday_country": "US",
        "holiday_subdivision": "CA",
        "receipt_notice_working_days": 10,
        "deadline_amount": 45,
        "deadline_unit": DeadlineUnit.CALENDAR_DAYS,
        "extension_amount": 45,
        "extension_unit": DeadlineUnit.CALENDAR_DAYS,
        "extension_notice": "Once, with notice and reasons within the first 45 days.",
        "access_fee": FeeRule.FREE,
        "currency": "USD",
        "refusal_grounds": [
            gettext_noop("manifestly unfounded or excessive"),
            gettext_noop("identity not verified"),
            CCPA_TWICE,
        ],
        "source": "CCPA s.1798.130(b); regs 7021; 7101 for records.",
        "erasure_right": "CCPA §1798.105 (exceptions §1798.105(d))",
    },
    {
        "code": "SG",
        **JURISDICTION_LABELS["SG"],
        "time_zone": "Asia/Singapore",
        "holiday_country": "SG",
        "delay_notice": Notice.REPLY_DATE,
        "deadline_amount": 30,
        "deadline_unit": DeadlineUnit.CALENDAR_DAYS,
        "extension_notice": "If not within 30 days, written notice of when (PDPR 2021).",
        "clock_pauses_for_fee": True,
        "fee_needs_accepted_estimate": True,
        "quote_lapses": False,  # the PDPA sets no lapse of an unanswered estimate
        "access_fee": FeeRule.REASONABLE,
        "currency": "SGD",
        "refusal_grounds": [gettext_noop("PDPA Fifth Schedule exceptions")],
        "source": "PDPA s.21; PDPR 2021 reg 7 (written estimate), reg 8.",
    },
]

# Where a requester may complain (GDPR Art. 15(1)(f) and 77; PDPO s.37): the authority's name
# and postal address, as the reply letter prints them. The names (and Hong Kong's and Mainland
# China's addresses) are translated when the letter is printed; an edited one is printed as
# typed.
AUTHORITIES: dict[str, tuple[str, str]] = {
    "HK": (
        gettext_noop("Office of the Privacy Commissioner for Personal Data, Hong Kong (PCPD)"),
        gettext_noop(
            "Room 1303, 13/F, Dah Sing Financial Centre\n248 Queen's Road East, Wanchai\nHong Kong"
        ),
    ),
    "UK": (
        gettext_noop("Information Commissioner's Office (ICO)"),
        "Wycliffe House, Water Lane\nWilmslow, Cheshire SK9 5AF\nUnited Kingdom",
    ),
    "CN": (
        gettext_noop("Cyberspace Administration of China"),
        gettext_noop("11 Chegongzhuang Street, Xicheng District\nBeijing\nChina"),
    ),
    "US-CA": (
        gettext_noop("California Privacy Protection Agency"),
        "2101 Arena Blvd\nSacramento, CA 95834\nUnited States",
    ),
    "SG": (
        gettext_noop("Personal Data Protection Commission (PDPC), Singapore"),
        "10 Pasir Panjang Road, #03-01 Mapletree Business City\nSingapore 117438",
    ),
}
# The EU's: the lead authority of the controller's member state (DATAREQUESTS_EU_MEMBER_STATE);
# another member state's is entered in the admin.
EU_AUTHORITIES: dict[str, tuple[str, str]] = {
    "IE": (
        gettext_noop("Data Protection Commission (Ireland)"),
        "21 Fitzwilliam Square South\nDublin 2, D02 RD28\nIreland",
    ),
    "FR": (
        gettext_noop("Commission Nationale de l'Informatique et des Libertés (CNIL), France"),
        "3 Place de Fontenoy, TSA 80715\n75334 Paris Cedex 07\nFrance",
    ),
    "NL": (
        gettext_noop("Autoriteit Persoonsgegevens (Dutch Data Protection Authority)"),
        "Postbus 93374\n2509 AJ Den Haag\nNetherlands",
    ),
    "LU": (
        gettext_noop("Commission nationale pour la protection des données (CNPD), Luxembourg"),
        "15, Boulevard du Jazz\nL-4370 Belvaux\nLuxembourg",
    ),
}


def authority_fields(code: str) -> dict[str, str]:
    """The supervisory authority of a jurisdiction as Jurisdiction fields (empty if unknown)."""
    if code == "EU":
        name, address = EU_AUTHORITIES.get(settings.DATAREQUESTS_EU_MEMBER_STATE, ("", ""))
    else:
        name, address = AUTHORITIES.get(code, ("", ""))
    return {"complaint_authority": name, "complaint_authority_address": address}


# (jurisdiction, kind) -> base, per 1,000 records, postage. Everything else is free.
FEES = {
    ("HK", Kind.ACCESS): (Decimal("50.00"), Decimal("10.00"), Decimal("20.00")),
    ("SG", Kind.ACCESS): (Decimal("10.00"), Decimal("2.00"), Decimal("5.00")),
}


def jurisdictions_install() -> int:
    """Create the jurisdictions and fee schedules that are missing; return how many were new."""
    from datarequests.models import FeeSchedule, Jurisdiction

    created = 0
    for rules in JURISDICTIONS:
        authority = authority_fields(rules["code"])
        jurisdiction, new = Jurisdiction.objects.get_or_create(
            code=rules["code"], defaults={**rules, **authority}
        )
        created += new
        if not new and not jurisdiction.complaint_authority and authority["complaint_authority"]:
            # Added after the jurisdiction was installed: filled in, never overwritten.
            Jurisdiction.objects.filter(pk=jurisdiction.pk).update(**authority)
        for kind in Kind.values:
            base, per_thousand, postage = FEES.get((jurisdiction.code, kind), (0, 0, 0))
            FeeSchedule.objects.get_or_create(
                jurisdiction=jurisdiction,
                kind=kind,
                defaults={
                    "base_amount": base,
                    "per_thousand_records": per_thousand,
                    "postage": postage,
                },
            )
    return created
