"""A letter from a person with no account is answered by post: the print pack, the dispatch."""

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from activity.models import Lead
from audit.models import AuditEvent
from datarequests import services
from datarequests.models import Channel, DataRequest, Dispatch, Jurisdiction, Kind, Status
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory
from tests.pdf_text import letter_paragraphs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture(autouse=True)
def _a_letter_posted_on_20_november_is_entered_on_the_25th(time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


@pytest.fixture
def officer(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, user)
    return user


def a_lead_met_at_a_fair():
    return Lead.objects.create(
        event_name="Canton Fair",
        event_date=date(2025, 10, 15),
        full_name="Mei Chen",
        email="mei.chen@example.com",
        phone="+86 571 8888 0000",
    )


def postal_letter(**changes):
    return services.data_request_submit(
        requester=services.Requester(
            name="Mei Chen",
            email="mei.chen@example.com",
            postal_address="12 West Lake Road\nHangzhou 310000",
        ),
        kind=Kind.ACCESS,
        jurisdiction_code="CN",
        channel=Channel.LETTER,
        received_at=datetime(2026, 11, 20, 4, 0, tzinfo=UTC),
        now=clock.now(),
        **changes,
    )


def verified(request_id, officer, client, capture):
    with capture(execute=True):
        client.post(
            reverse("admin:datarequests_datarequest_act", args=[request_id, "verify"]),
            {"text": "ID card copy enclosed with the letter"},
        )
    return DataRequest.objects.get(pk=request_id)


def dispatch_url(request_id):
    return reverse("admin:datarequests_datarequest_act", args=[request_id, "dispatch"])


def pack_url(request_id):
    return reverse("admin:datarequests_datarequest_reply_pack", args=[request_id])


def test_a_letter_from_a_person_without_an_account_ends_in_a_posted_reply(
    client, officer, django_capture_on_commit_callbacks
):
    a_lead_met_at_a_fair()
    added = client.post(
        reverse("admin:datarequests_datarequest_add"),
        {
            "kind": "access",
            "jurisdiction": Jurisdiction.objects.get(code="CN").pk,
            "requester_name": "Mei Chen",
            "requester_email": "mei.chen@example.com",
            "postal_address": "12 West Lake Road\nHangzhou 310000",
            "language": "en",
            "envelope_date": "2026-11-20",
        },
    )
    assert added.status_code == 302
    request_id = DataRequest.objects.get().pk

    request = verified(request_id, officer, client, django_capture_on_commit_callbacks)

    # The export is built, but nobody is told to "sign in and download": there is no account.
    assert request.status == Status.AWAITING_DISPATCH
    assert not [m for m in mail.outbox if "ready" in m.subject.lower()]
    queue = client.get(
        reverse("admin:datarequests_datarequest_changelist"), {"reply": "to_dispatch"}
    ).content.decode()
    assert "To dispatch by post" in queue
    assert f"/admin/datarequests/datarequest/{request_id}/change/" in queue
    page = client.get(reverse("admin:datarequests_datarequest_change", args=[request_id]))
    assert "Download the print pack" in page.content.decode()

    pack = client.get(pack_url(request_id))

    assert pack.status_code == 200
    assert pack["Content-Type"] == "application/pdf"
    text = letter_paragraphs(pack.content)
    assert "Mei Chen" in text and "12 West Lake Road" in text
    assert f"Your request {request_id} for access to your personal data" in text
    assert "Trade-fair leads: 1" in text
    assert "Canton Fair" in text and "+86 571 8888 0000" in text
    assert AuditEvent.objects.filter(actor=officer, detail="reply pack read").count() == 1
    on_a_medium = client.get(
        reverse("admin:datarequests_datarequest_reply_export", args=[request_id])
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(on_a_medium.streaming_content)))
    assert "Canton Fair" in archive.read("csv/activity.Lead.csv").decode()
    assert AuditEvent.objects.filter(actor=officer, detail="reply export read").count() == 1

    done = client.post(
        dispatch_url(request_id),
        {"dispatched_on": "2026-11-25", "method": "registered", "tracking": "RR123456789CN"},
        follow=True,
    )

    assert "Done: Reply posted." in done.content.decode()
    request.refresh_from_db()
    assert request.status == Status.FULFILLED
    dispatch = Dispatch.objects.get(request=request)
    assert (dispatch.dispatched_on, dispatch.method, dispatch.tracking, dispatch.actor) == (
        date(2026, 11, 25),
        "registered",
        "RR123456789CN",
        officer,
    )
    assert "Posted on 2026-11-25 by Registered post; tracking number: RR123456789CN." in (
        client.get(
            reverse("admin:datarequests_datarequest_change", args=[request_id])
        ).content.decode()
    )
    # Closed: no longer in the queue of replies to post, and its clock no longer counts.
    queue = client.get(
        reverse("admin:datarequests_datarequest_changelist"), {"reply": "to_dispatch"}
    ).content.decode()
    assert f"/admin/datarequests/datarequest/{request_id}/change/" not in queue
    assert not mail.outbox  # a postal reply: nothing was emailed on the way


