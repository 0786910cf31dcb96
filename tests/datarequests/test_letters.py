"""Every requester gets a reply (issue 15, item 1): a requester without an email address
gets each message as a letter staff print, post and record as posted."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from datarequests import notify, services
from datarequests.models import (
    Asked,
    Channel,
    CorrespondenceTemplate,
    DataRequest,
    FeeQuote,
    Kind,
    Notice,
    SentMessage,
    Status,
)
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory
from tests.pdf_text import letter_paragraphs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

ADDRESS = "Flat 3B, 8 Nathan Road\nKowloon\nHong Kong"


@pytest.fixture(autouse=True)
def _a_wednesday(time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def officer():
    return UserFactory(is_staff=True, is_superuser=True)


def postal(code="HK", *, email="", language="en", received=None):
    return services.data_request_submit(
        requester=services.Requester(name="Chan Tai Man", email=email, postal_address=ADDRESS),
        kind=Kind.ACCESS,
        jurisdiction_code=code,
        channel=Channel.LETTER,
        language=language,
        received_at=received or datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
        now=clock.now(),
    )


def a_quote(request, *, estimate=False):
    return FeeQuote.objects.create(
        request=request,
        amount=Decimal("50.00"),
        currency=request.jurisdiction.currency,
        lines=[{"label": "Copying", "amount": "50.00"}],
        status=FeeQuote.Status.QUOTED,
        quoted_at=clock.now(),
        is_estimate=estimate,
    )


def letter_text(message) -> list[str]:
    return letter_paragraphs(
        services.letter_read(
            message_id=message.pk,
            actor=UserFactory(is_staff=True, is_superuser=True),
            now=clock.now(),
        ).content
    )


def joined(paragraphs) -> str:
    return " ".join(paragraphs)


KINDS = {
    "asked": (
        lambda r: notify.asked(r, asked=Asked.IDENTITY, text="Send a copy of your HKID card."),
        "Send a copy of your HKID card.",
    ),
    "fee_quoted": (lambda r: (a_quote(r), notify.fee_quoted(r)), "Copying: 50.00 HKD"),
    "extended": (lambda r: notify.extended(r, reason="Many archived records."), "Many archived"),
    "notice": (
        lambda r: notify.notice(r, notice=Notice.DELAY, text="The archive is offsite."),
        "The archive is offsite.",
    ),
    "refused": (
        lambda r: notify.refused(r, ground="s.20(1)(a)", explanation="Not your data."),
        "Not your data.",
    ),
    "lapsed": (lambda r: notify.lapsed(r), str(0)),
    "fee_receipt": (
        lambda r: notify.fee_receipt(
            r,
            payment=SimpleNamespace(
                amount="50.00", currency="HKD", reference="PO-1", recorded_at=clock.now()
            ),
        ),
        "Keep this letter as your receipt.",
    ),
    "fulfilled": (lambda r: notify.fulfilled(r), "is ready"),
}


@pytest.mark.parametrize("key", list(KINDS))
def test_each_message_to_a_requester_without_email_becomes_a_letter_to_post(key):
    request = postal()
    send, wording = KINDS[key]
    mail.outbox.clear()

    send(DataRequest.objects.get(pk=request.pk))

    [letter] = SentMessage.objects.filter(request=request, key=key)
    assert (letter.channel, letter.to, letter.posted_on) == ("letter", ADDRESS, None)
    assert mail.outbox == []
    text = letter_text(letter)
    assert f"Our reference: request {request.pk}" in text
    assert "Chan Tai Man" in text and "Kowloon" in text and "2026-11-25" in text
    assert letter.subject in text
    assert "Yours sincerely," in text and "Privacy Officer" in text
    if key != "lapsed":
        assert wording in joined(text) and wording in letter.body


def test_a_requester_with_email_is_emailed_as_before(django_capture_on_commit_callbacks):
    request = postal("EU", email="chan@example.com")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.deadline_extend(
            request_id=request.pk, actor=None, reason="Many archived records.", now=clock.now()
        )

    [sent] = SentMessage.objects.filter(request=request, key="extended")
    assert (sent.channel, sent.to, sent.post_by) == ("email", "chan@example.com", None)
    [email] = mail.outbox
    assert email.to == ["chan@example.com"] and "Many archived records." in email.body
    assert (
        services.letter_read(
            message_id=sent.pk, actor=UserFactory(is_staff=True, is_superuser=True), now=clock.now()
        )
        is None
    )


def test_staffs_wording_for_the_language_is_the_letters_wording():
    CorrespondenceTemplate.objects.create(
        key="asked",
        language="zh-hans",
        subject="请求 {{ request.pk }}：需要您的身份证明",
        body="为办理您的请求，请寄来：{{ text }}",
    )
    request = postal(language="zh-hans")

    services.requester_ask(
        request_id=request.pk,
        actor=None,
        asked=Asked.IDENTITY,
        text="香港身份证副本",
        now=clock.now(),
    )

    letter = SentMessage.objects.get(request=request, key="asked")
    text = letter_text(letter)
    assert f"请求 {request.pk}：需要您的身份证明" in text
    assert "为办理您的请求，请寄来：香港身份证副本" in text
    assert f"我方编号：请求 {request.pk}" in text
    assert "此致" in text and "隐私主任" in text


def test_an_ask_by_letter_stops_the_clock_only_from_the_day_it_is_posted(officer, time_machine):
    # EU: a clarification stops the clock; received Wednesday 4 November, due 4 December.
    request = postal("EU", received=datetime(2026, 11, 4, 10, 0, tzinfo=UTC))
    services.requester_ask(
        request_id=request.pk,
        actor=officer,
        asked=Asked.CLARIFICATION,
        text="Which of your two accounts do you mean?",
        now=clock.now(),
    )
    letter = SentMessage.objects.get(request=request, key="asked")
    assert letter.event.status == Status.AWAITING_REQUESTER

    # Unposted for five days: the requester knows of nothing to answer; the clock runs.
    time_machine.move_to(datetime(2026, 11, 30, 10, 0, tzinfo=UTC), tick=False)
    services.letter_posted_record(
        message_id=letter.pk,
        actor=officer,
        posted_on=date(2026, 11, 30),
        method="post",
        now=clock.now(),
    )
    time_machine.move_to(datetime(2026, 12, 10, 10, 0, tzinfo=UTC), tick=False)
    services.requester_answer(request_id=request.pk, actor=officer, note="", now=clock.now())

    request.refresh_from_db()
    # Stopped 30 November to 10 December (10 days), not from the 25th: 14 December.
    assert request.due_at.date() == date(2026, 12, 14)


def test_an_extension_letter_carries_the_first_deadline_to_post_it_by(officer, client):
    request = postal("EU")  # received 20 November: the first month ends on 20 December
    services.deadline_extend(
        request_id=request.pk, actor=officer, reason="Many archived records.", now=clock.now()
    )
    letter = SentMessage.objects.get(request=request, key="extended")
    assert letter.post_by == date(2026, 12, 21)  # the 20th is a Sunday
    verified_login(client, officer)

    page = client.get(reverse("admin:datarequests_datarequest_change", args=[request.pk]))
    assert "post by 2026-12-21" in page.content.decode()


def test_the_page_warns_of_an_extension_letter_unposted_after_the_first_deadline(
    officer, client, time_machine
):
    request = postal("EU")
    services.deadline_extend(
        request_id=request.pk, actor=officer, reason="Many archived records.", now=clock.now()
    )
    time_machine.move_to(datetime(2026, 12, 22, 10, 0, tzinfo=UTC), tick=False)
    verified_login(client, officer)

    page = client.get(reverse("admin:datarequests_datarequest_change", args=[request.pk]))
    home = client.get(reverse("admin:index"))

    assert "late: it had to be posted by 2026-12-21" in page.content.decode()
    assert home.context["cards"]["letters_to_post"] == 1
    assert home.context["cards"]["letters_late"] == 1


def test_staff_post_a_letter_from_the_queue_after_confirming(officer, client):
    request = postal("HK")
    services.requester_ask(
        request_id=request.pk,
        actor=officer,
        asked=Asked.IDENTITY,
        text="HKID copy",
        now=clock.now(),
    )
    letter = SentMessage.objects.get(request=request, key="asked")
    verified_login(client, officer)
    queue = client.get(reverse("admin:datarequests_datarequest_letters")).content.decode()
    assert f"#{request.pk}" in queue
    assert "Nathan Road" not in queue  # masked in lists: the letter carries the address
    assert "C• T•" in queue or "C•" in queue
    url = reverse("admin:datarequests_datarequest_letter_posted", args=[request.pk, letter.pk])
    form = {
        "posted_on": "2026-11-25",
        "method": "registered",
        "tracking": "RR1HK",
        "from_queue": "1",
    }

    asked = client.post(url, form)
    assert "Yes: the letter was posted" in asked.content.decode()
    letter.refresh_from_db()
    assert letter.posted_on is None

    done = client.post(url, {**form, "confirmed": "1"}, follow=True)

    assert "Letter recorded as posted." in done.content.decode()
    letter.refresh_from_db()
    assert (letter.posted_on, letter.posted_method, letter.posted_tracking) == (
        date(2026, 11, 25),
        "registered",
        "RR1HK",
    )
    assert letter.posted_recorded_by == officer
    assert "No letter waits to be posted." in done.content.decode()
    page = client.get(reverse("admin:datarequests_datarequest_change", args=[request.pk]))
    assert "Posted on 2026-11-25 by Registered post; tracking number: RR1HK" in (
        page.content.decode()
    )
    again = client.post(url, {**form, "confirmed": "1"}, follow=True)
    assert "This letter was already recorded as posted." in again.content.decode()


@pytest.mark.parametrize(
    ("posted_on", "method", "tracking", "field", "error"),
    [
        (date(2026, 11, 26), "post", "", "posted_on", "cannot have been posted after today"),
        (date(2026, 11, 24), "post", "", "posted_on", "before it was written (2026-11-25)"),
        (None, "post", "", "posted_on", "Give the date the letter was posted."),
        (date(2026, 11, 25), "pigeon", "", "method", "Choose how the letter was sent."),
        (date(2026, 11, 25), "courier", " ", "tracking", "give a tracking number"),
    ],
)
def test_the_posting_step_refuses_bad_input_with_a_clear_error(
    officer, posted_on, method, tracking, field, error
):
    request = postal("HK")
    notify.lapsed(request)
    letter = SentMessage.objects.get(request=request, key="lapsed")

    with pytest.raises(ValidationError) as refused:
        services.letter_posted_record(
            message_id=letter.pk,
            actor=officer,
            posted_on=posted_on,
            method=method,
            tracking=tracking,
            now=clock.now(),
        )

    assert error in " ".join(refused.value.message_dict[field])
    letter.refresh_from_db()
    assert letter.posted_on is None


def test_a_bad_date_typed_on_the_page_gets_the_clear_error(officer, client):
    request = postal("HK")
    notify.lapsed(request)
    letter = SentMessage.objects.get(request=request, key="lapsed")
    verified_login(client, officer)
    url = reverse("admin:datarequests_datarequest_letter_posted", args=[request.pk, letter.pk])

    page = client.post(
        url, {"posted_on": "2026-02-31", "method": "post", "confirmed": "1"}, follow=True
    )

    assert "Give the date the letter was posted." in page.content.decode()


def test_staff_without_the_permission_cannot_download_a_letter(client):
    request = postal("HK")
    notify.lapsed(request)
    letter = SentMessage.objects.get(request=request, key="lapsed")
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_datarequest"))
    verified_login(client, viewer)
    reads = AuditEvent.objects.filter(detail__startswith="letter read").count()

    refused = client.get(
        reverse("admin:datarequests_datarequest_letter", args=[request.pk, letter.pk])
    )
    posting = client.post(
        reverse("admin:datarequests_datarequest_letter_posted", args=[request.pk, letter.pk]),
        {"posted_on": "2026-11-25", "method": "post", "confirmed": "1"},
    )

    assert refused.status_code == 403 and posting.status_code == 403
    assert AuditEvent.objects.filter(detail__startswith="letter read").count() == reads
    letter.refresh_from_db()
    assert letter.posted_on is None
    with pytest.raises(PermissionDenied):
        services.letter_read(message_id=letter.pk, actor=viewer, now=clock.now())


def test_a_download_is_an_audited_read(officer, client):
    request = postal("HK")
    notify.lapsed(request)
    letter = SentMessage.objects.get(request=request, key="lapsed")
    verified_login(client, officer)

    download = client.get(
        reverse("admin:datarequests_datarequest_letter", args=[request.pk, letter.pk])
    )
    other = client.get(reverse("admin:datarequests_datarequest_letter", args=[999999, letter.pk]))

    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert other.status_code == 404
    [read] = AuditEvent.objects.filter(actor=officer, detail__startswith="letter read")
    assert read.target == f"datarequests.DataRequest:{request.pk}"


def test_the_requesters_page_shows_the_letter_in_what_we_sent(client, officer):
    owner = UserFactory(email="")
    request = services.data_request_submit(
        requester=services.Requester(user=owner, postal_address=ADDRESS),
        kind=Kind.ACCESS,
        jurisdiction_code="EU",
        channel=Channel.SELF_SERVICE,
        now=clock.now(),
    )
    notify.asked(request, asked=Asked.IDENTITY, text="A copy of your passport")
    letter = SentMessage.objects.get(request=request, key="asked")
    verified_login(client, owner)
    before = client.get(reverse("requests:detail", args=[request.pk])).content.decode()
    services.letter_posted_record(
        message_id=letter.pk,
        actor=officer,
        posted_on=date(2026, 11, 25),
        method="post",
        now=clock.now(),
    )
    after = client.get(reverse("requests:detail", args=[request.pk])).content.decode()

    assert "What we sent you" in before and letter.subject in before
    assert "a letter, to be posted" in before
    assert "a letter, posted on 2026-11-25" in after


def test_the_fee_letter_of_a_singapore_estimate_asks_for_an_answer_by_letter(officer):
    request = postal("SG")
    a_quote(request, estimate=True)

    letter = services.fee_letter_read(request_id=request.pk, actor=officer, now=clock.now())

    text = joined(letter_paragraphs(letter))
    assert f"The fee estimate for your request {request.pk}" in text
    assert "nothing is charged unless you accept it" in text
    assert "I accept the estimate" in text and "I decline the estimate" in text
    assert "without payment the request lapses" not in text
