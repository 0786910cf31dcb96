"""A person with no account (a trade-fair lead) asks for their data by email: a one-time
code proves the address, the request goes on like any other, and the export comes as a
signed, expiring link to that address."""

import io
import re
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from activity.models import Lead
from datarequests import services
from datarequests.links import export_link
from datarequests.models import Channel, DataRequest, EmailCodeChallenge, Kind, Status
from privacy_office import clock
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

CODE = re.compile(r"^\s*(\d{6})\s*$", re.M)
LINK = re.compile(r"https?://[^/\s]+(/requests/download/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _on_a_winter_morning(time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


def a_lead_met_at_a_fair():
    return Lead.objects.create(
        event_name="Canton Fair",
        event_date=date(2025, 10, 15),
        full_name="Mei Chen",
        email="mei.chen@example.com",
        phone="+86 571 8888 0000",
    )


def ask(client, email="mei.chen@example.com", capture=None, **extra):
    body = {"email": email, "name": "Mei Chen", "jurisdiction": "EU", "details": "", **extra}
    if capture is None:
        return client.post(reverse("requests:public"), body, follow=True)
    with capture(execute=True):
        return client.post(reverse("requests:public"), body, follow=True)


def code_in(message) -> str:
    return CODE.search(message.body).group(1)


def type_code(client, code, capture):
    with capture(execute=True):
        return client.post(reverse("requests:public-code"), {"code": code})


def page(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_a_lead_verified_by_code_downloads_their_export_from_the_mailed_link(
    client, django_capture_on_commit_callbacks
):
    a_lead_met_at_a_fair()
    form = client.get(reverse("accounts:login"))
    assert reverse("requests:public") in form.content.decode()

    sent = ask(client, capture=django_capture_on_commit_callbacks)

    assert sent.redirect_chain == [(reverse("requests:public-code"), 302)]
    assert "We sent a six-digit code" in sent.content.decode()
    assert [m.to for m in mail.outbox] == [["mei.chen@example.com"]]
    code = code_in(mail.outbox[0])
    assert code not in EmailCodeChallenge.objects.get().code_hash
    wrong = type_code(
        client, "000000" if code != "000000" else "111111", django_capture_on_commit_callbacks
    )
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert not DataRequest.objects.exists()

    received = type_code(client, code, django_capture_on_commit_callbacks)

    assert received.status_code == 200
    request = DataRequest.objects.get()
    assert f"Your request {request.pk} is confirmed" in received.content.decode()
    assert (request.requester, request.channel, request.kind) == (
        None,
        Channel.PUBLIC_FORM,
        Kind.ACCESS,
    )
    assert request.status == Status.FULFILLED  # EU: free, and identity proven by the code
    ready = mail.outbox[-1]
    assert ready.to == ["mei.chen@example.com"]
    assert "Sign in" not in ready.body
    link = LINK.search(ready.body).group(1)
    # The copy of the message staff see on the request never holds the link itself.
    kept = request.messages.get(key="fulfilled").body
    assert link not in kept and "[the download link sent]" in kept

    client.cookies.clear()  # anyone holding the link, without a session
    download = client.get(link)

    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "Canton Fair" in archive.read("csv/activity.Lead.csv").decode()
    assert client.get(link[:-3] + "xx/").status_code == 404  # a link not made here


def test_the_answer_is_the_same_whether_or_not_the_address_is_known(
    client, django_capture_on_commit_callbacks
):
    a_lead_met_at_a_fair()

    known = ask(client, capture=django_capture_on_commit_callbacks)
    client.cookies.clear()
    unknown = ask(client, "nobody@example.com", capture=django_capture_on_commit_callbacks)

    assert unknown.redirect_chain == known.redirect_chain
    # Each page names, masked, the address that was typed; apart from it they are the same.
    assert "m•••@example.com" in page(known) and "n•••@example.com" in page(unknown)
    assert page(unknown).replace("n•••@", "m•••@") == page(known)
    assert [m.to for m in mail.outbox] == [["mei.chen@example.com"], ["nobody@example.com"]]


def test_an_expired_code_submits_nothing(client, time_machine, django_capture_on_commit_callbacks):
    ask(client, capture=django_capture_on_commit_callbacks)
    code = code_in(mail.outbox[0])

    time_machine.shift(timedelta(minutes=16))
    response = type_code(client, code, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert "This code has expired" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_five_wrong_codes_end_the_challenge_even_for_the_right_one_after(
    client, django_capture_on_commit_callbacks
):
    ask(client, capture=django_capture_on_commit_callbacks)
    code = code_in(mail.outbox[0])
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(5):
        type_code(client, wrong, django_capture_on_commit_callbacks)

    response = type_code(client, code, django_capture_on_commit_callbacks)

    assert "This code has expired or was tried too many times" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_a_code_page_without_asking_first_sends_back_to_the_form(client):
    response = client.post(reverse("requests:public-code"), {"code": "123456"})

    assert response.status_code == 302
    assert response["Location"] == reverse("requests:public")


def test_bad_input_is_refused_with_the_field_named(client):
    response = client.post(
        reverse("requests:public"), {"email": "not-an-address", "jurisdiction": "XX"}
    )

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not EmailCodeChallenge.objects.exists()
    assert mail.outbox == []


def test_asking_too_often_from_one_connection_is_paused(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public_request": (3, 3600)}
    answers = [ask(client, f"x{n}@example.com") for n in range(4)]

    assert answers[-1].status_code == 429
    assert "Too many attempts" in answers[-1].content.decode()


def test_one_inbox_gets_at_most_three_codes_an_hour_and_the_answer_stays_the_same(
    client, django_capture_on_commit_callbacks
):
    answers = []
    for n in range(4):
        client.cookies.clear()
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(
                client.post(
                    reverse("requests:public"),
                    {"email": "mei.chen@example.com", "jurisdiction": "EU"},
                    REMOTE_ADDR=f"198.51.100.{n}",
                    follow=True,
                )
            )

    assert len(mail.outbox) == 3
    assert page(answers[3]) == page(answers[0])
    # No code was mailed for the fourth: none may be tried on it (it could be guessed).
    refused = type_code(client, "123456", django_capture_on_commit_callbacks)
    assert "This code has expired or was tried too many times" in refused.content.decode()
    assert EmailCodeChallenge.objects.order_by("pk").last().attempts == 5


def test_the_mailed_link_expires_with_the_export(
    client, time_machine, django_capture_on_commit_callbacks
):
    ask(client, capture=django_capture_on_commit_callbacks)
    type_code(client, code_in(mail.outbox[0]), django_capture_on_commit_callbacks)
    link = LINK.search(mail.outbox[-1].body).group(1)

    time_machine.shift(timedelta(days=14, minutes=1))

    assert client.get(link).status_code == 404


def test_a_link_never_opens_the_export_of_a_request_with_an_account(
    client, django_capture_on_commit_callbacks
):
    holder = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.data_request_submit(
            requester=services.Requester(user=holder),
            kind=Kind.ACCESS,
            jurisdiction_code="EU",
            channel=Channel.SELF_SERVICE,
            now=clock.now(),
        )
    request.refresh_from_db()
    assert request.status == Status.FULFILLED
    path = "/" + export_link(request.export).split("://", 1)[1].split("/", 1)[1]

    response = client.get(path)

    assert response.status_code == 404
