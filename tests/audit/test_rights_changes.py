"""Changes to who may do what are in the trail, through whichever door (issue 13, 4)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from audit.models import AuditEvent
from policies.models import PolicyVersion
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def changes_of(target: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target=target).order_by("seq"))


@pytest.fixture
def officer(client):
    user = UserFactory(username="officer", is_staff=True, is_superuser=True)
    verified_login(client, user)
    return user


def test_a_role_given_in_the_admin_names_the_officer_and_the_role(client, officer):
    person = UserFactory(username="clerk")
    handler = Group.objects.get(name="Request handler")

    client.post(
        reverse("admin:accounts_user_change", args=[person.pk]),
        {
            "username": "clerk",
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "phone": person.phone,
            "birth_year": person.birth_year,
            "country": person.country,
            "preferred_language": "en",
            "is_active": "on",
            "is_staff": "on",
            "groups": [handler.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    details = [e.detail for e in changes_of(f"accounts.User:{person.pk}")]
    events = changes_of(f"accounts.User:{person.pk}")
    assert "is_staff: False → True" in details
    assert "groups added: Request handler" in details
    assert {e.actor for e in events if e.action == "change"} == {officer}
    assert {e.subject for e in events} == {person}


def test_own_permissions_removed_and_superuser_taken_away_are_recorded():
    person = UserFactory(is_staff=True, is_superuser=True)
    permission = Permission.objects.get(codename="view_user")
    person.user_permissions.add(permission)
    person.user_permissions.clear()
    person.is_superuser = False
    person.save()

    details = [e.detail for e in changes_of(f"accounts.User:{person.pk}")]
    assert details == [
        "is_staff: True; is_superuser: True",
        "user_permissions added: accounts.view_user",
        "user_permissions removed: accounts.view_user",
        "is_superuser: True → False",
    ]


def test_a_roles_permissions_changed_are_recorded():
    auditor = Group.objects.get(name="Auditor")
    auditor.permissions.add(Permission.objects.get(codename="view_paymentcard"))

    [event] = changes_of(f"auth.Group:{auditor.pk}")
    assert event.detail == "permissions added: accounts.view_paymentcard"


def test_a_user_added_to_a_role_from_the_roles_side_is_recorded_as_theirs():
    person = UserFactory()
    Group.objects.get(name="Auditor").user_set.add(person)

    [event] = changes_of(f"accounts.User:{person.pk}")
    assert (event.subject, event.detail) == (person, "groups added: Auditor")


def test_api_tokens_issued_and_ended_are_recorded_without_their_key():
    person = UserFactory()
    token, key = AuthToken.objects.create(user=person)
    digest = token.digest
    token.delete()

    events = changes_of(f"knox.AuthToken:user={person.pk}")
    assert [(e.action, e.detail) for e in events] == [
        ("create", "API token issued"),
        ("delete", "API token ended"),
    ]
    for secret in (key, digest):
        assert not AuditEvent.objects.filter(target__contains=secret).exists()
        assert not AuditEvent.objects.filter(detail__contains=secret).exists()


def test_second_factor_devices_added_confirmed_rekeyed_and_removed_are_recorded():
    person = UserFactory(is_staff=True)
    device = TOTPDevice.objects.create(user=person, name="phone", confirmed=False)
    device.confirmed = True
    device.save()
    old_key = device.key
    device.key = "3132333435363738393031323334353637383930"
    device.save()
    device.throttle_increment()  # a failed code: not a change of the device
    pk = device.pk
    device.delete()

    details = [e.detail for e in changes_of(f"otp_totp.TOTPDevice:{pk}")]
    assert details == [
        "second-factor device added (phone, confirmed: False)",
        "confirmed: False → True",
        "key replaced",
        "second-factor device removed (phone)",
    ]
    assert not AuditEvent.objects.filter(detail__contains=old_key).exists()


def test_publishing_a_policy_in_the_admin_names_who_published_it(client, officer):
    first = PolicyVersion.objects.get(version="2018-11-02")
    draft = PolicyVersion.objects.create(
        version="2026-12-01", title="Privacy Policy", text=first.text, summary="Clearer."
    )

    client.post(
        reverse("admin:policies_policyversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk], "confirmed": "1"},
    )

    [event] = changes_of(f"policies.PolicyVersion:{draft.pk}")
    assert (event.actor, event.detail) == (officer, "published 2026-12-01")
