"""Defects a review found, each held by a test."""

from datetime import timedelta
from datetime import timezone as tz

import pytest
from django.core import mail
from django.urls import reverse

from audit.services import audit_record
from audit.verification import audit_chain_verify
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import PASSWORD, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_event_stamped_in_another_time_zone_keeps_the_chain_intact():
    shanghai = clock.now().astimezone(tz(timedelta(hours=8)))
    audit_record(actor=None, action="change", target="x:1", now=shanghai, reference="a\x00b")

    assert audit_chain_verify() == (1, None)


def test_a_made_up_visitor_cookie_does_not_escape_the_sign_in_limit(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (3, 60)}
    user = UserFactory()
    answers = []
    for n in range(4):
        client.cookies["po_visitor"] = f"madeup{n:010d}"
        answers.append(
            client.post(reverse("accounts:login"), {"username": user.username, "password": "x"})
        )

    assert answers[-1].status_code == 429


def test_erasing_a_minor_who_sold_leaves_the_buyers_order_alone():
    from activity.models import Order
    from datarequests.erasure import _erase_rows
    from privacy_office.registry import registry

    minor, buyer = UserFactory(), UserFactory()
    order = OrderFactory(buyer=buyer, seller=minor, delivery_address="Buyer's street 1")

    _erase_rows(registry.for_model(Order), minor)

    order.refresh_from_db()
    assert order.delivery_address == "Buyer's street 1"


def test_linking_a_new_authenticator_needs_the_existing_second_factor(client):
    from django_otp.plugins.otp_static.models import StaticDevice

    officer = UserFactory(is_staff=True)
    StaticDevice.objects.create(user=officer, name="recovery codes", confirmed=True)
    client.post(reverse("accounts:login"), {"username": officer.username, "password": PASSWORD})

    response = client.get(reverse("accounts:two-factor"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_policy_fan_out_goes_on_after_a_refused_address(monkeypatch):
    import smtplib

    from policies import services
    from policies.models import PolicyVersion

    users = [UserFactory() for _ in range(3)]
    version = PolicyVersion.objects.create(
        version="2026-12-01", title="t", text="x", published_at=clock.now()
    )
    real = services._notice_email

    def refuse_first(v, user):
        if user == users[0]:
            raise smtplib.SMTPRecipientsRefused({user.email: (550, b"no such user")})
        real(v, user)

    monkeypatch.setattr(services, "_notice_email", refuse_first)

    sent = services.policy_notices_send(version_id=version.pk, now_fn=clock.now)

    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users[1:])


def test_staff_get_no_api_token(client):
    officer = UserFactory(is_staff=True)

    response = client.post(
        reverse("api-token"), {"username": officer.username, "password": PASSWORD}
    )

    assert response.status_code == 400
    assert "Staff accounts sign in to the admin with two factors" in str(response.json())


def test_acknowledging_the_policy_never_redirects_off_site(client):
    client.force_login(UserFactory())

    response = client.post(reverse("policies:acknowledge"), {"next": "https://evil.example/"})

    assert response["Location"] == reverse("accounts:my-data")


def test_the_sweep_resends_a_stuck_guardian_deletion(monkeypatch):
    from celery import current_app

    from datarequests import services
    from datarequests.models import Channel, DataRequest, Kind, Status

    sent = []

    def send_task(name, args, countdown=None):
        if name == "datarequests.tasks.minor_erase_task":
            sent.extend(args)

    monkeypatch.setattr(current_app, "send_task", send_task)
    request = services.data_request_submit(
        requester=services.Requester(user=UserFactory()),
        kind=Kind.GUARDIAN_DELETION,
        jurisdiction_code="HK",
        channel=Channel.API,
        minor=UserFactory(),
        now=clock.now(),
    )
    DataRequest.objects.filter(pk=request.pk).update(status=Status.IN_PROGRESS)

    services.requests_sweep(now=clock.now() + timedelta(minutes=20))

    assert sent == [request.pk]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"purpose": ["B1"]}, "purpose must be one of B1 to B9"),
        ({"categories": [{}]}, "categories must list some of"),
        ({"disclosed_at": "2025-02-30T10:00:00+00:00"}, "disclosed_at must be a date and time"),
    ],
)
def test_odd_disclosure_values_answer_400(client, change, message):
    from disclosures.models import Recipient

    Recipient.objects.create(
        code="sf", organisation="SF", kind="bank", service="x", jurisdiction="CN"
    )
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    row = {
        "recipient": "sf",
        "subject_id": UserFactory().pk,
        "categories": ["account"],
        "purpose": "B5",
        "disclosed_at": clock.now().isoformat(),
        **change,
    }

    response = client.post(reverse("api-disclosures"), [row], content_type="application/json")

    assert response.status_code == 400
    assert message in response.json()["detail"]
