"""Input a form would quietly misread is refused with a clear message: "maybe" is not yes,
1800 is not a year of birth, XX is not a country."""

import pytest
from django.urls import reverse

from activity.models import PageView
from activity.services import IngestError, browsing_ingest
from privacy_office import clock
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["maybe", 123, "yes", [True]])
def test_a_yes_no_field_takes_true_or_false_only(client, value):
    user = UserFactory(notify_by_email=False)
    client.force_login(user)

    response = client.patch(
        reverse("api-me"), {"notify_by_email": value}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"notify_by_email": ["Give true or false."]}
    user.refresh_from_db()
    assert user.notify_by_email is False


@pytest.mark.parametrize(("before", "sent", "after"), [(False, True, True), (True, None, False)])
def test_true_false_and_null_still_work(client, before, sent, after):
    """null clears the choice, as it did before yes/no fields became strict."""
    user = UserFactory(notify_by_email=before)
    client.force_login(user)

    response = client.patch(
        reverse("api-me"), {"notify_by_email": sent}, content_type="application/json"
    )

    assert response.status_code == 200 and response.json()["notify_by_email"] is after


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"birth_year": 1800}, "birth_year", "Give a year between 1900 and"),
        ({"birth_year": 2999}, "birth_year", "Give a year between 1900 and"),
        ({"country": "XX"}, "country", "XX is not a country code"),
        ({"birth_date": "1066-10-14"}, "birth_date", "Give a year between 1900 and"),
    ],
)
def test_impossible_years_and_countries_are_refused(client, change, field, message):
    user = UserFactory(country="CN")
    client.force_login(user)

    response = client.patch(reverse("api-me"), change, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["fields"][field][0].startswith(message)
    user.refresh_from_db()
    assert user.country == "CN"


def test_a_lower_case_country_code_is_taken(client):
    user = UserFactory(country="CN")
    client.force_login(user)

    response = client.patch(reverse("api-me"), {"country": "hk"}, content_type="application/json")

    assert response.status_code == 200 and response.json()["country"] == "HK"


def test_ingest_refuses_a_user_id_that_is_no_account_and_stores_nothing():

    user = UserFactory()
    now = clock.now()
    rows = [
        {"viewed_at": now.isoformat(), "visitor_id": "v", "path": "/", "user_id": user.pk},
        {"viewed_at": now.isoformat(), "visitor_id": "v", "path": "/", "user_id": 99_999_999},
    ]

    with pytest.raises(IngestError) as error:
        browsing_ingest(rows=rows, now=now)

    assert error.value.line == 2 and "user_id is not the id of an account" in str(error.value)
    assert not PageView.objects.filter(visitor_id="v").exists()


def test_token_errors_have_the_documented_shape(client):
    user = UserFactory()

    missing = client.post(reverse("api-token"), {"username": user.username})
    wrong = client.post(reverse("api-token"), {"username": user.username, "password": "nope"})

    assert missing.status_code == wrong.status_code == 400
    assert missing.json()["fields"] == {"password": ["This field is required."]}
    assert missing.json()["detail"] == "Please correct the fields listed."
    assert wrong.json()["fields"] == {}
    assert wrong.json()["detail"].startswith("Unable to log in")


def test_nested_serializer_errors_are_named_by_their_path():
    from rest_framework.exceptions import ValidationError

    from privacy_office.api import exception_handler

    flat = exception_handler(ValidationError({"x": "bad value"}), {}).data
    nested = exception_handler(
        ValidationError({"corrections": [{}, {"value": ["too long"]}], "non_field_errors": ["no"]}),
        {},
    ).data

    assert flat == {"detail": "Please correct the fields listed.", "fields": {"x": ["bad value"]}}
    assert nested == {"detail": "no", "fields": {"corrections.1.value": ["too long"]}}


def test_a_value_recorded_under_older_rules_does_not_block_other_edits(client):
    user = UserFactory(country="CN")
    type(user).objects.filter(pk=user.pk).update(country="UK")  # before codes were checked
    client.force_login(user)

    phone = client.patch(
        reverse("api-me"), {"phone": "+86 571 1234 5678"}, content_type="application/json"
    )
    back = client.patch(reverse("api-me"), {"country": "XX"}, content_type="application/json")

    assert phone.status_code == 200
    assert back.status_code == 400
