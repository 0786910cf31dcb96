"""'My data' and 'me': everything held about the caller, and only the caller."""

from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse

from activity.models import Lead
from activity.services import browsing_ingest
from privacy_office import clock
from tests.factories import UserFactory, person_with_data_in_every_category

pytestmark = pytest.mark.django_db


def my_data(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("api-my-data"))
    assert response.status_code == 200
    return {
        category["category"]: {item["model"]: item for item in category["models"]}
        for category in response.json()["categories"]
    }


def test_my_data_lists_rows_from_every_category(client):
    user = person_with_data_in_every_category()

    data = my_data(client, user)

    assert list(data) == ["registration", "account", "activity", "event", "browsing"]
    assert data["registration"]["accounts.User"]["rows"][0]["email"] == user.email
    assert data["registration"]["accounts.Membership"]["rows"][0]["level"] == "Gold Supplier"
    assert data["account"]["accounts.PaymentCard"]["rows"][0]["card_number"] == "•••• 1111"
    assert data["account"]["activity.Shipment"]["rows"][0]["tracking_number"] == "SF1234567890"
    assert data["activity"]["activity.Order"]["rows"][0]["goods_type"] == "LED panels"
    assert data["activity"]["activity.ForumPost"]["public"] is True
    assert data["event"]["activity.Lead"]["rows"][0]["event_name"] == "Canton Fair"
    assert data["browsing"]["activity.PageView"]["total"] == 3
    assert data["browsing"]["activity.PageView"]["rows"][0]["ip_address"] == "203.0.113.7"


def test_my_data_page_shows_every_category(client):
    user = person_with_data_in_every_category()
    client.force_login(user)

    page = client.get(reverse("accounts:my-data")).content.decode()

    for heading in (
        "Registration information (A.2)",
        "Account information (A.3)",
        "Activity information (A.4)",
        "Event information (A.5)",
        "Browsing information (A.6)",
    ):
        assert heading in page
    assert "public on the website (B.8)" in page
    assert "Canton Fair" in page


def test_a_lead_is_only_shown_once_the_email_is_verified(client):
    user = UserFactory(email_verified_at=None)
    Lead.objects.create(
        event_name="Canton Fair", event_date=date(2025, 10, 15), full_name="X", email=user.email
    )

    assert "event" not in my_data(client, user)
    user.email_verified_at = clock.now()
    user.save()
    assert "event" in my_data(client, user)


def test_a_long_browsing_history_is_shown_in_part_and_says_so(client):
    user = UserFactory()
    browsing_ingest(
        rows=[
            {
                "viewed_at": clock.now().isoformat(),
                "visitor_id": "v",
                "user_id": user.pk,
                "path": f"/p/{n}",
            }
            for n in range(120)
        ]
    )
    client.force_login(user)

    views = my_data(client, user)["browsing"]["activity.PageView"]
    page = client.get(reverse("accounts:my-data")).content.decode()

    assert (views["total"], len(views["rows"]), views["truncated"]) == (120, 100, True)
    assert "Records 1 to 50 of 120, the latest first" in page


def test_no_one_sees_another_persons_data(client):
    alice = person_with_data_in_every_category()
    bob = UserFactory(email_verified_at=clock.now())

    data = my_data(client, bob)
    body = client.get(reverse("api-my-data")).content.decode()
    page = client.get(reverse("accounts:my-data")).content.decode()
    me = client.get(reverse("api-me")).json()

    assert list(data) == ["registration", "browsing"]  # browsing: Bob's own last sign-in
    assert set(data["registration"]) == {"accounts.User", "accounts.RegistrationChange"}
    assert set(data["browsing"]) == {"accounts.User", "axes.AccessLog"}  # his sign-in
    for output in (body, page):
        assert alice.email not in output and alice.username not in output
        assert "Canton Fair" not in output and "LED panels" not in output
    assert me["username"] == bob.username


def test_me_needs_a_sign_in(client):
    assert client.get(reverse("api-me")).status_code == 401
    assert client.get(reverse("api-my-data")).status_code == 401
    assert client.get(reverse("accounts:my-data")).status_code == 302


def test_patch_me_changes_own_information_and_keeps_the_history(client):
    user = UserFactory(phone="+86 571 1111 1111")
    client.force_login(user)

    response = client.patch(
        reverse("api-me"), {"phone": "+86 571 2222 2222"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["phone"] == "+86 571 2222 2222"
    history = apps.get_model("accounts", "RegistrationChange").objects.filter(pgh_obj=user)
    assert [(c.pgh_label, c.phone) for c in history.order_by("pgh_id")] == [
        ("registered", "+86 571 1111 1111"),
        ("changed", "+86 571 2222 2222"),
    ]
    assert history.order_by("pgh_id").last().pgh_context.metadata["via"] == "self-service"


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"username": "takeover"}, 400, "These fields cannot be changed here: username."),
        ({"is_staff": True}, 400, "These fields cannot be changed here: is_staff."),
        ({"email": "not-an-email"}, 400, "Enter a valid email address."),
        ({"phone": ""}, 400, "This field is required."),
    ],
)
def test_patch_me_refuses_bad_input_and_changes_nothing(client, change, status, message):
    user = UserFactory()
    client.force_login(user)

    response = client.patch(reverse("api-me"), change, content_type="application/json")

    assert response.status_code == status
    assert message in str(response.json())
    user.refresh_from_db()
    assert (user.username, user.is_staff, user.phone) == (user.username, False, "+86 571 8888 0000")


def test_patch_me_cannot_take_another_persons_email(client):
    alice, bob = UserFactory(), UserFactory()
    client.force_login(bob)

    response = client.patch(
        reverse("api-me"), {"email": alice.email}, content_type="application/json"
    )

    assert response.status_code == 202  # the same as for a free address: nothing confirmed
    bob.refresh_from_db()
    assert bob.email != alice.email


def test_edit_page_saves_and_shows_the_change_in_the_history(client):
    user = UserFactory()
    client.force_login(user)
    form = client.get(reverse("accounts:edit")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}

    response = client.post(reverse("accounts:edit"), {**data, "city": "Ningbo"})
    page = client.get(reverse("accounts:my-data")).content.decode()

    assert response.status_code == 302
    assert "Ningbo" in page
    assert "Registration history" in page


def test_a_new_email_is_not_used_until_proven_so_no_one_elses_lead_is_shown(client):
    user = UserFactory(email_verified_at=clock.now())
    Lead.objects.create(
        event_name="Yiwu Fair",
        event_date=date(2025, 5, 1),
        full_name="Someone Else",
        email="someone.else@example.com",
    )
    client.force_login(user)

    client.patch(
        reverse("api-me"), {"email": "someone.else@example.com"}, content_type="application/json"
    )

    user.refresh_from_db()
    assert user.email != "someone.else@example.com"
    assert "event" not in my_data(client, user)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"birth_date": 5}, "Enter a valid date."),
        ({"city": ["Hangzhou"]}, "Give a single value here"),
        ({"city": {"a": 1}}, "Give a single value here"),
    ],
)
def test_patch_me_with_odd_json_values_answers_400(client, change, message):
    client.force_login(UserFactory())

    response = client.patch(reverse("api-me"), change, content_type="application/json")

    assert response.status_code == 400
    assert message in str(response.json())


def test_patch_me_with_a_json_list_answers_400(client):
    client.force_login(UserFactory())

    response = client.patch(reverse("api-me"), ["x"], content_type="application/json")

    assert (response.status_code, response.json()["detail"]) == (400, "Send a JSON object.")
