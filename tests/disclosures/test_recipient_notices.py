"""Recipients told of a correction or an erasure (GDPR Art. 19, HK s.23(1)(c)): by email with
an acknowledgement link, or by a signed webhook to the reference receiver; reminded every N
days until they acknowledge, overdue past their date, each step in the notice's history."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from datarequests import services
from disclosures.models import Disclosure, Recipient, RecipientNotice
from disclosures.notices import notices_remind
from disclosures.receiver import ReferenceReceiver
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory

SECRET = "a-shared-secret-of-the-bank-0123456789"
NEW_PHONE = "+44 20 7946 0000"


@pytest.fixture
def receiver():
    receiving = ReferenceReceiver(secret=SECRET).start()
    yield receiving
    receiving.stop()


def recipient(code, organisation, **channel):
    return Recipient.objects.create(
        code=code,
        organisation=organisation,
        kind=Recipient.Kind.BANK,
        service="payments",
        jurisdiction="EU",
        **channel,
    )


def disclose(to, person, categories, *, days_ago):
    Disclosure.objects.create(
        recipient=to,
        subject=person,
        categories=categories,
        purpose="B5",
        disclosed_at=clock.now() - timedelta(days=days_ago),
    )


def correct_phone(person, *, jurisdiction="EU"):
    """The person's correction of their phone, reviewed and approved by staff."""
    request = services.data_request_submit(
        requester=services.Requester(user=person),
        kind="correction",
        jurisdiction_code=jurisdiction,
        channel="api",
        corrections=[{"field": "accounts.User.phone", "value": NEW_PHONE}],
        now=clock.now(),
    )
    services.fee_assess(request_id=request.pk, now=clock.now())
    services.correction_approve(request_id=request.pk, actor=None, now=clock.now())
    return request


def states(notice):
    return [event.state for event in notice.events.order_by("at", "pk")]


@pytest.mark.django_db
@pytest.mark.usefixtures("eager_tasks")
def test_a_correction_reaches_an_email_and_a_webhook_recipient_one_acknowledges_one_goes_overdue(
    client, receiver, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime(2026, 11, 24, 9, 0, tzinfo=UTC), tick=False)
    person = UserFactory(phone="+44 20 7946 1111")
    shipper = recipient(
        "dhl", "DHL", notify_by="email", notify_email="privacy@dhl.example", reminder_days=7
    )
    bank = recipient(
        "bank",
        "Bank of Europe",
        notify_by="webhook",
        webhook_url=receiver.url,
        webhook_secret=SECRET,
    )
    disclose(shipper, person, ["registration"], days_ago=40)
    disclose(bank, person, ["registration", "account"], days_ago=400)  # Art. 19: all of them
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        request = correct_phone(person)

    by_webhook = RecipientNotice.objects.get(recipient=bank)
    by_email = RecipientNotice.objects.get(recipient=shipper)
    assert by_webhook.state == "acknowledged"
    assert states(by_webhook) == ["pending", "delivered", "acknowledged"]
    (told,) = receiver.received.values()
    # Only what the bank already had, corrected: no other field of the person.
    assert told == {
        "delivery_id": str(by_webhook.delivery_id),
        "type": "correction",
        "subject_id": person.pk,
        "fields": [{"field": "accounts.User.phone", "value": NEW_PHONE}],
    }
    assert by_email.state == "sent"
    (email,) = [m for m in mail.outbox if m.to == ["privacy@dhl.example"]]
    assert NEW_PHONE in email.body
    assert "/notices/acknowledge/" in email.body

    time_machine.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False)
    assert notices_remind(now=clock.now()) == {"overdue": 0, "reminded": 1, "resent": 0}
    by_email.refresh_from_db()
    assert by_email.reminders == 1
    assert mail.outbox[-1].to == ["privacy@dhl.example"]
    assert mail.outbox[-1].subject.startswith("Reminder: notice")
    assert by_email.events.filter(what="reminder 1 sent").exists()

    time_machine.move_to(datetime(2026, 12, 25, 9, 0, tzinfo=UTC), tick=False)
    notices_remind(now=clock.now())
    by_email.refresh_from_db()
    assert by_email.state == "overdue"
    assert by_email.reminders == 2  # the schedule found it due again on 25 December
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:datarequests_datarequest_change", args=[request.pk]))
    text = page.content.decode()
    assert "Recipients told" in text
    assert "overdue" in text
    assert receiver.calls == 1  # an acknowledged notice is not sent again


@pytest.mark.django_db
@pytest.mark.usefixtures("eager_tasks")
def test_in_hong_kong_only_recipients_of_the_last_12_months_are_told(
    receiver, django_capture_on_commit_callbacks
):
    person = UserFactory()
    recent = recipient("recent", "Recent Ltd", notify_by="post")
    old = recipient("old", "Old Ltd", notify_by="post")
    disclose(recent, person, ["registration"], days_ago=300)
    disclose(old, person, ["registration"], days_ago=400)

    with django_capture_on_commit_callbacks(execute=True):
        correct_phone(person, jurisdiction="HK")

    assert list(RecipientNotice.objects.values_list("recipient__code", flat=True)) == ["recent"]
    notice = RecipientNotice.objects.get()
    assert notice.state == "pending"
    assert notice.events.last().what == "a letter for staff to post"


