"""Recovery codes are stored as keyed digests: shown once, usable once, never readable after."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts.two_factor import RECOVERY, recovery_codes_renew
from tests.conftest import verified_login
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def officer():
    return UserFactory(username="officer", is_staff=True, is_superuser=True)


def sign_in(client, code: str) -> int:
    status = client.post(
        LOGIN, {"username": "officer", "password": PASSWORD, "otp_token": code}
    ).status_code
    client.post(reverse("admin:logout"))
    return status


def stored_text() -> str:
    """Every stored recovery-code row as PostgreSQL's text, whatever its columns."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT string_agg(t::text, ' ') FROM otp_static_statictoken t")
        return cursor.fetchone()[0] or ""


def test_the_database_holds_no_recovery_code_in_clear(officer):
    codes = recovery_codes_renew(user=officer)

    stored = stored_text()

    assert len(codes) == StaticToken.objects.filter(device__user=officer).count() == 10
    assert [code for code in codes if code in stored] == []


def test_a_recovery_code_opens_the_admin_once_and_the_others_still_work(client, officer):
    first, second = recovery_codes_renew(user=officer)[:2]

    # (a refusal slows the next try down, so the reused code comes last)
    assert [sign_in(client, first), sign_in(client, second), sign_in(client, first)] == [
        302,
        302,
        200,
    ]
    assert StaticToken.objects.filter(device__user=officer).count() == 8


def test_a_wrong_code_and_a_stolen_digest_are_refused(client, officer):
    recovery_codes_renew(user=officer)
    digest = StaticToken.objects.filter(device__user=officer).first().token

    wrong = sign_in(client, "0123abcd")
    StaticDevice.objects.filter(user=officer).update(throttling_failure_count=0)
    stolen = sign_in(client, digest)

    assert (wrong, stolen) == (200, 200)
    assert client.get(reverse("admin:index")).status_code == 302
    assert StaticToken.objects.filter(device__user=officer).count() == 10


def test_codes_stored_in_clear_before_are_hashed_by_the_migration_and_still_work(client, officer):
    device = StaticDevice.objects.create(user=officer, name=RECOVERY, confirmed=True)
    StaticToken.objects.create(device=device, token="5e1f0c9a")  # as the earlier code stored it
    migration = importlib.import_module("accounts.migrations.0005_trust_recovery_codes_hashed")

    migration.hash_codes(apps, None)

    assert "5e1f0c9a" not in stored_text()
    assert sign_in(client, "5e1f0c9a") == 302


def test_the_admin_shows_whose_codes_and_how_many_but_never_a_code_or_its_digest(client, officer):
    codes = recovery_codes_renew(user=officer)
    digests = list(StaticToken.objects.values_list("token", flat=True))
    device = StaticDevice.objects.get(user=officer, name=RECOVERY)
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    pages = [
        client.get(reverse("admin:otp_static_staticdevice_changelist")),
        client.get(reverse("admin:otp_static_staticdevice_change", args=[device.pk])),
    ]
    added = client.get(reverse("admin:otp_static_staticdevice_add"))

    text = " ".join(page.content.decode() for page in pages)
    assert [page.status_code for page in pages] == [200, 200]
    assert "officer" in text and ">10<" in text
    assert [secret for secret in codes + digests if secret in text] == []
    assert added.status_code == 403
