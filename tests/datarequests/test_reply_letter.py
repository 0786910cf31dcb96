"""The reply letter to an access request tells what GDPR Art. 15(1) and PDPO s.19 ask: the
purposes, categories, recipients, how long each category is kept (in words), the source of
data not collected from the person, the rights to correction and to complain to the
authority of the request's jurisdiction (named, with its address), under the letterhead and
signed by the privacy officer, in an embedded font."""

import importlib
from datetime import UTC, date, datetime, timedelta

import pytest

from activity.models import Lead, PageView
from activity.partitions import partitions_ensure
from datarequests.exports import export_create
from datarequests.models import Channel, Jurisdiction, Kind
from datarequests.seed import authority_fields
from datarequests.services import Requester, data_request_submit
from disclosures.models import Disclosure, Recipient
from privacy_office import clock
from tests.datarequests.helpers import export_zip
from tests.factories import UserFactory
from tests.pdf_text import letter_paragraphs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(datetime(2026, 11, 20, 2, 0, tzinfo=UTC), tick=False)
    # The page views below go into November 2026's partition, whatever today is (the suite
    # also runs as if today were 29 February 2028, when that month is long gone).
    partitions_ensure(first=date(2026, 11, 1), last=date(2026, 11, 30))


@pytest.fixture
def person():
    """Someone met at a fair, who browsed the site and whose data went to a carrier."""
    user = UserFactory()
    Lead.objects.create(
        event_name="Canton Fair",
        event_date=date(2025, 10, 15),
        full_name="Mei Chen",
        email="mei.chen@example.com",
        matched_user=user,
    )
    PageView.objects.create(
        viewed_at=clock.now(), visitor_id="v", session_id="s", user=user, path="/"
    )
    carrier = Recipient.objects.create(
        code="sf",
        organisation="SF Express",
        kind=Recipient.Kind.SERVICE_PROVIDER,
        service="deliveries",
        jurisdiction="CN",
        confidentiality_agreed_on=date(2024, 1, 1),
    )
    Disclosure.objects.create(
        recipient=carrier,
        subject=user,
        categories=["registration"],
        purpose="B5",
        disclosed_at=clock.now() - timedelta(days=3),
    )
    return user


def letter(user, jurisdiction="HK", language="en") -> bytes:
    request = data_request_submit(
        requester=Requester(user=user),
        kind=Kind.ACCESS,
        jurisdiction_code=jurisdiction,
        channel=Channel.API,
        now=clock.now(),
        language=language,
    )
    return export_zip(export_create(request=request, now=clock.now())).read("letter.pdf")


def test_the_hk_letter_tells_what_the_law_asks(person, settings):
    settings.PRIVACY_OFFICER_NAME = "Wang Fang"

    text = letter_paragraphs(letter(person))

    assert text[:3] == [
        "Zhejiang Foreign Trade Internet Ltd.",
        "471 Jincheng Road, Xiaoshan District",
        "Hangzhou, Zhejiang, China",
    ]
    assert "2026-11-20" in text
    # categories and purposes
    assert "Event information (A.5)" in text and "Browsing information (A.6)" in text
    assert any("B7 Marketing and memberships" in line for line in text)
    # retention in words, per category
    kept = text[text.index("How long we keep each category of data:") + 1 :]
    assert "• Event information (A.5): 2 years" in kept
    assert "• Browsing information (A.6): 13 months; until you close your account" in kept
    assert not any("2196" in line or "730 days" in line for line in text)
    # recipients: those recorded, and the categories of the register
    assert any(line.startswith("• SF Express (Service provider (C.1), CN)") for line in text)
    assert (
        "We may disclose data to these categories of recipients (policy section C): "
        "Service provider (C.1)." in text
    )
    # the source of the lead, the correction right, the complaint to the PCPD
    assert any(
        line.startswith("Where your data came from: the event information (policy A.5)")
        and "trade fairs" in line
        for line in text
    )
    assert any(line.startswith("You have the right to ask us to correct") for line in text)
    complaint = text.index(
        "If you are not satisfied with our reply, you have the right to complain to the "
        "supervisory authority:"
    )
    assert text[complaint + 1 : complaint + 4] == [
        "Office of the Privacy Commissioner for Personal Data, Hong Kong (PCPD)",
        "Room 1303, 13/F, Dah Sing Financial Centre",
        "248 Queen's Road East, Wanchai",
    ]
    assert text[-4:] == [
        "Yours sincerely,",
        "Wang Fang",
        "Privacy Officer",
        "Zhejiang Foreign Trade Internet Ltd.",
    ]


