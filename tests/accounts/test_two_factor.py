"""Staff sign in to the admin with a password and a one-time code (policy G)."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import AUTHENTICATOR, enrolment_link_issue
from privacy_office import clock
from tests.conftest import staff_recovery_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def staff():
    return UserFactory(username="officer", is_staff=True, is_superuser=True)


def code_from_app(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_a_password_alone_does_not_open_the_admin_for_staff_with_a_device(client):
    officer = staff()
    staff_recovery_code(officer)

    response = client.post(LOGIN, {"username": "officer", "password": PASSWORD})

    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_password_and_a_code_from_the_app_open_the_admin(client):
    officer = staff()
    device = TOTPDevice.objects.create(user=officer, name=AUTHENTICATOR, confirmed=True)

    response = client.post(
        LOGIN, {"username": "officer", "password": PASSWORD, "otp_token": code_from_app(device)}
    )

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_recovery_code_works_once(client):
    officer = staff()
    code = staff_recovery_code(officer, "a1b2c3d4")
    first = client.post(LOGIN, {"username": "officer", "password": PASSWORD, "otp_token": code})
    client.post(reverse("admin:logout"))

    second = client.post(LOGIN, {"username": "officer", "password": PASSWORD, "otp_token": code})

    assert first.status_code == 302
    assert second.status_code == 200
    assert not StaticToken.objects.filter(token=code).exists()


def test_a_wrong_code_is_refused(client):
    officer = staff()
    TOTPDevice.objects.create(user=officer, name=AUTHENTICATOR, confirmed=True)

    response = client.post(
        LOGIN, {"username": "officer", "password": PASSWORD, "otp_token": "000000"}
    )

    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_without_a_device_set_one_up_with_a_link_and_get_recovery_codes(client):
    officer = staff()
    link = reverse(
        "accounts:two-factor-enrol",
        kwargs={"token": enrolment_link_issue(user=officer, actor=None, now=clock.now())},
    )
    client.post(LOGIN, {"username": "officer", "password": PASSWORD})

    to_setup = client.get(LOGIN)
    setup = client.get(link)
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = client.post(link, {"token": "123"})
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code slows the next try down; the test does not wait
    right = client.post(link, {"token": code_from_app(device)})

    assert to_setup.status_code == 302 and to_setup["Location"] == reverse("accounts:two-factor")
    assert "<svg" in setup.content.decode()
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    assert right.status_code == 200
    assert len(right.context["codes"]) == 10
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_setup_page_is_for_staff_only(client):
    client.force_login(UserFactory())

    assert client.get(reverse("accounts:two-factor")).status_code == 403


def test_failed_staff_sign_ins_lock_out_as_for_users(client):
    staff()
    for _ in range(5):
        client.post(LOGIN, {"username": "officer", "password": "wrong"})

    response = client.post(LOGIN, {"username": "officer", "password": PASSWORD})

    assert response.status_code == 429