@pytest.mark.django_db
def test_staff_record_an_acknowledgement_received_by_post(client):
    person = UserFactory()
    letter = recipient("post", "Post Ltd", notify_by="post")
    disclose(letter, person, ["registration"], days_ago=3)
    correct_phone(person)
    notice = RecipientNotice.objects.get()
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    client.post(
        reverse("admin:disclosures_recipientnotice_changelist"),
        {"action": "postal_acknowledgement", "_selected_action": [notice.pk]},
    )

    notice.refresh_from_db()
    assert notice.state == "acknowledged"
    assert "acknowledgement received by post" in notice.events.last().what


@pytest.mark.django_db
@pytest.mark.usefixtures("eager_tasks")
def test_the_emailed_link_acknowledges_and_a_forged_one_finds_nothing(
    client, django_capture_on_commit_callbacks
):
    person = UserFactory()
    shipper = recipient("dhl", "DHL", notify_by="email", notify_email="privacy@dhl.example")
    disclose(shipper, person, ["registration"], days_ago=3)
    with django_capture_on_commit_callbacks(execute=True):
        correct_phone(person)
    (notice_email,) = [m for m in mail.outbox if m.to == ["privacy@dhl.example"]]
    link = next(word for word in notice_email.body.split() if "/notices/acknowledge/" in word)
    path = link[link.index("/notices/") :]

    assert client.get(path[:-3] + "xyz/").status_code == 404
    assert "Confirm that DHL has received" in client.get(path).content.decode()
    client.post(path)

    assert RecipientNotice.objects.get().state == "acknowledged"


@pytest.mark.django_db
@pytest.mark.usefixtures("eager_tasks")
def test_a_receiver_that_refuses_the_signature_gets_nothing_and_the_notice_fails(
    receiver, django_capture_on_commit_callbacks
):
    person = UserFactory()
    bank = recipient(
        "bank", "Bank", notify_by="webhook", webhook_url=receiver.url, webhook_secret="wrong"
    )
    disclose(bank, person, ["registration"], days_ago=3)

    with override_settings(NOTICE_MAX_ATTEMPTS=3), django_capture_on_commit_callbacks(execute=True):
        correct_phone(person)

    notice = RecipientNotice.objects.get()
    assert notice.state == "failed"
    assert receiver.received == {}
    assert receiver.refused == 3
    assert notice.events.last().what == "given up after 3 attempts: the receiver answered 401"


@pytest.mark.django_db
@pytest.mark.usefixtures("eager_tasks")
def test_a_notice_over_the_size_limit_is_refused_with_the_reason(
    receiver, django_capture_on_commit_callbacks
):
    person = UserFactory()
    bank = recipient(
        "bank", "Bank", notify_by="webhook", webhook_url=receiver.url, webhook_secret=SECRET
    )
    disclose(bank, person, ["registration"], days_ago=3)

    with (
        override_settings(NOTICE_PAYLOAD_MAX_BYTES=100),
        django_capture_on_commit_callbacks(execute=True),
    ):
        correct_phone(person)

    notice = RecipientNotice.objects.get()
    assert notice.state == "failed"
    assert "over the limit of 100 bytes for a webhook" in notice.events.last().what
    assert receiver.calls == 0


@pytest.mark.django_db
@override_settings(NOTICE_WEBHOOK_HTTPS_ONLY=True)
def test_a_webhook_recipient_needs_an_https_url_and_a_secret():
    bank = Recipient(
        code="bank",
        organisation="Bank",
        kind=Recipient.Kind.BANK,
        service="payments",
        jurisdiction="EU",
        notify_by="webhook",
        webhook_url="http://bank.example/notices",
    )

    with pytest.raises(ValidationError) as refused:
        bank.full_clean()

    assert refused.value.message_dict["webhook_url"] == [
        "A webhook URL must start with https://: notices carry personal data."
    ]
    assert refused.value.message_dict["webhook_secret"][0].startswith(
        "A webhook recipient needs a secret"
    )