def test_the_letterhead_comes_from_the_settings(person, settings):
    settings.PRIVACY_OFFICE_LETTERHEAD = "Example Marketplace Ltd.\n1 Harbour Road\nHong Kong"

    text = letter_paragraphs(letter(person))

    assert text[:3] == ["Example Marketplace Ltd.", "1 Harbour Road", "Hong Kong"]
    assert text[-2:] == ["Privacy Officer", "Example Marketplace Ltd."]


def test_the_letter_embeds_its_font(person):
    pdf = letter(person)

    assert b"/FontFile2" in pdf or b"/FontFile3" in pdf
    assert b"WenQuanYiMicroHei" in pdf


def test_the_chinese_letter_names_the_authority_in_chinese(person):
    pdf = letter(person, language="zh-hans")
    text = letter_paragraphs(pdf)

    assert b"/FontFile2" in pdf
    assert "香港个人资料私隐专员公署" in text
    assert "香港湾仔皇后大道东248号" in text
    assert "如您对我们的答复不满意，有权向以下监管机构投诉：" in text
    assert any(line.startswith("您的资料来源") for line in text)
    assert "• 展会信息（A.5）：2 年" in text
    assert "此致" in text and "隐私主任" in text
    assert "Office of the Privacy Commissioner for Personal Data, Hong Kong (PCPD)" not in text


def test_the_eu_letter_names_the_irish_data_protection_commission(person):
    text = letter_paragraphs(letter(person, jurisdiction="EU"))

    complaint = text.index(
        "If you are not satisfied with our reply, you have the right to complain to the "
        "supervisory authority:"
    )
    assert text[complaint + 1 : complaint + 3] == [
        "Data Protection Commission (Ireland)",
        "21 Fitzwilliam Square South",
    ]
    assert "Dublin 2, D02 RD28" in text


def test_the_eu_authority_follows_the_controllers_member_state(settings):
    settings.DATAREQUESTS_EU_MEMBER_STATE = "FR"

    assert authority_fields("EU")["complaint_authority"].startswith(
        "Commission Nationale de l'Informatique et des Libertés (CNIL)"
    )


@pytest.mark.parametrize(
    ("code", "authority", "town"),
    [
        ("UK", "Information Commissioner's Office (ICO)", "Wilmslow"),
        ("CN", "Cyberspace Administration of China", "Beijing"),
        ("US-CA", "California Privacy Protection Agency", "Sacramento"),
        ("SG", "Personal Data Protection Commission (PDPC), Singapore", "Singapore"),
    ],
)
def test_each_jurisdiction_is_seeded_with_its_authority(code, authority, town):
    jurisdiction = Jurisdiction.objects.get(code=code)

    assert jurisdiction.complaint_authority == authority
    assert town in jurisdiction.complaint_authority_address


def test_the_migration_fills_existing_jurisdictions_and_keeps_an_edited_one():
    from django.apps import apps

    migration = importlib.import_module("datarequests.migrations.0020_letter_authority")
    Jurisdiction.objects.filter(code="HK").update(
        complaint_authority="", complaint_authority_address=""
    )
    Jurisdiction.objects.filter(code="SG").update(complaint_authority="PDPC (edited)")

    migration.fill_authorities(apps, None)

    assert Jurisdiction.objects.get(code="HK").complaint_authority.endswith("(PCPD)")
    assert Jurisdiction.objects.get(code="SG").complaint_authority == "PDPC (edited)"


def test_a_jurisdiction_without_an_authority_points_to_the_local_one(person):
    Jurisdiction.objects.filter(code="HK").update(
        complaint_authority="", complaint_authority_address=""
    )

    text = letter_paragraphs(letter(person))

    assert (
        "If you are not satisfied with our reply, you have the right to complain to the data "
        "protection authority of your jurisdiction." in text
    )
