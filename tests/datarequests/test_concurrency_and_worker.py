"""Two staff clicks at once move a request once; a real worker takes a request to its export."""

import threading
import time

import pytest
from django.db import connections
from django.urls import reverse

from datarequests import services
from datarequests.models import Channel, DataRequest, Kind, Status
from privacy_office import clock
from tests.datarequests.helpers import export_json
from tests.factories import UserFactory, person_with_data_in_every_category


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_move_the_request_once():
    user = UserFactory(phone="+86 571 1111 1111")
    request = services.data_request_submit(
        requester=services.Requester(user=user),
        kind=Kind.CORRECTION,
        jurisdiction_code="EU",
        channel=Channel.API,
        corrections=[{"field": "accounts.User.phone", "value": "+86 571 2"}],
        now=clock.now(),
    )
    services.fee_assess(request_id=request.pk, now=clock.now())
    officers = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    start = threading.Barrier(2)
    outcomes = []

    def approve(officer):
        start.wait()
        try:
            services.correction_approve(request_id=request.pk, actor=officer, now=clock.now())
            outcomes.append("moved")
        except services.AlreadyMoved as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes)[0].startswith(
        "This request has already moved on: it is now “Fulfilled”"
    )
    assert sorted(outcomes)[1] == "moved"
    request.refresh_from_db()
    assert request.status == Status.FULFILLED
    assert request.events.filter(status=Status.FULFILLED).count() == 1


@pytest.mark.worker
def test_a_real_worker_takes_a_request_from_submission_to_a_downloadable_export(
    celery_worker_thread, client
):
    owner = person_with_data_in_every_category()
    client.force_login(owner)

    response = client.post(
        reverse("api-requests"),
        {"kind": "access", "jurisdiction": "US-CA"},
        content_type="application/json",
    )
    request_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if DataRequest.objects.get(pk=request_id).status == Status.FULFILLED:
            break
        time.sleep(0.2)

    request = DataRequest.objects.get(pk=request_id)
    assert request.status == Status.FULFILLED
    download = client.get(reverse("api-request-export", args=[request_id]))
    assert download.status_code == 200
    data = export_json(request.export)
    assert all(
        any(model["rows"] for model in data["categories"][category]["models"].values())
        for category in ("registration", "account", "activity", "event", "browsing")
    )
    client.force_login(UserFactory())
    assert client.get(reverse("api-request-export", args=[request_id])).status_code == 404
