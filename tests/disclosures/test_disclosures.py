"""Recipients and disclosures (policy C): recorded, in the person's export and letter, and a
correction sent on to exactly those who received the corrected category in the last 12 months."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from datarequests import services
from datarequests.models import Channel, DataRequest, Kind
from disclosures.models import Disclosure, Recipient
from disclosures.services import recipients_to_notify
from privacy_office import clock
from tests.conftest import verified_login
from tests.datarequests.helpers import export_json, export_zip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recipients():
    def make(code, organisation, kind):
        return Recipient.objects.create(
            code=code,
            organisation=organisation,
            kind=kind,
            service="…",
            jurisdiction="CN",
            confidentiality_agreed_on=date(2024, 1, 1),
        )

    return {
        "logistics": make("sf", "SF Express", Recipient.Kind.SERVICE_PROVIDER),
        "bank": make("boh", "Bank of Hangzhou", Recipient.Kind.BANK),
        "agency": make("credit", "Zhima Credit", Recipient.Kind.CREDIT_AGENCY),
    }


def disclose(recipient, subject, categories, *, days_ago, purpose="B5"):
    return Disclosure.objects.create(
        recipient=recipient,
        subject=subject,
        categories=categories,
        purpose=purpose,
        disclosed_at=clock.now() - timedelta(days=days_ago),
    )


def test_a_correction_goes_to_recipients_of_that_category_in_the_last_12_months(recipients):
    person = UserFactory()
    disclose(recipients["logistics"], person, ["registration"], days_ago=30)
    disclose(recipients["bank"], person, ["account"], days_ago=30)  # another category
    disclose(recipients["agency"], person, ["registration"], days_ago=13 * 30)  # 13 months ago
    disclose(recipients["agency"], UserFactory(), ["registration"], days_ago=1)  # someone else

    found = recipients_to_notify(subject=person, categories=["registration"], now=clock.now())
    ever = recipients_to_notify(
        subject=person, categories=["registration"], now=clock.now(), lookback=None
    )

    assert found == [recipients["logistics"]]
    # GDPR Art. 19 has no look-back: every recipient of the category, however long ago.
    assert ever == sorted(
        [recipients["logistics"], recipients["agency"]], key=lambda r: r.organisation
    )


def test_an_approved_correction_lists_the_recipients_to_notify(recipients, client):
    person = UserFactory(phone="+86 571 1111 1111")
    disclose(recipients["logistics"], person, ["registration"], days_ago=10)
    client.force_login(person)
    request_id = client.post(
        reverse("api-requests"),
        {
            "kind": "correction",
            "jurisdiction": "HK",
            "corrections": [{"field": "accounts.User.phone", "value": "+86 571 2222 2222"}],
        },
        content_type="application/json",
    ).json()["id"]
    services.fee_assess(request_id=request_id, now=clock.now())

    services.correction_approve(request_id=request_id, actor=None, now=clock.now())

    note = DataRequest.objects.get(pk=request_id).events.get(type="note")
    assert note.reason_text == "send the correction on to: SF Express"


def test_disclosures_are_in_the_export_and_the_reply_letter(
    recipients, django_capture_on_commit_callbacks
):
    person = UserFactory()
    disclose(recipients["bank"], person, ["account"], days_ago=5, purpose="B5")
    request = services.data_request_submit(
        requester=services.Requester(user=person),
        kind=Kind.ACCESS,
        jurisdiction_code="EU",
        channel=Channel.API,
        now=clock.now(),
    )
    services.fee_assess(request_id=request.pk, now=clock.now())
    services.access_fulfil(request_id=request.pk, now=clock.now())

    export = DataRequest.objects.get(pk=request.pk).export
    rows = export_json(export)["categories"]["activity"]["models"]["disclosures.Disclosure"]["rows"]
    letter = export_zip(export).read("letter.pdf")

    assert rows[0]["purpose"] == "B5"
    assert "account" in rows[0]["categories"]
    assert letter.startswith(b"%PDF")
    from tests.pdf_text import letter_paragraphs

    paragraphs = letter_paragraphs(letter)
    listed = paragraphs[paragraphs.index("Your data was disclosed to these recipients:") :]
    assert listed[1].startswith("• Bank of Hangzhou (Bank (C.4), CN): Account")


def test_the_marketplace_records_disclosures_through_the_api(recipients, client):
    person = UserFactory()
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    row = {
        "recipient": "sf",
        "subject_id": person.pk,
        "categories": ["registration"],
        "purpose": "B5",
        "disclosed_at": clock.now().isoformat(),
        "reference": "order 77",
    }

    stored = client.post(reverse("api-disclosures"), [row, row], content_type="application/json")
    bad = client.post(
        reverse("api-disclosures"),
        [row, {**row, "recipient": "nobody"}],
        content_type="application/json",
    )
    client.force_login(UserFactory())
    refused = client.post(reverse("api-disclosures"), [row], content_type="application/json")

    assert (stored.status_code, stored.json()) == (201, {"stored": 2})
    assert bad.status_code == 400 and bad.json()["detail"].startswith(
        "Disclosure 2: unknown recipient"
    )
    assert refused.status_code == 403
    assert Disclosure.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"subject_id": 999999}, "subject_id must be the id of an account"),
        ({"categories": ["secrets"]}, "categories must list some of"),
        ({"purpose": "B10"}, "purpose must be one of B1 to B9"),
        ({"disclosed_at": "yesterday"}, "disclosed_at must be a date and time"),
        ({"disclosed_at": "2099-01-01T00:00:00Z"}, "disclosed_at is in the future"),
    ],
)
def test_bad_disclosures_are_refused_whole(recipients, client, change, message):
    person = UserFactory()
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    row = {
        "recipient": "sf",
        "subject_id": person.pk,
        "categories": ["registration"],
        "purpose": "B5",
        "disclosed_at": clock.now().isoformat(),
    }

    response = client.post(
        reverse("api-disclosures"), [row, {**row, **change}], content_type="application/json"
    )

    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Disclosure.objects.exists()


def test_a_batch_over_10000_is_too_large_like_an_ingest_batch(recipients, client):
    from django.contrib.auth.models import Permission

    officer = UserFactory()
    officer.user_permissions.add(Permission.objects.get(codename="add_disclosure"))
    client.force_login(officer)

    response = client.post(
        reverse("api-disclosures"), [{}] * 10_001, content_type="application/json"
    )

    assert response.status_code == 413
    assert not Disclosure.objects.exists()


def test_a_service_provider_cannot_be_saved_without_its_confidentiality_agreement(client):
    from django.db import IntegrityError, transaction

    provider = Recipient(
        code="dhl", organisation="DHL", kind=Recipient.Kind.SERVICE_PROVIDER, service="delivery"
    )
    provider.jurisdiction = "DE"
    with pytest.raises(ValidationError) as refused:
        provider.full_clean()
    assert "confidentiality agreement" in str(refused.value.message_dict)
    with transaction.atomic(), pytest.raises(IntegrityError):
        provider.save()  # the database refuses it too, whatever door it comes through
    assert not Recipient.objects.filter(code="dhl").exists()


def test_staff_cannot_register_a_service_provider_without_its_agreement(client):
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:disclosures_recipient_add"),
        {
            "code": "dhl",
            "organisation": "DHL",
            "kind": "service_provider",
            "service": "delivery",
            "jurisdiction": "DE",
        },
    )

    assert response.status_code == 200
    assert "confidentiality agreement was signed" in response.content.decode()
    assert not Recipient.objects.exists()
