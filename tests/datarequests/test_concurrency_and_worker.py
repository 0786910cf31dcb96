"""Two staff clicks at once move a request once; a real worker takes a request to its export."""

import threading
import time

import pytest
from django.db import connections
from django.urls import reverse

from datarequests import services
from datarequests.models import Channel, DataRequest, Kind, Status
from privacy_office import clock
from tests.datarequests.helpers import export_json, stored_path
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


class HeldBuild:
    """An access request whose export build is held at its last step (the reply letter)
    until released: submitted in a thread where, with eager tasks, the fee assessment and
    the build run once the submission commits."""

    def __init__(self, monkeypatch, user):
        from datarequests import exports

        self.building, self.released = threading.Event(), threading.Event()
        self.errors = []
        real_letter = exports.ForkedChild.answer  # the letter is drawn in a forked child

        def held_letter(child, counts):
            self.building.set()
            self.released.wait(30)
            return real_letter(child, counts)

        monkeypatch.setattr(exports.ForkedChild, "answer", held_letter)
        self.thread = threading.Thread(target=self._submit, args=(user,))

    def _submit(self, user):
        try:
            services.data_request_submit(
                requester=services.Requester(user=user),
                kind=Kind.ACCESS,
                jurisdiction_code="EU",
                channel=Channel.API,
                now=clock.now(),
            )
        except Exception as error:
            self.errors.append(error)
        finally:
            connections.close_all()

    def start(self) -> int:
        self.thread.start()
        assert self.building.wait(30), "the build never started"
        return DataRequest.objects.get(status=Status.IN_PROGRESS).pk

    def finish(self) -> None:
        self.released.set()
        self.thread.join(timeout=60)
        assert not self.thread.is_alive() and self.errors == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager_tasks")
@pytest.mark.parametrize("end", [Status.WITHDRAWN, Status.REFUSED])
def test_a_request_ended_during_its_export_build_ends_at_once_and_the_build_is_discarded(
    monkeypatch, end
):
    from datarequests.exports import export_dir
    from datarequests.models import Export, Jurisdiction

    user, officer = UserFactory(), UserFactory(is_staff=True)
    files_before = set(export_dir().glob("*.zip.enc"))
    build = HeldBuild(monkeypatch, user)
    request_id = build.start()

    started = time.monotonic()
    if end == Status.WITHDRAWN:
        services.data_request_withdraw(request_id=request_id, requester=user, now=clock.now())
    else:
        services.data_request_refuse(
            request_id=request_id,
            actor=officer,
            ground=Jurisdiction.objects.get(code="EU").refusal_grounds[0],
            explanation="We hold no data about you beyond your account.",
            now=clock.now(),
        )
    took = time.monotonic() - started
    build.finish()

    assert took < 20  # not held until the build lets go of the letter (30 s), even under load
    request = DataRequest.objects.get(pk=request_id)
    assert request.status == end
    assert request.events.filter(status=Status.FULFILLED).count() == 0
    assert not Export.objects.filter(request_id=request_id).exists()
    assert set(export_dir().glob("*.zip.enc")) - files_before == set()
    assert not list(export_dir().glob(f"{request_id}-*"))  # this request's file was discarded


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager_tasks")
def test_an_export_task_delivered_twice_builds_once(monkeypatch):
    from datarequests.exports import export_dir
    from datarequests.models import Export

    user = UserFactory()
    files_before = set(export_dir().glob("*.zip.enc"))
    build = HeldBuild(monkeypatch, user)
    request_id = build.start()

    started = time.monotonic()
    second = services.access_fulfil(request_id=request_id, now=clock.now())
    took = time.monotonic() - started
    build.finish()

    assert second is None and took < 20  # the first worker's claim stands: nothing built twice
    request = DataRequest.objects.get(pk=request_id)
    assert request.status == Status.FULFILLED
    export = Export.objects.get(request_id=request_id)
    assert set(export_dir().glob("*.zip.enc")) - files_before == {stored_path(export)}


def wait_for(request_id: int, status: str, seconds: float = 60) -> DataRequest:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        request = DataRequest.objects.get(pk=request_id)
        if request.status == status:
            return request
        time.sleep(0.2)
    return DataRequest.objects.get(pk=request_id)


def test_a_real_worker_takes_a_singapore_request_through_its_accepted_estimate_to_the_export(
    celery_worker_thread, client
):
    owner = person_with_data_in_every_category()
    client.force_login(owner)
    request_id = client.post(
        reverse("api-requests"),
        {"kind": "access", "jurisdiction": "SG"},
        content_type="application/json",
    ).json()["id"]

    waiting = wait_for(request_id, Status.AWAITING_ACCEPTANCE)
    assert waiting.status == Status.AWAITING_ACCEPTANCE
    accepted = client.post(reverse("api-request-estimate-accept", args=[request_id]))
    assert accepted.json()["status"] == "awaiting_payment"
    services.fee_settle(
        request_id=request_id, actor=None, waived=False, note="PayNow 7731", now=clock.now()
    )

    assert wait_for(request_id, Status.FULFILLED).status == Status.FULFILLED
    assert client.get(reverse("api-request-export", args=[request_id])).status_code == 200