def test_a_letter_from_an_account_holder_is_still_fulfilled_and_emailed(
    client, officer, django_capture_on_commit_callbacks
):
    holder = UserFactory(email="holder@example.com")
    request = postal_letter()
    DataRequest.objects.filter(pk=request.pk).update(requester=holder)

    request = verified(request.pk, officer, client, django_capture_on_commit_callbacks)

    assert request.status == Status.FULFILLED
    assert "Sign in and download it" in mail.outbox[-1].body
    assert client.get(pack_url(request.pk), follow=True).status_code == 200
    assert "not answered by post" in client.get(pack_url(request.pk), follow=True).content.decode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"dispatched_on": "2026-11-26", "method": "post"}, "cannot have been posted after today"),
        ({"dispatched_on": "2026-11-24", "method": "post"}, "before its pack was ready"),
        ({"dispatched_on": "2026-02-30", "method": "post"}, "Give the date the reply was posted"),
        ({"dispatched_on": "", "method": "post"}, "Give the date the reply was posted"),
        ({"dispatched_on": "2026-11-25", "method": "pigeon"}, "Choose how the reply was sent"),
        ({"dispatched_on": "2026-11-25", "method": "courier"}, "give a tracking number"),
    ],
)
def test_a_dispatch_with_bad_details_is_refused_and_the_reply_still_waits(
    client, officer, django_capture_on_commit_callbacks, body, message
):
    request = verified(postal_letter().pk, officer, client, django_capture_on_commit_callbacks)

    response = client.post(dispatch_url(request.pk), body, follow=True)

    assert message in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.AWAITING_DISPATCH
    assert not Dispatch.objects.exists()


def test_a_second_dispatch_click_is_told_the_reply_is_already_posted(
    client, officer, django_capture_on_commit_callbacks
):
    request = verified(postal_letter().pk, officer, client, django_capture_on_commit_callbacks)
    body = {"dispatched_on": "2026-11-25", "method": "post"}

    client.post(dispatch_url(request.pk), body)
    second = client.post(dispatch_url(request.pk), body, follow=True)

    assert "already moved on" in second.content.decode()
    assert Dispatch.objects.count() == 1


def test_the_pack_waits_until_the_export_is_built(client, officer):
    request = postal_letter()  # identity not checked yet

    response = client.get(pack_url(request.pk), follow=True)

    assert "not ready to print yet" in response.content.decode()
    assert not AuditEvent.objects.filter(detail__startswith="reply ").exists()


def test_only_verified_staff_who_handle_requests_get_the_pack_or_post_it(
    client, django_capture_on_commit_callbacks
):
    officer = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, officer)
    request = verified(postal_letter().pk, officer, client, django_capture_on_commit_callbacks)
    client.logout()
    body = {"dispatched_on": "2026-11-25", "method": "post"}

    anonymous = client.get(pack_url(request.pk))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]

    requester = UserFactory(email="mei.chen@example.com")
    client.force_login(requester)
    assert client.get(pack_url(request.pk)).status_code == 302
    assert client.post(dispatch_url(request.pk), body).status_code == 302

    unverified = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(unverified)  # no second factor
    assert client.get(pack_url(request.pk)).status_code == 302

    auditor = UserFactory(is_staff=True)
    auditor.user_permissions.add(Permission.objects.get(codename="view_datarequest"))
    verified_login(client, auditor)
    assert client.get(pack_url(request.pk)).status_code == 403
    export_url = reverse("admin:datarequests_datarequest_reply_export", args=[request.pk])
    assert client.get(export_url).status_code == 403
    assert client.post(dispatch_url(request.pk), body).status_code == 403

    request.refresh_from_db()
    assert request.status == Status.AWAITING_DISPATCH
    assert not AuditEvent.objects.filter(detail__startswith="reply ").exists()


def test_the_print_pack_speaks_the_letters_language(
    client, officer, django_capture_on_commit_callbacks
):
    a_lead_met_at_a_fair()
    request = verified(
        postal_letter(language="zh-hans").pk, officer, client, django_capture_on_commit_callbacks
    )

    text = letter_paragraphs(client.get(pack_url(request.pk)).content)

    assert "我们持有的关于您的个人资料" in text
    assert "Canton Fair" in text
