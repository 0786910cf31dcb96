"""Correspondence (issue 15, item 12): staff edit the wording per language, and every message
sent is kept on the request with its text and time."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from accounts.roles import REQUEST_HANDLER
from datarequests import services
from datarequests.models import (
    Channel,
    CorrespondenceTemplate,
    Jurisdiction,
    Kind,
    SentMessage,
)
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _a_wednesday(time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


def refuse(language: str, django_capture_on_commit_callbacks, *, email="li@example.com"):
    owner = UserFactory(email=email)
    request = services.data_request_submit(
        requester=services.Requester(user=owner),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.SELF_SERVICE,
        language=language,
        now=clock.now(),
    )
    ground = Jurisdiction.objects.get(code="HK").refusal_grounds[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.data_request_refuse(
            request_id=request.pk,
            actor=UserFactory(is_staff=True, is_superuser=True),
            ground=ground,
            explanation="The data is exempt.",
            now=clock.now(),
        )
    return request


def test_every_message_sent_is_kept_on_the_request_with_its_text_and_time(
    client, django_capture_on_commit_callbacks
):
    request = refuse("en", django_capture_on_commit_callbacks)

    [sent] = SentMessage.objects.filter(request=request, key="refused")
    [email] = [m for m in mail.outbox if m.subject == sent.subject]
    assert (sent.to, sent.body, sent.failed_at) == ("li@example.com", email.body, None)
    assert sent.sent_at.date() == datetime(2026, 11, 25, tzinfo=UTC).date()
    assert "The data is exempt." in sent.body
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:datarequests_datarequest_change", args=[request.pk]))
    assert sent.subject in page.content.decode()


def test_staffs_wording_is_used_for_its_language_and_the_products_for_the_others(
    django_capture_on_commit_callbacks,
):
    CorrespondenceTemplate.objects.create(
        key="refused",
        language="zh-hans",
        subject="请求 {{ request.pk }} 未能办理",
        body="理由：{{ ground }}。{{ explanation }}",
    )

    chinese = refuse("zh-hans", django_capture_on_commit_callbacks)
    english = refuse("en", django_capture_on_commit_callbacks, email="wei@example.com")

    zh = SentMessage.objects.get(request=chinese, key="refused")
    en = SentMessage.objects.get(request=english, key="refused")
    assert zh.subject == f"请求 {chinese.pk} 未能办理"
    assert zh.body.startswith("理由：") and zh.body.endswith("The data is exempt.")
    assert en.subject == f"Your data request {english.pk} was refused"


def test_a_template_that_does_not_compile_is_refused_with_the_reason(client):
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:datarequests_correspondencetemplate_add"),
        {"key": "refused", "language": "en", "subject": "x", "body": "{% if %}"},
    )

    assert response.status_code == 200
    assert "This template does not compile" in response.content.decode()
    assert not CorrespondenceTemplate.objects.exists()


def test_a_request_handler_may_not_change_the_wording(client):
    handler = UserFactory(is_staff=True)
    handler.groups.add(Group.objects.get(name=REQUEST_HANDLER))
    verified_login(client, handler)

    response = client.post(
        reverse("admin:datarequests_correspondencetemplate_add"),
        {"key": "refused", "language": "en", "subject": "x", "body": "y"},
    )

    assert response.status_code == 403
    assert not CorrespondenceTemplate.objects.exists()


def test_a_message_the_mail_server_refused_is_marked_not_delivered(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.datarequests.helpers.FailingEmailBackend"

    request = refuse("en", django_capture_on_commit_callbacks)

    assert SentMessage.objects.get(request=request, key="refused").failed_at is not None


def test_the_requester_finds_the_messages_sent_to_them_in_their_data(
    client, django_capture_on_commit_callbacks
):
    request = refuse("en", django_capture_on_commit_callbacks)
    client.force_login(request.requester)

    data = client.get(reverse("api-my-data")).json()

    models = {m["model"]: m for c in data["categories"] for m in c["models"]}
    [row] = models["datarequests.SentMessage"]["rows"]
    assert row["subject"] == f"Your data request {request.pk} was refused"
