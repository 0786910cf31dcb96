"""Defects a user saw (issue 15, item 17), each as the user would notice it."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from cookies.models import ConsentRecord
from datarequests import services
from datarequests.models import Channel, DataRequest, Kind, Status
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_2018_policys_bullets_are_a_real_list_not_boxes(client):
    html = client.get(reverse("policies:current")).content.decode()

    assert "\uf0b7" not in html
    assert "<li>What information we collect and why we collect it.</li>" in html
    assert "<li>How we use this information.</li>" in html


def test_the_stored_policy_text_keeps_its_original_bullets():
    from policies.models import PolicyVersion

    assert "\uf0b7" in PolicyVersion.objects.get(version="2018-11-02").text


def test_the_consent_proof_csv_writes_json_and_iso_times_not_python_reprs(client):
    client.get("/")
    client.post(
        reverse("cookies:consent"),
        {"action": "save", "source": "banner", "next": "/", "statistics": "on"},
        HTTP_USER_AGENT="Firefox/133",
    )
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    record = ConsentRecord.objects.get()

    export = client.post(
        reverse("admin:cookies_consentrecord_changelist"),
        {"action": "export_as_proof", "_selected_action": [record.pk]},
    )

    [header, row] = list(csv.reader(io.StringIO(export.content.decode())))
    cells = dict(zip(header, row, strict=True))
    assert json.loads(cells["choices"]) == record.choices
    assert "True" not in cells["choices"] and "'" not in cells["choices"]
    assert cells["gpc"] in {"true", "false"}
    assert datetime.fromisoformat(cells["created_at"]) == record.created_at


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[0][0].endswith("privacy_office/favicon.svg")


def test_the_data_maps_yes_is_not_coloured_as_a_background(client):
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    html = client.get(reverse("admin:datamap")).content.decode()

    assert '<td class="yes">yes</td>' in html
    assert "td.yes { color: var(--message-success-bg" not in html


def test_a_fulfilled_request_no_longer_says_we_must_reply_by(client, time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    owner = UserFactory()
    request = services.data_request_submit(
        requester=services.Requester(user=owner),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.SELF_SERVICE,
        now=clock.now(),
    )
    client.force_login(owner)
    url = reverse("requests:detail", args=[request.pk])
    before = client.get(url).content.decode()
    DataRequest.objects.filter(pk=request.pk).update(status=Status.FULFILLED)

    after = client.get(url).content.decode()

    assert "we must reply by" in before
    assert "we must reply by" not in after
    assert "closed on 2026-11-25 (Asia/Hong_Kong)" in after


def test_a_get_of_the_sign_out_address_shows_a_page_with_the_button(client):
    user = UserFactory()
    client.force_login(user)

    page = client.get(reverse("accounts:logout"))

    html = page.content.decode()
    assert page.status_code == 200
    assert f'action="{reverse("accounts:logout")}"' in html and "Sign out</button>" in html
    assert client.get(reverse("accounts:my-data")).status_code == 200  # still signed in
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:my-data")).status_code == 302
