"""A forgotten password: a reset link by email, no account enumeration, limits, and the
"your password was changed" message after a change or a reset."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from accounts.password_reset import password_reset_mail_send
from config.celery import app as celery_app
from tests.factories import PASSWORD, UserFactory

# The link is mailed by a worker; here, at once, as if the worker took it straight away.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

NEW_PASSWORD = "a brand new passphrase 7"
LINK = re.compile(r"https?://[^/\s]+(/accounts/password-reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _on_a_winter_morning(time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


def ask_for_a_link(client, email):
    return client.post(reverse("accounts:password-reset"), {"email": email}, follow=True)


def page(response) -> str:
    """The page as a person reads it: the form's CSRF token is masked anew on every answer."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def set_new_password(client, link, capture, password=NEW_PASSWORD):
    form = client.get(link, follow=True)  # Django moves the token from the URL to the session
    with capture(execute=True):
        return client.post(
            form.redirect_chain[-1][0],
            {"new_password1": password, "new_password2": password},
            follow=True,
        )


def signs_in(client, username, password) -> bool:
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code == 302


def test_the_sign_in_and_lock_out_pages_offer_a_reset(client):
    reset = reverse("accounts:password-reset")
    assert f'href="{reset}"' in client.get(reverse("accounts:login")).content.decode()

    user = UserFactory()
    for _attempt in range(6):
        locked = client.post(
            reverse("accounts:login"), {"username": user.username, "password": "x"}
        )

    assert locked.status_code == 429
    assert f'href="{reset}"' in locked.content.decode()


def test_a_reset_link_sets_a_new_password_once_and_says_so_by_email(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="mei@example.com")

    sent = ask_for_a_link(client, "MEI@example.com")

    assert "If an account has this address" in sent.content.decode()
    assert [m.to for m in mail.outbox] == [["mei@example.com"]]
    assert mail.outbox[0].subject == "Set a new password for your account"
    link = link_in(mail.outbox[0])

    done = set_new_password(client, link, django_capture_on_commit_callbacks)

    assert "Your new password is set" in done.content.decode()
    assert signs_in(client, user.username, NEW_PASSWORD)
    assert not signs_in(client, user.username, PASSWORD)
    changed = mail.outbox[-1]
    assert (changed.subject, changed.to) == ("Your password was changed", ["mei@example.com"])
    assert f"account {user.username} was changed on 2026-11-25 02:00 (UTC)" in changed.body
    assert "/accounts/password-reset/" in changed.body
    client.logout()
    again = client.get(link, follow=True)
    assert "This link is not valid" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    UserFactory(email="mei@example.com")

    known = ask_for_a_link(client, "mei@example.com")
    unknown = ask_for_a_link(client, "nobody@example.com")

    assert unknown.status_code == known.status_code == 200
    assert unknown.redirect_chain == known.redirect_chain
    assert page(unknown) == page(known)
    assert [m.to for m in mail.outbox] == [["mei@example.com"]]


def test_the_page_mails_nothing_itself_so_its_time_does_not_tell_a_known_address(client):
    """The link leaves through the worker: the request that asks for it sends no mail, for a
    known address as for an unknown one, and the worker then mails only the account."""
    UserFactory(email="mei@example.com")
    celery_app.conf.task_always_eager = False  # a real queue: the page only enqueues

    known = ask_for_a_link(client, "mei@example.com")
    unknown = ask_for_a_link(client, "nobody@example.com")

    assert page(known) == page(unknown)
    assert mail.outbox == []
    password_reset_mail_send(email="nobody@example.com", domain="testserver", use_https=True)
    password_reset_mail_send(email="mei@example.com", domain="testserver", use_https=True)
    assert [m.to for m in mail.outbox] == [["mei@example.com"]]
    assert link_in(mail.outbox[0]).startswith("/accounts/password-reset/")
    assert "https://testserver/accounts/password-reset/" in mail.outbox[0].body


def test_a_link_older_than_an_hour_no_longer_works(client, time_machine):
    user = UserFactory(email="mei@example.com")
    ask_for_a_link(client, "mei@example.com")
    link = link_in(mail.outbox[0])

    time_machine.shift(timedelta(hours=1, minutes=1))
    response = client.get(link, follow=True)

    assert "This link is not valid" in response.content.decode()
    assert signs_in(client, user.username, PASSWORD)


def test_a_mistyped_confirmation_changes_nothing(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="mei@example.com")
    ask_for_a_link(client, "mei@example.com")
    form = client.get(link_in(mail.outbox[0]), follow=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
        )

    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    assert signs_in(client, user.username, PASSWORD)
    assert len(mail.outbox) == 1  # no "changed" message


def test_asking_too_often_from_one_address_is_paused(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (3, 3600)}
    answers = [
        client.post(reverse("accounts:password-reset"), {"email": f"x{n}@example.com"})
        for n in range(4)
    ]

    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert "Too many attempts" in answers[-1].content.decode()


def test_one_inbox_gets_at_most_three_links_an_hour_whoever_asks(client, settings, time_machine):
    UserFactory(email="mei@example.com")
    answers = []
    for n in range(5):
        client.cookies.clear()
        answers.append(
            client.post(
                reverse("accounts:password-reset"),
                {"email": "mei@example.com"},
                REMOTE_ADDR=f"198.51.100.{n}",
                follow=True,
            )
        )

    assert len(mail.outbox) == 3
    assert page(answers[4]) == page(answers[0])  # the same answer: nothing tells
    time_machine.shift(timedelta(hours=1))
    ask_for_a_link(client, "mei@example.com")
    assert len(mail.outbox) == 4


def test_a_reset_lifts_the_sign_in_pause(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="mei@example.com")
    for _attempt in range(5):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "x"})
    assert not signs_in(client, user.username, PASSWORD)  # paused

    ask_for_a_link(client, "mei@example.com")
    set_new_password(client, link_in(mail.outbox[0]), django_capture_on_commit_callbacks)

    assert signs_in(client, user.username, NEW_PASSWORD)


def test_the_reset_mail_speaks_the_accounts_language(client):
    UserFactory(email="mei@example.com", preferred_language="zh-hans")

    ask_for_a_link(client, "mei@example.com")

    assert mail.outbox[0].subject == "为您的账户设置新密码"


def test_changing_the_password_while_signed_in_sends_the_changed_message(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="mei@example.com")
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:password"),
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )

    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Your password was changed", ["mei@example.com"])
    ]
    assert signs_in(client, user.username, NEW_PASSWORD)


def test_a_wrong_old_password_changes_nothing_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="mei@example.com")
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:password"),
            {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

    assert mail.outbox == []
    assert signs_in(client, user.username, PASSWORD)
