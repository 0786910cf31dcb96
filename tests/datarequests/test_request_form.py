"""The self-service request form offers every kind: access, corrections of any correctable
field of the person's own records (several at once, with human labels), and a guardian's
deletion with the proof uploaded."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import BankAccount
from datarequests.models import DataRequest, Kind, Status
from tests.factories import AddressFactory, UserFactory, person_with_data_in_every_category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _on_a_winter_morning(time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


def form_page(client) -> str:
    return client.get(reverse("requests:list")).content.decode()


def test_the_form_offers_every_kind_and_names_fields_as_people_do(client):
    user = person_with_data_in_every_category()
    client.force_login(user)

    html = form_page(client)

    for kind in Kind.values:
        assert f'value="{kind}"' in html
    assert ">Registration: last name (now: Chen)<" in html
    assert ">Registration: phone (now: +86 571 8888 0000)<" in html
    assert ">Bank account: account holder (now: Mei Chen)<" in html
    assert ">accounts.User." not in html  # the code's names stay in the values
    assert 'enctype="multipart/form-data"' in html


def test_several_corrections_are_asked_at_once(client, django_capture_on_commit_callbacks):
    user = person_with_data_in_every_category()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("requests:list"),
            {
                "kind": "correction",
                "jurisdiction": "EU",
                "correction_field_1": "accounts.User.last_name",
                "correction_value_1": "Chan",
                "correction_field_3": "accounts.User.city",
                "correction_value_3": "Ningbo",
            },
        )

    request = DataRequest.objects.get()
    assert response.status_code == 302
    assert request.kind == Kind.CORRECTION and request.status == Status.AWAITING_REVIEW
    assert sorted(request.corrections.values_list("field", "new_value")) == [
        ("accounts.User.city", "Ningbo"),
        ("accounts.User.last_name", "Chan"),
    ]


def test_correction_inputs_sent_with_an_access_request_are_ignored(
    client, django_capture_on_commit_callbacks
):
    client.force_login(person_with_data_in_every_category())

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("requests:list"),
            {
                "kind": "access",
                "jurisdiction": "EU",
                "correction_field_1": "accounts.User.last_name",
                "correction_value_1": "Chan",
            },
        )

    request = DataRequest.objects.get()
    assert request.kind == Kind.ACCESS
    assert not request.corrections.exists()


def test_a_correction_of_someone_elses_record_is_not_on_offer(client):
    other = person_with_data_in_every_category(UserFactory(username="other"))
    client.force_login(person_with_data_in_every_category())
    theirs = BankAccount.objects.get(user=other)
    field = f"accounts.BankAccount.holder_name@{theirs.pk}"

    response = client.post(
        reverse("requests:list"),
        {
            "kind": "correction",
            "jurisdiction": "EU",
            "correction_field_1": field,
            "correction_value_1": "Mallory",
        },
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_a_guardian_asks_for_a_minors_data_to_be_deleted_with_the_proof(client):
    minor = UserFactory(username="little-li", birth_year=2012)
    client.force_login(UserFactory(username="parent"))

    response = client.post(
        reverse("requests:list"),
        {
            "kind": "guardian_deletion",
            "jurisdiction": "HK",
            "minor": "little-li",
            "guardianship_document": SimpleUploadedFile(
                "birth-certificate.pdf", PDF, content_type="application/pdf"
            ),
        },
    )

    request = DataRequest.objects.get()
    assert response.status_code == 302
    assert (request.kind, request.minor, request.status) == (
        Kind.GUARDIAN_DELETION,
        minor,
        Status.AWAITING_IDENTITY,  # staff check the guardian and the proof first
    )
    assert request.guardianship_document.name.startswith("guardianship/")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"minor": "little-li"}, "Attach the proof that you are the minor"),
        ({"document": True}, "Name the minor&#x27;s account"),
        ({"minor": "little-li", "document": b"just text"}, "PDF, JPEG or PNG"),
    ],
)
def test_a_guardian_request_without_what_it_needs_is_refused(client, body, message):
    client.force_login(UserFactory(username="parent"))
    post = {"kind": "guardian_deletion", "jurisdiction": "HK", "minor": body.get("minor", "")}
    if "document" in body:
        content = PDF if body["document"] is True else body["document"]
        post["guardianship_document"] = SimpleUploadedFile("proof.pdf", content)

    response = client.post(reverse("requests:list"), post)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DataRequest.objects.exists()


def test_the_form_needs_a_signed_in_person(client):
    response = client.get(reverse("requests:list"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_one_of_several_records_is_corrected_by_its_number(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    AddressFactory(user=user, city="Hangzhou")
    second = AddressFactory(user=user, city="Ningbo")
    client.force_login(user)
    html = form_page(client)
    assert ">Address 2: city (now: Ningbo)<" in html

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("requests:list"),
            {
                "kind": "correction",
                "jurisdiction": "EU",
                "correction_field_1": f"accounts.Address.city@{second.pk}",
                "correction_value_1": "Shaoxing",
            },
        )

    item = DataRequest.objects.get().corrections.get()
    assert (item.field, item.object_id, item.old_value, item.new_value) == (
        "accounts.Address.city",
        str(second.pk),
        "Ningbo",
        "Shaoxing",
    )
