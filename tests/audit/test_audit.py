"""The audit trail (policy G, C.2): staff reads and changes, chained, append-only, verifiable."""

import threading
from io import StringIO

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections, transaction
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record
from audit.verification import audit_chain_verify
from privacy_office import clock
from tests.conftest import as_owner, verified_login
from tests.factories import PaymentCardFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    user = UserFactory(username="officer", is_staff=True, is_superuser=True)
    verified_login(client, user)
    return user


def test_opening_a_persons_page_is_audited_with_whose_data_and_why(client, officer):
    person = UserFactory()

    client.get(reverse("admin:accounts_user_change", args=[person.pk]), {"ref": "ticket 4711"})

    event = AuditEvent.objects.get(action="read")
    assert (event.actor, event.subject, event.target) == (
        officer,
        person,
        f"accounts.User:{person.pk}",
    )
    assert event.categories == ["browsing", "registration"]
    assert event.reference == "ticket 4711"


def test_reading_a_card_is_audited_against_its_holder(client, officer):
    card = PaymentCardFactory()

    client.get(reverse("admin:accounts_paymentcard_change", args=[card.pk]))

    event = AuditEvent.objects.get(action="read")
    assert event.subject == card.user
    assert event.categories == ["account"]


def test_a_change_saved_in_the_admin_is_audited(client, officer):
    from activity.models import Lead

    lead = Lead.objects.create(event_name="Canton Fair", event_date="2025-10-15", full_name="X")
    client.post(
        reverse("admin:activity_lead_change", args=[lead.pk]),
        {"event_name": "Canton Fair", "event_date": "2025-10-15", "full_name": "Y", "email": ""},
    )

    assert AuditEvent.objects.filter(action="change", target=f"activity.Lead:{lead.pk}").exists()


def test_looking_up_someones_consent_history_is_audited(client, officer):
    person = UserFactory()

    client.get(reverse("admin:cookies_consentrecord_changelist"), {"q": person.username})

    event = AuditEvent.objects.get(action="read")
    assert (event.subject, event.target) == (person, "cookies.ConsentRecord:history")


def test_request_transitions_are_in_the_trail(client):
    client.force_login(UserFactory())
    request_id = client.post(
        reverse("api-requests"),
        {"kind": "access", "jurisdiction": "HK"},
        content_type="application/json",
    ).json()["id"]

    details = list(
        AuditEvent.objects.filter(target=f"datarequests.DataRequest:{request_id}")
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == ["status: received", "status: assessing_fee"]


@pytest.mark.django_db(transaction=True)  # tampers as the owner, on a connection of its own
def test_verify_audit_passes_an_intact_trail_and_names_the_first_altered_event():
    for n in range(5):
        audit_record(actor=None, action="change", target=f"x:{n}", now=clock.now())
    out = StringIO()
    call_command("verify_audit", stdout=out)
    third = AuditEvent.objects.order_by("pk")[2]

    with (
        as_owner(),
        transaction.atomic(),
        pgtrigger.ignore("audit.AuditEvent:audit_events_append_only"),
    ):
        AuditEvent.objects.filter(pk=third.pk).update(target="x:tampered")

    assert "The audit trail is intact: 5 events." in out.getvalue()
    with pytest.raises(CommandError, match="The audit trail is broken: 1 findings"):
        call_command("verify_audit", stderr=out)
    assert f"Event #3 (id {third.pk}) was altered after it was written" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_removed_event_breaks_the_chain_at_the_next_one():
    events = [
        audit_record(actor=None, action="change", target=f"x:{n}", now=clock.now())
        for n in range(3)
    ]
    with (
        as_owner(),
        transaction.atomic(),
        pgtrigger.ignore("audit.AuditEvent:audit_events_append_only"),
    ):
        AuditEvent.objects.filter(pk=events[1].pk).delete()

    assert audit_chain_verify() == (1, events[2].pk)


def test_the_database_refuses_to_update_or_delete_audit_events():
    event = audit_record(actor=None, action="change", target="x:1", now=clock.now())

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(target="x:2")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).target == "x:1"


def test_the_admin_cannot_change_the_trail(client, officer):
    event = audit_record(actor=None, action="change", target="x:1", now=clock.now())

    change = client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {})
    delete = client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})

    assert (change.status_code, delete.status_code) == (403, 403)


@pytest.mark.django_db(transaction=True)
def test_writers_in_parallel_keep_one_unbroken_chain():
    start = threading.Barrier(4)

    def write(worker: int) -> None:
        start.wait()
        try:
            for n in range(15):
                audit_record(actor=None, action="change", target=f"w{worker}:{n}", now=clock.now())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert audit_chain_verify() == (60, None)