@pytest.mark.django_db
def test_the_webhook_secret_is_stored_encrypted_and_not_shown_in_the_admin(client):
    from django.db import connection

    bank = recipient(
        "bank", "Bank", notify_by="webhook", webhook_url="https://b.example/", webhook_secret=SECRET
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT webhook_secret FROM disclosures_recipient WHERE id = %s", [bank.pk])
        (stored,) = cursor.fetchone()
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:disclosures_recipient_change", args=[bank.pk]))

    assert SECRET not in stored
    assert SECRET not in page.content.decode()
    assert Recipient.objects.get().webhook_secret == SECRET


@pytest.mark.worker
@pytest.mark.dateless
def test_a_webhook_receiver_down_for_a_while_gets_the_notice_once_after_it_is_back(
    celery_worker_thread, receiver
):
    person = UserFactory()
    bank = recipient(
        "bank", "Bank", notify_by="webhook", webhook_url=receiver.url, webhook_secret=SECRET
    )
    disclose(bank, person, ["registration"], days_ago=3)
    receiver.down = True

    correct_phone(person)  # committed: the worker takes the notice through Redis

    deadline = time.monotonic() + 60
    while receiver.calls < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert receiver.calls >= 2  # tried, refused, retried
    assert RecipientNotice.objects.get().state == "pending"
    receiver.down = False
    while RecipientNotice.objects.get().state != "acknowledged" and time.monotonic() < deadline:
        time.sleep(0.2)

    notice = RecipientNotice.objects.get()
    assert notice.state == "acknowledged"
    assert list(receiver.received) == [str(notice.delivery_id)]
    assert json.loads(json.dumps(receiver.received))[str(notice.delivery_id)]["fields"] == [
        {"field": "accounts.User.phone", "value": NEW_PHONE}
    ]
    assert notice.events.filter(what__startswith="attempt").count() >= 1


@pytest.mark.django_db
def test_staff_record_with_a_reason_that_a_recipient_cannot_be_told_and_not_without(client):
    person = UserFactory()
    gone = recipient("gone", "Defunct Ltd", notify_by="post")
    disclose(gone, person, ["registration"], days_ago=3)
    correct_phone(person)
    notice = RecipientNotice.objects.get()
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    changelist = reverse("admin:disclosures_recipientnotice_changelist")

    refused = client.post(
        changelist,
        {"action": "not_sent", "_selected_action": [notice.pk], "reason": " "},
        follow=True,
    )
    assert "Say why telling this recipient is impossible" in refused.content.decode()
    notice.refresh_from_db()
    assert notice.state == "pending"

    client.post(
        changelist,
        {
            "action": "not_sent",
            "_selected_action": [notice.pk],
            "reason": "the company was dissolved in 2025",
        },
    )
    notice.refresh_from_db()
    assert notice.state == "not_sent"
    assert notice.events.last().what.endswith(": the company was dissolved in 2025")


@pytest.mark.django_db
@pytest.mark.usefixtures("eager_tasks")
def test_overdue_notices_are_counted_on_the_staff_dashboard(
    client, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime(2026, 11, 24, 9, 0, tzinfo=UTC), tick=False)
    person = UserFactory()
    shipper = recipient("dhl", "DHL", notify_by="email", notify_email="privacy@dhl.example")
    disclose(shipper, person, ["registration"], days_ago=3)
    with django_capture_on_commit_callbacks(execute=True):
        correct_phone(person)
    time_machine.move_to(datetime(2027, 1, 5, 9, 0, tzinfo=UTC), tick=False)
    notices_remind(now=clock.now())
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:datarequests_dashboard"))

    assert "Notices to recipients overdue: 1" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("eager_tasks")
def test_a_notice_whose_message_was_lost_is_sent_by_the_daily_schedule(receiver, time_machine):
    time_machine.move_to(datetime(2026, 11, 24, 9, 0, tzinfo=UTC), tick=False)
    person = UserFactory()
    bank = recipient(
        "bank", "Bank", notify_by="webhook", webhook_url=receiver.url, webhook_secret=SECRET
    )
    disclose(bank, person, ["registration"], days_ago=3)
    correct_phone(person)  # never committed here: the message to the worker is lost
    assert RecipientNotice.objects.get().state == "pending"

    time_machine.move_to(datetime(2026, 11, 25, 8, 15, tzinfo=UTC), tick=False)
    assert notices_remind(now=clock.now())["resent"] == 1

    assert RecipientNotice.objects.get().state == "acknowledged"
    assert len(receiver.received) == 1


# --- where a webhook may go (review: no SSRF into the office's own network) ---------------


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "http://203.0.114.7/hook",
        "file:///etc/passwd",
        "gopher://example.com/",
    ],
)
def test_in_production_a_webhook_to_a_private_address_or_without_https_is_never_called(url):
    from disclosures.notices import DeliveryFailed, webhook_address_check

    with override_settings(NOTICE_WEBHOOK_HTTPS_ONLY=True), pytest.raises(DeliveryFailed):
        webhook_address_check(url)


def test_a_webhook_to_a_public_https_address_is_allowed():
    from disclosures.notices import webhook_address_check

    with override_settings(NOTICE_WEBHOOK_HTTPS_ONLY=True):
        webhook_address_check("https://8.8.8.8/hook")  # a literal address: no DNS asked


def test_a_receiver_that_redirects_is_a_failed_delivery_not_a_get_elsewhere():
    import http.server
    import threading
    import urllib.error
    import urllib.request

    from disclosures.notices import _NO_REDIRECTS

    followed = []

    class Redirecting(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/inside")
            self.end_headers()

        def do_GET(self):
            followed.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"acknowledged": true}')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        call = urllib.request.Request(
            f"http://127.0.0.1:{server.server_port}/hook", data=b"{}", method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            _NO_REDIRECTS.open(call, timeout=5)
    finally:
        server.shutdown()
    assert refused.value.code == 302
    assert followed == []
