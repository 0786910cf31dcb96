"""A person with no account known only by a phone number (a trade-fair lead) asks for their
data: a one-time code by SMS proves the number, the request goes on like any other, and
every later message comes by SMS, the reply with a signed, expiring link to the export."""

import io
import logging
import re
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
import sms
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from activity.models import Lead
from datarequests import notify, services
from datarequests.models import (
    Asked,
    Channel,
    DataRequest,
    EmailCodeChallenge,
    MessageChannel,
    SentMessage,
    Status,
)
from datarequests.rules import rules_of
from privacy_office import clock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

CODE = re.compile(r"\b(\d{6})\b")
DOWNLOAD = re.compile(r"https?://[^/\s]+(/requests/download/[^/\s]+/)")
MESSAGE = re.compile(r"https?://[^/\s]+(/requests/message/[^/\s]+/)")
BAD_NUMBER = (
    "Enter the phone number in international form, with its country code, "
    "for example +852 9123 4567."
)


@pytest.fixture(autouse=True)
def _on_a_winter_morning(time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


def a_lead_met_at_a_fair():
    return Lead.objects.create(
        event_name="Canton Fair",
        event_date=date(2025, 10, 15),
        full_name="Mei Chen",
        phone="+86 571 8888 0000",
    )


def ask(client, phone="+86 571 8888 0000", capture=None, **extra):
    body = {"by": "phone", "phone": phone, "name": "Mei Chen", "jurisdiction": "EU", **extra}
    with capture(execute=True):
        return client.post(reverse("requests:public"), body, follow=True)


def code_in(message) -> str:
    return CODE.search(message.body).group(1)


def type_code(client, code, capture):
    with capture(execute=True):
        return client.post(reverse("requests:public-code"), {"code": code})


def page(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def not_(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_the_form_asks_for_a_phone_number_only_when_chosen(client):
    by_email = client.get(reverse("requests:public")).content.decode()
    by_phone = client.get(reverse("requests:public") + "?by=phone").content.decode()

    assert 'name="email"' in by_email and 'name="phone"' not in by_email
    assert "?by=phone" in by_email
    assert 'name="phone"' in by_phone and 'name="email"' not in by_phone
    assert 'name="by" value="phone"' in by_phone
    assert "with its country code" in by_phone
    assert "you left your phone number at a trade fair" in by_phone
    assert "you left your card" not in by_phone
    assert "you left your card" in by_email


def test_a_lead_verified_by_texted_code_downloads_their_export_from_the_texted_link(
    client, caplog, django_capture_on_commit_callbacks
):
    a_lead_met_at_a_fair()
    caplog.set_level(logging.DEBUG)

    sent = ask(client, capture=django_capture_on_commit_callbacks)

    assert sent.redirect_chain == [(reverse("requests:public-code"), 302)]
    assert "by text message to +86 •••• 0000" in sent.content.decode()
    assert "The code from the text message" in sent.content.decode()
    assert [m.recipients for m in sms.outbox] == [["+8657188880000"]]
    assert mail.outbox == []
    code = code_in(sms.outbox[0])
    challenge = EmailCodeChallenge.objects.get()
    assert (challenge.phone, challenge.email) == ("+8657188880000", "")
    assert code not in challenge.code_hash

    wrong = type_code(client, not_(code), django_capture_on_commit_callbacks)

    assert wrong.status_code == 400
    assert "That code is not right. Check the text message" in wrong.content.decode()
    assert EmailCodeChallenge.objects.get().attempts == 1
    assert not DataRequest.objects.exists()

    received = type_code(client, code, django_capture_on_commit_callbacks)

    assert received.status_code == 200
    request = DataRequest.objects.get()
    assert "We will send a text message to your phone" in received.content.decode()
    assert (request.requester, request.requester_phone, request.requester_email) == (
        None,
        "+8657188880000",
        "",
    )
    assert (request.channel, request.status) == (Channel.PUBLIC_FORM, Status.FULFILLED)
    assert request.identity_method == (
        "identity verified by a one-time code texted to the phone number"
    )
    assert mail.outbox == []  # every message went by SMS, none as an email or a letter
    assert set(request.messages.values_list("channel", flat=True)) == {MessageChannel.SMS}
    reply = sms.outbox[-1]
    assert reply.recipients == ["+8657188880000"]
    assert "sign in" not in reply.body.lower()
    assert f"Your data request {request.pk} is fulfilled" in reply.body
    link = DOWNLOAD.search(reply.body).group(1)
    kept = request.messages.get(key="fulfilled")
    assert (kept.to, kept.sent_at.date()) == ("+8657188880000", date(2026, 11, 25))
    assert link not in kept.body and "[the download link sent]" in kept.body
    assert kept.body.startswith(f"Your data request {request.pk} is fulfilled")
    # Neither the code nor the full number is ever logged.
    assert code not in caplog.text
    assert "8657188880000" not in caplog.text and "8888 0000" not in caplog.text

    client.cookies.clear()  # anyone holding the link, without a session
    download = client.get(link)

    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    # The lead kept its number as typed; the request's number is E.164: the same person.
    assert "Canton Fair" in archive.read("csv/activity.Lead.csv").decode()


def test_the_texted_link_expires_with_the_export(
    client, time_machine, django_capture_on_commit_callbacks
):
    ask(client, capture=django_capture_on_commit_callbacks)
    type_code(client, code_in(sms.outbox[0]), django_capture_on_commit_callbacks)
    link = DOWNLOAD.search(sms.outbox[-1].body).group(1)
    assert client.get(link).status_code == 200

    time_machine.shift(timedelta(days=14, minutes=1))

    assert client.get(link).status_code == 404


@pytest.mark.parametrize("typed", ["12345", "9123 4567", "+852 123", "+1 555 0100", "phone"])
def test_a_number_that_is_not_valid_is_refused_with_the_form_expected(client, typed):
    response = client.post(
        reverse("requests:public"), {"by": "phone", "phone": typed, "jurisdiction": "EU"}
    )

    assert response.status_code == 400
    assert BAD_NUMBER in response.content.decode()
    assert 'name="phone"' in response.content.decode()
    assert "you left your phone number at a trade fair" in response.content.decode()
    assert not EmailCodeChallenge.objects.exists()
    assert sms.outbox == []


def test_the_service_refuses_a_number_that_is_not_valid():
    with pytest.raises(ValidationError) as refused:
        services.phone_code_send(phone="+852 123", jurisdiction_code="EU", now=clock.now())

    assert refused.value.message_dict == {"phone": [BAD_NUMBER]}


def test_an_expired_texted_code_submits_nothing(
    client, time_machine, django_capture_on_commit_callbacks
):
    ask(client, capture=django_capture_on_commit_callbacks)
    code = code_in(sms.outbox[0])

    time_machine.shift(timedelta(minutes=16))
    response = type_code(client, code, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert "This code has expired" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_five_wrong_texted_codes_end_the_challenge(client, django_capture_on_commit_callbacks):
    ask(client, capture=django_capture_on_commit_callbacks)
    code = code_in(sms.outbox[0])
    for _attempt in range(5):
        type_code(client, not_(code), django_capture_on_commit_callbacks)
    assert EmailCodeChallenge.objects.get().attempts == 5

    response = type_code(client, code, django_capture_on_commit_callbacks)

    assert "This code has expired or was tried too many times" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_one_number_gets_at_most_three_codes_an_hour_and_the_answer_stays_the_same(
    client, django_capture_on_commit_callbacks
):
    # The same number however it is typed: the limit counts the number, not the text.
    typed = ["+86 571 8888 0000", "+8657188880000", "+86-571-8888-0000", "+86 57188880000"]
    answers = []
    for n, phone in enumerate(typed):
        client.cookies.clear()
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(
                client.post(
                    reverse("requests:public"),
                    {"by": "phone", "phone": phone, "jurisdiction": "EU"},
                    REMOTE_ADDR=f"198.51.100.{n}",
                    follow=True,
                )
            )

    assert len(sms.outbox) == 3
    assert answers[3].status_code == 200
    assert page(answers[3]) == page(answers[0])
    # The fourth code was never sent, so none may be tried on it: guessing it would open
    # the data held on the number to whoever asks often enough, unknown to its owner.
    fourth = EmailCodeChallenge.objects.order_by("pk").last()
    for guess in ("000000", "123456"):
        refused = type_code(client, guess, django_capture_on_commit_callbacks)
        assert "This code has expired or was tried too many times" in refused.content.decode()
    assert fourth.attempts == 5 and not DataRequest.objects.exists()


def test_the_answer_is_the_same_whether_or_not_the_number_is_known(
    client, django_capture_on_commit_callbacks
):
    a_lead_met_at_a_fair()

    known = ask(client, capture=django_capture_on_commit_callbacks)
    client.cookies.clear()
    # A number nobody left, with the same country code and last four digits.
    unknown = ask(client, "+86 571 7777 0000", capture=django_capture_on_commit_callbacks)

    assert unknown.redirect_chain == known.redirect_chain
    assert page(unknown) == page(known)
    assert [m.recipients for m in sms.outbox] == [["+8657188880000"], ["+8657177770000"]]


def test_the_phone_pages_render_in_chinese(client, settings, django_capture_on_commit_callbacks):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    form = client.get(reverse("requests:public") + "?by=phone")
    refused = client.post(
        reverse("requests:public"), {"by": "phone", "phone": "123", "jurisdiction": "EU"}
    )
    sent = ask(client, capture=django_capture_on_commit_callbacks)

    assert form.status_code == 200
    assert "您的手机号码" in form.content.decode()
    assert "+852 9123 4567" in refused.content.decode()
    assert "国际格式" in refused.content.decode()
    assert "+86 •••• 0000" in sent.content.decode()
    assert "短信" in sent.content.decode()
    assert "短信" not in code_in(sms.outbox[0]) and "验证码" in sms.outbox[0].body


def phone_only_request(*, postal_address: str = "") -> DataRequest:
    return services.data_request_submit(
        requester=services.Requester(
            name="Mei Chen", phone="+8657188880000", postal_address=postal_address
        ),
        kind="access",
        jurisdiction_code="UK",
        channel=Channel.PUBLIC_FORM,
        now=clock.now(),
    )


def test_an_ask_to_a_phone_only_requester_is_texted_with_a_link_to_its_full_text(
    client, time_machine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = phone_only_request()
        services.requester_ask(
            request_id=request.pk,
            actor=None,
            asked=Asked.IDENTITY,
            text="Please send a copy of your passport.",
            now=clock.now(),
        )

    assert mail.outbox == []
    text = sms.outbox[-1]
    assert text.recipients == ["+8657188880000"]
    assert f"Your data request {request.pk}: we need something from you" in text.body
    assert "Please send a copy of your passport." not in text.body  # short: the link has it
    assert request.events.get(status=Status.AWAITING_REQUESTER).sent_by == "sms"
    kept = request.messages.get(key="asked")
    assert (kept.channel, kept.to, kept.posted_on) == (MessageChannel.SMS, "+8657188880000", None)
    assert "[the link to the message sent]" in kept.body
    assert "Please send a copy of your passport." in kept.full_text
    link = MESSAGE.search(text.body).group(1)
    assert link not in kept.body

    shown = client.get(link)

    assert shown.status_code == 200
    assert "Please send a copy of your passport." in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    assert client.get(link[:-3] + "xx/").status_code == 404
    time_machine.shift(timedelta(days=91))
    assert client.get(link).status_code == 404


def test_a_message_link_never_opens_an_email_or_a_letter(client):
    from datarequests.links import message_link

    emailed = SentMessage.objects.create(
        request=phone_only_request(postal_address="8 Nathan Road, Kowloon"),
        key="asked",
        language="en",
        channel=MessageChannel.LETTER,
        to="8 Nathan Road, Kowloon",
        subject="A letter",
        body="Posted.",
        sent_at=clock.now(),
    )

    path = "/" + message_link(emailed).split("://", 1)[1].split("/", 1)[1]

    assert client.get(path).status_code == 404


def test_how_a_notice_is_sent_keeps_email_and_letters_as_they_were():
    by_phone = DataRequest(requester_phone="+8657188880000")
    by_phone_and_post = DataRequest(requester_phone="+8657188880000", postal_address="Kowloon")
    by_email_and_phone = DataRequest(
        requester_email="a@example.com", requester_phone="+85291234567"
    )
    by_post = DataRequest(postal_address="8 Nathan Road, Kowloon")

    assert notify.sent_by(by_phone) == notify.SMS
    assert notify.sent_by(by_phone_and_post) == notify.LETTER
    assert notify.sent_by(by_email_and_phone) == notify.EMAIL
    assert notify.sent_by(by_post) == notify.LETTER


def test_a_refusal_to_a_phone_only_requester_is_texted_never_posted(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = phone_only_request()
        ground = next(iter(rules_of(request).refusal_grounds))
        services.data_request_refuse(
            request_id=request.pk,
            actor=None,
            ground=ground,
            explanation="The request repeats one answered last month.",
            now=clock.now(),
        )

    assert mail.outbox == []
    assert not request.messages.filter(channel=MessageChannel.LETTER).exists()
    text = sms.outbox[-1]
    assert f"Your data request {request.pk} was refused" in text.body
    kept = request.messages.get(key="refused")
    assert "The request repeats one answered last month." in kept.full_text
    shown = client.get(MESSAGE.search(text.body).group(1))
    assert "The request repeats one answered last month." in shown.content.decode()
