"""Staff enrol a second factor only through an officer's one-time link (issue 13, item 5),
and staff accounts that never enrol are disabled."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import EnrolmentLink, User
from accounts.tasks import staff_without_second_factor_disable_task
from accounts.two_factor import enrolment_link_issue
from audit.models import AuditEvent
from tests.conftest import verified_login
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def code_from_app(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def new_staff(username="newcomer"):
    return UserFactory(username=username, is_staff=True)


def enrol(client, url):
    client.get(url)
    device = TOTPDevice.objects.get(user__username="newcomer", confirmed=False)
    return client.post(url, {"token": code_from_app(device)})


def link_for(user, now=START) -> str:
    token = enrolment_link_issue(user=user, actor=None, now=now)
    return reverse("accounts:two-factor-enrol", kwargs={"token": token})


def test_a_password_alone_cannot_enrol_a_second_factor(client, time_machine):
    time_machine.move_to(START, tick=False)
    newcomer = new_staff()
    client.post(LOGIN, {"username": "newcomer", "password": PASSWORD})

    page = client.get(reverse("accounts:two-factor"))
    guessed = client.get(reverse("accounts:two-factor-enrol", kwargs={"token": "guess"}))
    posted = client.post(
        reverse("accounts:two-factor-enrol", kwargs={"token": "guess"}), {"token": "123456"}
    )

    assert page.status_code == 403 and "Ask one to issue you a link" in page.content.decode()
    assert guessed.status_code == 403 and posted.status_code == 403
    assert "<svg" not in page.content.decode() + guessed.content.decode()
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_officer_issues_a_link_shown_once_and_stored_hashed(client, time_machine):
    time_machine.move_to(START, tick=False)
    officer = UserFactory(username="officer", is_staff=True, is_superuser=True)
    newcomer = new_staff()
    verified_login(client, officer)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "issue_enrolment_link", "_selected_action": [newcomer.pk]},
    )

    body = response.content.decode()
    token = re.search(r"/accounts/two-factor/enrol/([^/<]+)/", body).group(1)
    link = EnrolmentLink.objects.get(user=newcomer)
    assert response.status_code == 200
    assert token not in link.token_digest and len(link.token_digest) == 64
    assert link.issued_by == officer
    assert link.expires_at == START + timedelta(hours=72)
    assert AuditEvent.objects.filter(
        subject=newcomer, target=f"accounts.EnrolmentLink:{link.pk}", actor=officer
    ).exists()
    assert token not in client.get(reverse("admin:accounts_user_changelist")).content.decode()


def test_a_valid_link_enrols_once(client, time_machine):
    time_machine.move_to(START, tick=False)
    newcomer = new_staff()
    url = link_for(newcomer)
    client.post(LOGIN, {"username": "newcomer", "password": PASSWORD})

    first = enrol(client, url)
    client.logout()
    TOTPDevice.objects.filter(user=newcomer).delete()  # even with its device gone
    newcomer.staticdevice_set.all().delete()
    client.post(LOGIN, {"username": "newcomer", "password": PASSWORD})
    again = client.get(url)

    assert first.status_code == 200 and len(first.context["codes"]) == 10
    assert EnrolmentLink.objects.get(user=newcomer).used_at == START
    assert again.status_code == 403
    assert "expired or been used" in again.content.decode()


def test_a_link_enrols_only_its_own_account(client, time_machine):
    time_machine.move_to(START, tick=False)
    url = link_for(new_staff("someone"))
    new_staff()
    client.post(LOGIN, {"username": "newcomer", "password": PASSWORD})

    assert client.get(url).status_code == 403


def test_an_expired_link_is_refused(client, time_machine):
    time_machine.move_to(START, tick=False)
    newcomer = new_staff()
    url = link_for(newcomer)

    time_machine.move_to(START + timedelta(hours=72, seconds=1), tick=False)
    client.post(LOGIN, {"username": "newcomer", "password": PASSWORD})
    page = client.get(url)
    posted = client.post(url, {"token": "123456"})

    assert page.status_code == 403 and posted.status_code == 403
    assert "expired or been used" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=newcomer).exists()


def test_a_new_link_ends_the_earlier_one(client, time_machine):
    time_machine.move_to(START, tick=False)
    newcomer = new_staff()
    old = link_for(newcomer)
    link_for(newcomer)
    client.post(LOGIN, {"username": "newcomer", "password": PASSWORD})

    assert client.get(old).status_code == 403


def test_staff_who_never_enrol_are_disabled_after_the_set_days(time_machine, settings):
    settings.STAFF_ENROLMENT_DAYS = 7
    time_machine.move_to(START, tick=False)
    late = new_staff("late")
    enrolled = new_staff("enrolled")
    TOTPDevice.objects.create(user=enrolled, name="authenticator", confirmed=True)
    customer = UserFactory(username="customer")
    time_machine.move_to(START + timedelta(days=6), tick=False)
    recent = new_staff("recent")

    time_machine.move_to(START + timedelta(days=7, minutes=1), tick=False)
    disabled = staff_without_second_factor_disable_task()
    again = staff_without_second_factor_disable_task()

    active = dict(User.objects.values_list("username", "is_active"))
    assert disabled == 1 and again == 0
    assert active == {"late": False, "enrolled": True, "customer": True, "recent": True}
    assert AuditEvent.objects.filter(subject=late, target=f"accounts.User:{late.pk}").exists()
    assert customer.is_active and recent.is_active


def test_the_days_count_from_becoming_staff_not_from_joining(time_machine):
    time_machine.move_to(START, tick=False)
    promoted = UserFactory(username="promoted")
    time_machine.move_to(START + timedelta(days=30), tick=False)
    promoted.is_staff = True
    promoted.save()

    time_machine.move_to(START + timedelta(days=31), tick=False)
    staff_without_second_factor_disable_task()

    promoted.refresh_from_db()
    assert promoted.is_active
    assert promoted.staff_since == START + timedelta(days=30)
