"""Telling every user about a new policy: an address the mail server refuses stops no one else."""

import pytest
from django.core import mail

from policies import services
from policies.models import PolicyVersion
from privacy_office import clock
from tests.factories import UserFactory
from tests.mail_backends import REFUSED_DOMAIN

pytestmark = pytest.mark.django_db


def test_the_policy_fan_out_goes_on_after_a_refused_address(settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingEmailBackend"
    users = [UserFactory(email=f"gone@{REFUSED_DOMAIN}"), UserFactory(), UserFactory()]
    version = PolicyVersion.objects.create(
        version="2026-12-01", title="t", text="x", published_at=clock.now()
    )

    sent = services.policy_notices_send(version_id=version.pk, now_fn=clock.now)

    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users[1:])
