"""Two people registering the same user name or email address at the same moment: one
account is made, the other person is told to choose another, and no one sees a 500.

Each registration runs in its own thread, with its own database connection; both are held
until both have passed every check (the form's and the model's), so the database's unique
constraints are what decides between them."""

import threading

import pytest
from django.db import connection
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.services import JUST_TAKEN
from tests.factories import REGISTRATION

pytestmark = pytest.mark.django_db(transaction=True)

MEI = REGISTRATION


def register_at_once(*bodies):
    """POST each body to the registration API from its own thread, all at the same moment;
    return the answers in the order of the bodies."""
    submit = threading.Barrier(len(bodies), timeout=30)
    checked = threading.Barrier(len(bodies), timeout=30)
    answers, failures = [None] * len(bodies), []

    def hold_until_all_are_checked(sender, instance, **kwargs):
        if instance.pk is None:  # the new account, checked and about to be inserted
            checked.wait()

    def register(index, body):
        try:
            client = Client(raise_request_exception=False)  # a crash answers 500
            submit.wait()
            answers[index] = client.post(
                reverse("api-register"), body, content_type="application/json"
            )
        except BaseException as error:  # handed to the test, in its thread
            failures.append(error)
        finally:
            connection.close()

    pre_save.connect(hold_until_all_are_checked, sender=User, dispatch_uid="registration-race")
    try:
        threads = [
            threading.Thread(target=register, args=(index, body))
            for index, body in enumerate(bodies)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        pre_save.disconnect(sender=User, dispatch_uid="registration-race")
    assert not failures, failures
    return answers


def outcome(answers):
    """(status, body) of each answer, the lower status first; a 500 has no JSON body."""
    answered = [(a.status_code, a.json() if a.status_code < 500 else None) for a in answers]
    return sorted(answered, key=lambda status_and_body: status_and_body[0])


def test_two_registrations_racing_for_one_email_leave_one_account():
    answers = register_at_once(
        MEI, {**MEI, "username": "meichen2", "email": "MEI.CHEN@example.com"}
    )

    (created, created_body), refused = outcome(answers)
    assert created == 201
    assert refused == (400, {"detail": str(JUST_TAKEN), "fields": {}})
    assert list(User.objects.values_list("username", flat=True)) == [created_body["username"]]


def test_two_registrations_racing_for_one_user_name_leave_one_account():
    answers = register_at_once(MEI, {**MEI, "email": "another.mei@example.com"})

    (created, created_body), refused = outcome(answers)
    assert created == 201
    assert refused == (400, {"detail": str(JUST_TAKEN), "fields": {}})
    assert list(User.objects.values_list("email", flat=True)) == [created_body["email"]]
