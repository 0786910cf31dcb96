"""A person's own erasure request (GDPR Art. 17, CCPA §1798.105, PIPL Art. 47): taken where
the law grants the right and refused with the reason where it does not (HK, SG); erased field
by field as declared after a second officer approves, with what an exemption covers (an open
order, an open dispute) kept, shown to staff beforehand and named in the reply."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.roles import REQUEST_HANDLER, roles_install
from activity.models import ForumPost, Order, PageView, Shipment, TradeDispute
from cookies.models import ConsentRecord
from cookies.services import consent_record
from datarequests import services
from datarequests.models import DataRequest, ErasureTombstone, Status
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import (
    PASSWORD,
    OrderFactory,
    UserFactory,
    person_with_data_in_every_category,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def person(time_machine):
    time_machine.move_to(NOW, tick=False)
    user = person_with_data_in_every_category(
        UserFactory(username="erin", email="erin@example.eu", email_verified_at=clock.now())
    )
    # The fixture's order (placed, with a shipment and an open dispute) stays open; a second
    # one was delivered long ago.
    Order.objects.filter(buyer=user).update(delivery_address="12 Rue de Rivoli, Paris")
    OrderFactory(buyer=user, status=Order.Status.DELIVERED, delivery_address="3 Via Roma, Milano")
    consent_record(
        visitor_id="visitor-erin",
        user=user,
        choices={"statistics": True},
        method="banner_save",
        gpc=False,
        ip="203.0.113.9",
        user_agent="Firefox",
        now=clock.now(),
    )
    return user


def ask(client, user, **body):
    client.force_login(user)
    return client.post(
        "/api/v1/requests/",
        {"kind": "erasure", "jurisdiction": "EU", **body},
        content_type="application/json",
    )


def officer():
    return UserFactory(is_staff=True, is_superuser=True)


def approve(request_id, actor=None):
    return services.guardian_erasure_approve(
        request_id=request_id, actor=actor or officer(), now=clock.now()
    )


def test_an_eu_erasure_waits_for_an_officer_and_shows_what_it_will_keep(
    client, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = ask(client, person)

    assert answer.status_code == 201
    request = DataRequest.objects.get(pk=answer.json()["id"])
    assert request.status == Status.AWAITING_REVIEW
    assert ForumPost.objects.filter(author=person).exists()  # nothing erased yet
    verified_login(client, officer())
    page = client.get(reverse("admin:datarequests_datarequest_change", args=[request.pk]))
    text = page.content.decode()
    assert "What the erasure will do (read before approving)" in text
    assert "Orders (delivery address), 1 row(s): needed to complete an order still open" in text
    assert "Approve the erasure" in text


def test_an_eu_erasure_keeps_the_open_order_and_names_it_as_kept_in_the_reply(
    client, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request_id = ask(client, person).json()["id"]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        approve(request_id)

    request = DataRequest.objects.get(pk=request_id)
    assert request.status == Status.FULFILLED
    open_order = Order.objects.get(buyer=person, status=Order.Status.PLACED)
    delivered = Order.objects.get(buyer=person, status=Order.Status.DELIVERED)
    assert open_order.delivery_address == "12 Rue de Rivoli, Paris"
    assert delivered.delivery_address == ""
    assert Shipment.objects.filter(order=open_order).count() == 1
    dispute = TradeDispute.objects.get(raised_by=person)
    assert dispute.description == "Arrived 3 weeks late"  # still open: a legal claim
    assert not ForumPost.objects.filter(author=person).exists()
    assert not PageView.objects.filter(user=person).exists()
    # Consent records are proof, kept; the account is closed and de-identified.
    assert ConsentRecord.objects.filter(visitor_id="visitor-erin").count() == 1
    person.refresh_from_db()
    assert not person.is_active
    assert person.email == ""
    assert ErasureTombstone.objects.get(request=request).subject_id == person.pk
    (reply,) = mail.outbox
    assert reply.to == ["erin@example.eu"]
    assert "Orders (delivery address), 1 row(s): needed to complete an order still open" in (
        reply.body
    )
    assert "Trade disputes (description), 1 row(s): needed for a dispute still open" in reply.body
    assert "Consent records" in reply.body
    assert "12 Rue de Rivoli" not in reply.body


def test_the_requester_reads_what_was_kept_on_the_api(
    client, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request_id = ask(client, person).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        approve(request_id)
    request = DataRequest.objects.get(pk=request_id)

    # The account is closed, so the owner reads it as staff would show it: through the service.
    from datarequests.api import request_data

    data = request_data(request)

    assert data["kind"] == "erasure"
    assert any(line.startswith("Orders (delivery address)") for line in data["kept"])


def test_erasure_is_refused_in_hong_kong_with_the_reason_that_the_law_gives_no_such_right(
    client, person
):
    answer = ask(client, person, jurisdiction="HK")

    assert answer.status_code == 400
    reason = answer.json()["fields"]["kind"][0]
    assert reason.startswith("PDPO Cap. 486 gives no right to have your personal data erased")
    assert "a parent or guardian may have a minor's data deleted (policy F)" in reason
    assert not DataRequest.objects.exists()


def test_erasure_is_refused_in_singapore_on_the_self_service_form(client, person):
    client.force_login(person)

    page = client.post(reverse("requests:list"), {"kind": "erasure", "jurisdiction": "SG"})

    assert page.status_code == 400
    assert "PDPA 2012 gives no right to have your personal data erased" in page.content.decode()
    assert not DataRequest.objects.exists()


def test_the_self_service_form_takes_a_partial_erasure_of_browsing_only(
    client, person, django_capture_on_commit_callbacks
):
    client.force_login(person)
    form = client.get(reverse("requests:list")).content.decode()
    assert 'name="categories" value="browsing"' in form  # the page offers the choice
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("requests:list"),
            {"kind": "erasure", "jurisdiction": "US-CA", "categories": ["browsing"]},
        )
    request = DataRequest.objects.get()
    assert page.status_code == 302
    assert request.erasure_categories == ["browsing"]

    with django_capture_on_commit_callbacks(execute=True):
        approve(request.pk)

    person.refresh_from_db()
    assert not PageView.objects.filter(user=person).exists()
    assert ForumPost.objects.filter(author=person).exists()
    assert person.is_active and person.email == "erin@example.eu"
    assert person.check_password(PASSWORD)


def test_an_unknown_category_is_refused(client, person):
    answer = ask(client, person, categories=["everything"])

    assert answer.status_code == 400
    assert answer.json()["fields"] == {"categories.0": ['"everything" is not a valid choice.']}


def test_categories_on_an_access_request_are_refused(person):
    with pytest.raises(ValidationError) as refused:
        services.data_request_submit(
            requester=services.Requester(user=person),
            kind="access",
            jurisdiction_code="EU",
            channel="api",
            categories=["browsing"],
            now=clock.now(),
        )
    assert "Categories are only for an erasure request." in refused.value.messages


def test_four_eyes_the_officer_who_entered_the_letter_cannot_approve_its_erasure(
    client, person, django_capture_on_commit_callbacks
):
    clerk = officer()
    verified_login(client, clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:datarequests_datarequest_add"),
            {
                "kind": "erasure",
                "jurisdiction": _jurisdiction_pk("UK"),
                "requester": person.pk,
                "requester_name": "Erin",
                "postal_address": "1 High Street, London",
                "language": "en",
                "envelope_date": "2026-11-20",
            },
        )
    request = DataRequest.objects.get()
    assert request.kind == "erasure"
    with django_capture_on_commit_callbacks(execute=True):
        services.identity_verify(
            request_id=request.pk, actor=clerk, method="passport copy seen", now=clock.now()
        )
    assert DataRequest.objects.get().status == Status.AWAITING_REVIEW
    act = reverse("admin:datarequests_datarequest_act", args=[request.pk, "approve_erasure"])

    refused = client.post(act, {"confirmed": "1"}, follow=True)

    assert "another privacy officer must approve" in refused.content.decode()
    assert DataRequest.objects.get().status == Status.AWAITING_REVIEW
    assert ForumPost.objects.filter(author=person).exists()

    verified_login(client, officer())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(act, {"confirmed": "1"})
    assert DataRequest.objects.get().status == Status.FULFILLED
    assert not ForumPost.objects.filter(author=person).exists()


def test_a_request_handler_cannot_approve_an_erasure(
    client, person, django_capture_on_commit_callbacks
):
    roles_install()
    handler = UserFactory(is_staff=True)
    handler.groups.add(Group.objects.get(name=REQUEST_HANDLER))
    with django_capture_on_commit_callbacks(execute=True):
        request_id = ask(client, person).json()["id"]

    with pytest.raises(PermissionDenied, match="Only a privacy officer may approve an erasure"):
        approve(request_id, actor=handler)
    assert DataRequest.objects.get().status == Status.AWAITING_REVIEW


def test_a_letter_asking_erasure_under_hong_kong_law_is_refused_at_entry(client, person):
    verified_login(client, officer())

    page = client.post(
        reverse("admin:datarequests_datarequest_add"),
        {
            "kind": "erasure",
            "jurisdiction": _jurisdiction_pk("HK"),
            "requester": person.pk,
            "requester_name": "Erin",
            "postal_address": "Flat 3, 8 Nathan Road, Kowloon",
            "language": "en",
            "envelope_date": "2026-11-20",
        },
    )

    assert page.status_code == 200
    assert "PDPO Cap. 486 gives no right to have your personal data erased" in (
        page.content.decode()
    )
    assert not DataRequest.objects.exists()


def _jurisdiction_pk(code):
    from datarequests.models import Jurisdiction

    return Jurisdiction.objects.get(code=code).pk
