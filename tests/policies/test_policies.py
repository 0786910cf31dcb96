"""Policy versions (policy H): the latest published governs at once, every user is told exactly
once (even when the fan-out dies and is run again), and acknowledges on the self-service pages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from cookies.models import ConsentRecord
from policies.models import PolicyAcknowledgement, PolicyNotice, PolicyVersion
from policies.selectors import policy_current
from policies.services import CLAIM_LEASE, policy_notices_send, policy_version_publish
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def new_version(text_change: str = "", *, cookie_change: str = "") -> PolicyVersion:
    first = PolicyVersion.objects.get(version="2018-11-02")
    text = first.text.replace("E. COOKIES", f"E. COOKIES {cookie_change}") + text_change
    return PolicyVersion.objects.create(
        version="2026-12-01", title="Privacy Policy", text=text, summary="Clearer wording."
    )


def test_the_2018_policy_is_the_first_version_and_served_publicly(client):
    page = client.get(reverse("policies:current"))

    assert policy_current().version == "2018-11-02"
    assert "Privacy Policy_waimaotong" in page.content.decode()
    assert "Version 2018-11-02, in force since 2018-11-02." in page.content.decode()


def test_the_policy_reads_as_a_document_not_as_markdown(client):
    page = client.get(reverse("policies:current")).content.decode()

    assert "<h1>Privacy Policy_waimaotong</h1>" in page
    assert '<a href="https://web.archive.org/web/20180511183400id_/' in page
    assert "# Privacy Policy" not in page and "1\\." not in page and "> *The following" not in page


def test_markup_in_a_version_is_shown_as_text_never_run(client, django_capture_on_commit_callbacks):
    version = new_version('\n<script>alert("x")</script> [click](javascript:alert(1))')
    with django_capture_on_commit_callbacks(execute=False):
        policy_version_publish(version_id=version.pk, now=clock.now())

    page = client.get(reverse("policies:current")).content.decode()

    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript:' not in page


def test_publishing_makes_a_version_govern_at_once_and_keeps_the_history(
    client, django_capture_on_commit_callbacks
):
    version = new_version("\nH. A new sentence.")
    with django_capture_on_commit_callbacks(execute=False):
        policy_version_publish(version_id=version.pk, now=clock.now())

    current = client.get(reverse("policies:current")).content.decode()
    old = client.get(reverse("policies:version", args=["2018-11-02"])).content.decode()

    assert policy_current().version == "2026-12-01"
    assert "A new sentence." in current and "Clearer wording." in current
    assert "no longer in force" in old


def test_a_published_version_cannot_be_published_again():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="already published"):
        policy_version_publish(version_id=PolicyVersion.objects.get().pk, now=clock.now())


def test_every_user_is_told_once_even_when_the_fan_out_dies_and_runs_again(settings):
    users = [UserFactory() for _ in range(7)]
    UserFactory(is_active=False)
    version = new_version()
    version.published_at = clock.now()
    version.save()

    # The worker is killed after the fourth message has gone out.
    settings.EMAIL_BACKEND = "tests.mail_backends.DyingEmailBackend"
    with pytest.raises(SystemExit):
        policy_notices_send(version_id=version.pk, now_fn=clock.now, batch=3)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    # Rerun later than the claim lease: the claimed-but-unsent are taken back.
    later = clock.now() + CLAIM_LEASE + timedelta(minutes=1)
    rerun = policy_notices_send(version_id=version.pk, now_fn=lambda: later, batch=3)
    again = policy_notices_send(version_id=version.pk, now_fn=lambda: later, batch=3)

    recipients = [message.to[0] for message in mail.outbox]
    assert sorted(recipients) == sorted(user.email for user in users)
    assert (rerun, again) == (3, 0)
    assert PolicyNotice.objects.filter(version=version, sent_at__isnull=False).count() == 7


def test_a_claim_within_its_lease_is_left_to_its_worker():
    user = UserFactory()
    version = new_version()
    PolicyNotice.objects.create(version=version, user=user, claimed_at=clock.now())

    assert policy_notices_send(version_id=version.pk, now_fn=clock.now) == 0
    assert mail.outbox == []


def test_users_see_a_notice_until_they_acknowledge(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    version = new_version()
    with django_capture_on_commit_callbacks(execute=False):
        policy_version_publish(version_id=version.pk, now=clock.now())

    before = client.get(reverse("accounts:my-data")).content.decode()
    client.post(reverse("policies:acknowledge"), {"next": "/accounts/me/"})
    after = client.get(reverse("accounts:my-data")).content.decode()

    assert "Our privacy policy changed on" in before
    assert "Our privacy policy changed on" not in after
    assert PolicyAcknowledgement.objects.get(user=user).version == version


def test_a_change_to_the_cookie_section_asks_for_cookie_consent_again(
    client, django_capture_on_commit_callbacks
):
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("cookies:consent"), {"action": "accept", "source": "banner", "next": "/"}
        )
    assert 'id="cookie-banner"' not in client.get("/").content.decode()

    other_text = new_version("\nH. Unrelated.")
    with django_capture_on_commit_callbacks(execute=True):
        policy_version_publish(version_id=other_text.pk, now=clock.now())
    unchanged = client.get("/").content.decode()

    cookie_text = PolicyVersion.objects.create(
        version="2027-01-01",
        title="Privacy Policy",
        text=other_text.text.replace("E. COOKIES", "E. COOKIES We now also use analytics."),
    )
    with django_capture_on_commit_callbacks(execute=True):
        policy_version_publish(version_id=cookie_text.pk, now=clock.now())
    changed = client.get("/").content.decode()

    assert 'id="cookie-banner"' not in unchanged
    assert 'id="cookie-banner"' in changed
    client.post(reverse("cookies:consent"), {"action": "reject", "source": "banner", "next": "/"})
    assert ConsentRecord.objects.order_by("-pk").first().policy_version == "2027-01-01"


def test_only_the_privacy_officer_publishes(client):
    from django.contrib.auth.models import Group

    from accounts.roles import PRIVACY_OFFICER, REQUEST_HANDLER

    version = new_version()
    handler = UserFactory(is_staff=True)
    handler.groups.add(Group.objects.get(name=REQUEST_HANDLER))
    verified_login(client, handler)
    refused = client.post(
        reverse("admin:policies_policyversion_changelist"),
        {"action": "publish", "_selected_action": [version.pk], "confirmed": "1"},
    )
    officer = UserFactory(is_staff=True)
    officer.groups.add(Group.objects.get(name=PRIVACY_OFFICER))
    verified_login(client, officer)
    client.post(
        reverse("admin:policies_policyversion_changelist"),
        {"action": "publish", "_selected_action": [version.pk], "confirmed": "1"},
    )

    assert refused.status_code == 403
    version.refresh_from_db()
    assert version.published_at is not None


def test_a_fan_out_past_its_time_budget_hands_the_rest_to_a_new_task(monkeypatch):
    from celery import current_app

    from policies import tasks

    users = [UserFactory() for _ in range(5)]
    version = new_version()
    version.published_at = clock.now()
    version.save()
    start = clock.now()
    minutes = iter(start + timedelta(minutes=n) for n in range(100))  # a minute per batch
    queued = []
    monkeypatch.setattr(
        current_app,
        "send_task",
        lambda name, args, countdown: (
            queued.append((args, countdown))
            if name == tasks.policy_notices_send_task.name
            else None
        ),
    )

    first = policy_notices_send(
        version_id=version.pk,
        now_fn=lambda: next(minutes),
        batch=2,
        until=start + timedelta(minutes=1, seconds=30),
    )

    assert first == 1 and queued == [((version.pk,), 60)]  # one sent, the batch's other handed on
    rest = policy_notices_send(version_id=version.pk, now_fn=clock.now, batch=2)
    assert rest == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)


def test_publishing_tells_every_user_through_the_notices_task(
    eager_tasks, django_capture_on_commit_callbacks
):
    users = [UserFactory() for _ in range(2)]
    version = new_version()

    with django_capture_on_commit_callbacks(execute=True):
        policy_version_publish(version_id=version.pk, now=clock.now())

    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert PolicyNotice.objects.filter(version=version, sent_at__isnull=False).count() == 2
