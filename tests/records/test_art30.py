"""The record of processing activities (GDPR Art. 30), generated from the registry and the
recipient register, and the check that every purpose has a legal basis."""

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import AUDITOR, CUSTOMER_SERVICE
from disclosures.models import Disclosure, Recipient
from privacy_office import checks, clock
from records.art30 import processing_records
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recipients():
    person = UserFactory()
    courier = Recipient.objects.create(
        code="courier",
        organisation="Hangzhou Express",
        kind="service_provider",
        service="delivers orders",
        jurisdiction="CN",
        confidentiality_agreed_on=date(2025, 1, 1),
    )
    bank = Recipient.objects.create(
        code="bank",
        organisation="Deutsche Handelsbank",
        kind="bank",
        service="pays",
        jurisdiction="DE",
    )
    unused = Recipient.objects.create(
        code="ads", organisation="Ad Partner", kind="supplier", service="ads", jurisdiction="US"
    )
    for recipient, purpose in ((courier, "B5"), (bank, "B5"), (courier, "B5"), (bank, "B9")):
        Disclosure.objects.create(
            recipient=recipient,
            subject=person,
            categories=["activity"],
            purpose=purpose,
            disclosed_at=clock.now(),
        )
    return courier, bank, unused


def by_purpose():
    return {record.purpose: record for record in processing_records()}


def test_every_purpose_of_section_b_has_a_record_with_its_legal_basis(recipients):
    records = by_purpose()

    assert list(records) == ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9"]
    assert all(record.legal_basis.startswith("Art. 6(1)") for record in records.values())
    assert records["B8"].legal_basis.startswith("Art. 6(1)(a) consent")


def test_recipients_and_transfers_come_from_the_disclosures_for_the_purpose(recipients):
    records = by_purpose()

    # Two recipients got data for B5 (the courier twice); the German bank is in the EEA.
    assert records["B5"].recipients == [
        "Deutsche Handelsbank (Bank (C.4))",
        "Hangzhou Express (Service provider (C.1))",
    ]
    assert records["B5"].third_country_transfers == ["Hangzhou Express (CN)"]
    assert records["B9"].third_country_transfers == []
    assert records["B3"].recipients == []  # the ad partner received nothing: in no record


def test_categories_subjects_and_retention_follow_the_declarations(recipients):
    # B8 is declared on forum posts and company profiles only (activity/personal_data.py):
    # activity information of users, kept while the account lives.
    b8 = by_purpose()["B8"]

    assert b8.data_categories == ["Activity information (A.4)"]
    assert b8.subject_categories == ["users (buyers and sellers)"]
    assert b8.retention == "the rest while the account lives"
    assert "Staff sign in with a second factor" in b8.security[2]


def test_a_purpose_without_a_legal_basis_is_warned_about(monkeypatch):
    assert checks.check_purposes_have_a_legal_basis() == []

    monkeypatch.setitem(checks.LEGAL_BASES, "B6", "  ")
    warnings = checks.check_purposes_have_a_legal_basis()

    assert [(w.id, w.msg) for w in warnings] == [
        ("privacy_office.W001", "Purpose B6 has no legal basis recorded.")
    ]


def staff(role):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_the_auditor_reads_the_record_and_downloads_its_csv(client, recipients):
    verified_login(client, staff(AUDITOR))
    url = reverse("admin:records_art30")

    page = client.get(url)
    download = client.get(url, {"format": "csv"})

    assert page.status_code == 200
    assert "Hangzhou Express (CN)" in page.content.decode()
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(rows) == 10
    assert rows[5][0] == "B5" and rows[5][6] == "Hangzhou Express (CN)"


def test_customer_service_cannot_read_the_record(client):
    verified_login(client, staff(CUSTOMER_SERVICE))

    assert client.get(reverse("admin:records_art30")).status_code == 403


def test_the_record_downloads_as_a_pdf_in_either_language(client):
    from tests.records.test_logbook import pdf_title

    verified_login(client, staff(AUDITOR))
    url = reverse("admin:records_art30")

    english = client.get(url, {"format": "pdf", "lang": "en"})
    chinese = client.get(url, {"format": "pdf", "lang": "zh-hans"})

    assert english["Content-Type"] == "application/pdf"
    assert pdf_title(english.content) == "Record of processing activities (GDPR Art. 30)"
    assert pdf_title(chinese.content) == "处理活动记录（GDPR 第30条）"
