from datetime import date

import pytest
from django.urls import reverse

from accounts.forms import MINOR_REFUSED, mandatory_registration_fields
from accounts.models import MarketingPreference, Membership, User
from privacy_office import clock
from tests.factories import REGISTRATION

pytestmark = pytest.mark.django_db

VALID = {**REGISTRATION, "preferred_language": "zh-hans"}


def register(client, **changes):
    data = {key: value for key, value in {**VALID, **changes}.items() if value is not None}
    return client.post(reverse("api-register"), data, content_type="application/json")


def test_registration_creates_the_account_as_a_free_member(client):
    response = register(client, marketing_email=True)

    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "meichen"
    assert body["country"] == "CN"
    assert body["birth_year"] == 1990
    assert "password" not in body
    user = User.objects.get(username="meichen")
    assert user.check_password(VALID["password"])
    assert user.memberships.get().level == Membership.Level.FREE
    assert MarketingPreference.objects.get(user=user, channel="email").opted_in is True


def test_mandatory_fields_are_the_registry_ones():
    assert mandatory_registration_fields() == {
        "username",
        "first_name",
        "last_name",
        "email",
        "phone",
        "birth_year",
        "country",
    }


@pytest.mark.parametrize(
    "field", ["username", "password", "first_name", "last_name", "email", "phone", "country"]
)
def test_each_mandatory_field_is_refused_when_missing(client, field):
    response = register(client, **{field: None})

    assert response.status_code == 400
    assert response.json()["fields"] == {field: ["This field is required."]}
    assert not User.objects.exists()


def test_date_or_year_of_birth_is_needed(client):
    response = register(client, birth_date=None)

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "birth_year": ["Give your date of birth or at least its year."]
    }


def test_a_year_of_birth_alone_is_enough_for_an_adult(client):
    response = register(client, birth_date=None, birth_year=clock.today().year - 19)

    assert response.status_code == 201


def test_under_18_by_date_of_birth_is_refused_with_the_reason(client):
    today = clock.today()
    seventeen = date(today.year - 17, today.month, 1)

    response = register(client, birth_date=seventeen.isoformat())

    assert response.status_code == 400
    assert response.json()["detail"] == str(MINOR_REFUSED)
    assert not User.objects.exists()


def test_a_year_that_could_mean_under_18_is_refused(client):
    response = register(client, birth_date=None, birth_year=clock.today().year - 18)

    assert response.status_code == 400
    assert "section F" in response.json()["detail"]


def test_birth_date_in_the_future_is_refused(client):
    response = register(client, birth_date=f"{clock.today().year + 1}-01-01")

    assert response.json()["fields"] == {"birth_date": ["A date of birth cannot be in the future."]}


def test_duplicate_email_is_refused_whatever_its_case(client):
    register(client)

    response = register(client, username="another", email="MEI.CHEN@example.com")

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "email": ["An account with this email address already exists."]
    }
    assert User.objects.count() == 1


def test_weak_and_mismatched_passwords_are_refused(client):
    weak = register(client, password="12345", password_again="12345")
    mismatched = register(client, password_again="something-else-entirely")

    assert (
        "This password is too short. It must contain at least 10 characters."
        in (weak.json()["fields"]["password"])
    )
    assert mismatched.json()["fields"] == {"password_again": ["The two passwords differ."]}


def test_registration_page_marks_mandatory_fields_and_shows_errors(client):
    page = client.get(reverse("accounts:register")).content.decode()
    refused = client.post(reverse("accounts:register"), {**VALID, "phone": ""})

    # user name, two passwords, two names, email, phone, year of birth, country
    assert page.count('class="mandatory"') == 9
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    assert not User.objects.exists()


def test_registration_page_signs_the_new_user_in(client):
    response = client.post(reverse("accounts:register"), VALID)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:my-data")
    assert client.get(reverse("accounts:my-data")).status_code == 200


def test_registration_with_odd_json_values_answers_400(client):
    number = register(client, birth_date=5)
    listed = register(client, email=["a@example.com"])

    assert number.status_code == 400 and "Enter a valid date." in str(number.json())
    assert listed.status_code == 400 and "Give a single value here" in str(listed.json())
    assert not User.objects.exists()
