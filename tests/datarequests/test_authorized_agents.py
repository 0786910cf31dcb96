"""Authorized agents (CCPA regs §7063): a request made for a person by an agent, with the
person's signed permission attached (sealed) and the person's identity verified with them
directly; the agent follows the status, the data goes only to the person."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from datarequests import services
from datarequests.models import DataRequest, Status
from privacy_office import clock
from privacy_office.uploads import is_sealed, sealed_storage
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture
def people(time_machine):
    time_machine.move_to(datetime(2026, 11, 24, 18, 0, tzinfo=UTC), tick=False)
    return UserFactory(username="consumer", email="consumer@example.com"), UserFactory(
        username="agent-co"
    )


def permission():
    return SimpleUploadedFile("permission.pdf", b"%PDF-1.7 signed permission", "application/pdf")


def ask_as_agent(client, agent, **fields):
    client.force_login(agent)
    body = {"kind": "access", "jurisdiction": "US-CA", "on_behalf_of": "consumer", **fields}
    return client.post(reverse("api-requests"), body)  # multipart: the file goes with it


def test_an_agent_with_a_signed_permission_makes_a_request_that_waits_for_the_person(
    client, people
):
    person, agent = people

    answer = ask_as_agent(client, agent, agent_permission=permission())

    assert answer.status_code == 201
    data = answer.json()
    assert data["agent"] is True
    assert "events" not in data  # the agent sees where it stands, not what happened inside
    request = DataRequest.objects.get()
    assert (request.requester, request.agent) == (person, agent)
    assert request.status == Status.AWAITING_IDENTITY
    assert is_sealed(Path(sealed_storage.path(request.agent_permission.name)))


def test_an_agent_without_a_permission_is_refused(client, people):
    _person, agent = people

    answer = ask_as_agent(client, agent)

    assert answer.status_code == 400
    assert answer.json()["fields"]["agent_permission"] == [
        "Attach the person's signed permission for you to act for them (PDF, JPEG or PNG)."
    ]
    assert not DataRequest.objects.exists()


def test_a_permission_that_is_not_a_document_is_refused(client, people):
    _person, agent = people
    forged = SimpleUploadedFile("permission.pdf", b"#!/bin/sh\necho not a pdf", "application/pdf")

    answer = ask_as_agent(client, agent, agent_permission=forged)

    assert answer.status_code == 400
    assert "Only PDF, JPEG or PNG files are accepted" in str(answer.json())
    assert not DataRequest.objects.exists()


def test_an_agent_under_a_law_without_agents_is_refused(client, people):
    _person, agent = people

    answer = ask_as_agent(client, agent, jurisdiction="EU", agent_permission=permission())

    assert answer.status_code == 400
    assert answer.json()["fields"]["on_behalf_of"][0].startswith(
        "Only California's law (CCPA regulations §7063)"
    )


def test_the_agent_follows_the_status_but_the_data_goes_only_to_the_person(
    client, people, django_capture_on_commit_callbacks
):
    person, agent = people
    request_id = ask_as_agent(client, agent, agent_permission=permission()).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        services.identity_verify(
            request_id=request_id,
            actor=UserFactory(is_staff=True),
            method="the consumer confirmed by phone, with the code sent to their address",
            now=clock.now(),
        )
    request = DataRequest.objects.get()
    assert request.status == Status.FULFILLED  # the export was built at once (eager)

    as_agent = client.get(reverse("api-request", args=[request_id])).json()
    listed_for_agent = client.get(reverse("api-requests")).json()
    download_by_agent = client.get(reverse("api-request-export", args=[request_id]))
    page_for_agent = client.get(reverse("requests:detail", args=[request_id])).content.decode()
    client.force_login(person)
    download_by_person = client.get(reverse("api-request-export", args=[request_id]))

    assert as_agent["status"] == "fulfilled"
    assert as_agent["agent"] is True
    # Where it stands, nothing of what it found or sent: no fee, steps, events or export.
    assert not {"export", "fee", "events", "steps", "categories", "kept"} & set(as_agent)
    assert listed_for_agent == [as_agent]
    assert download_by_agent.status_code == 404
    assert "authorized agent" in page_for_agent
    assert "Download my data" not in page_for_agent
    assert download_by_person.status_code == 200


def test_an_unknown_person_is_not_revealed_and_staff_name_the_account_when_verifying(
    client, people
):
    person, agent = people

    answer = ask_as_agent(client, agent, on_behalf_of="someone-else", agent_permission=permission())

    assert answer.status_code == 201  # the same answer whether the account exists or not
    request = DataRequest.objects.get()
    assert request.requester is None
    with pytest.raises(ValidationError, match="No account has the user name"):
        services.identity_verify(
            request_id=request.pk, actor=None, method="called the person", now=clock.now()
        )
    services.identity_verify(
        request_id=request.pk,
        actor=None,
        method="called the person",
        minor_name="consumer",
        now=clock.now(),
    )
    assert DataRequest.objects.get().requester == person


def test_the_agent_cannot_withdraw_the_persons_request(client, people):
    _person, agent = people
    request_id = ask_as_agent(client, agent, agent_permission=permission()).json()["id"]

    answer = client.post(reverse("api-request-withdraw", args=[request_id]))

    assert answer.status_code == 404
    assert DataRequest.objects.get().status == Status.AWAITING_IDENTITY


def test_staff_enter_an_agents_letter_only_with_the_permission_attached(client, people):
    from datarequests.models import Jurisdiction
    from tests.conftest import verified_login

    person, agent = people
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    letter = {
        "kind": "access",
        "jurisdiction": Jurisdiction.objects.get(code="US-CA").pk,
        "requester": person.pk,
        "agent": agent.pk,
        "requester_name": "Consumer",
        "postal_address": "1 Market Street, San Francisco",
        "language": "en",
        "envelope_date": "2026-11-20",
    }

    refused = client.post(reverse("admin:datarequests_datarequest_add"), letter)
    assert "Attach the person&#x27;s signed permission" in refused.content.decode()
    assert not DataRequest.objects.exists()

    client.post(
        reverse("admin:datarequests_datarequest_add"),
        {**letter, "agent_permission": permission()},
    )
    request = DataRequest.objects.get()
    assert (request.requester, request.agent) == (person, agent)
    assert request.status == Status.AWAITING_IDENTITY
    assert request.agent_permission
