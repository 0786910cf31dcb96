"""CCPA request metrics (regs §7102) and the §7101 record, against a fixture counted by hand.

All times are California's (America/Los_Angeles, PST = UTC-8 in winter, PDT = UTC-7):

    A  know     received 2025-12-20 10:00        fulfilled 2026-01-05 10:00   16 days
    H  know     received 2025-12-31 23:30 PST    (2026-01-01 07:30 UTC)       still open
    B  know     received 2026-03-02 09:00        fulfilled 2026-03-12 09:00   10 days
    G  know     received 2026-04-01 09:00        withdrawn 2026-04-02
    C  know     received 2026-06-01 09:00        refused 2026-06-05 "identity not verified"   4 days
    D  correct  received 2026-12-01 10:00        refused 2026-12-31 23:00 PST (2027-01-01 07:00
                                                 UTC) "manifestly unfounded or excessive"  30 days
    E  know     received 2026-12-30 10:00        fulfilled 2027-01-10 10:00   11 days
    F  know     (EU, not California)             received 2026-05-05, fulfilled 2026-05-06

2026: know received B, G, C, E = 4; complied A, B = 2; denied C = 1; days 16, 10, 4: median
10, mean 10. Correct: received D = 1, denied D = 1 (31 December in California); 30 days.
2027: know complied E = 1, 11 days; correct denied 0. 2025: know received A, H = 2.
2024: nothing at all.
"""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import AUDITOR, CUSTOMER_SERVICE
from datarequests.models import Channel, DataRequest, Jurisdiction, Kind, RequestEvent, Status
from records.metrics import ccpa_metrics, ccpa_metrics_text, ccpa_request_records
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")


def la(y, m, d, h=9, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=LA)


def make(kind, received, *steps, code="US-CA", channel=Channel.API):
    request = DataRequest.objects.create(
        kind=kind,
        status=steps[-1][1] if steps else Status.RECEIVED,
        channel=channel,
        jurisdiction=Jurisdiction.objects.get(code=code),
        language="en",
        received_at=received,
    )
    RequestEvent.objects.create(request=request, status=Status.RECEIVED, at=received)
    for at, status, *reason in steps:
        RequestEvent.objects.create(
            request=request, status=status, at=at, reason=reason[0] if reason else ""
        )
    return request


@pytest.fixture
def fixture_requests():
    return {
        "A": make(Kind.ACCESS, la(2025, 12, 20, 10), (la(2026, 1, 5, 10), Status.FULFILLED)),
        "H": make(Kind.ACCESS, la(2025, 12, 31, 23, 30)),
        "B": make(
            Kind.ACCESS,
            la(2026, 3, 2),
            (la(2026, 3, 3), Status.IN_PROGRESS),
            (la(2026, 3, 12), Status.FULFILLED),
        ),
        "G": make(
            Kind.ACCESS,
            la(2026, 4, 1),
            (la(2026, 4, 2), Status.WITHDRAWN, "withdrawn by the requester"),
            channel=Channel.SELF_SERVICE,
        ),
        "C": make(
            Kind.ACCESS,
            la(2026, 6, 1),
            (la(2026, 6, 5), Status.REFUSED, "identity not verified: no reply to our letter"),
            channel=Channel.LETTER,
        ),
        "D": make(
            Kind.CORRECTION,
            la(2026, 12, 1, 10),
            (
                la(2026, 12, 31, 23),
                Status.REFUSED,
                "manifestly unfounded or excessive: the same correction for the fifth time",
            ),
        ),
        "E": make(Kind.ACCESS, la(2026, 12, 30, 10), (la(2027, 1, 10, 10), Status.FULFILLED)),
        "F": make(Kind.ACCESS, la(2026, 5, 5), (la(2026, 5, 6), Status.FULFILLED), code="EU"),
    }


def figures(year):
    return {
        kind.code: (
            kind.received,
            kind.complied,
            kind.denied,
            kind.denied_by_reason,
            kind.median_days,
            kind.mean_days,
        )
        for kind in ccpa_metrics(year=year).kinds
    }


NOTHING = (0, 0, 0, {}, None, None)


def test_the_figures_of_2026_as_counted_by_hand(fixture_requests):
    assert figures(2026) == {
        "know": (4, 2, 1, {"identity not verified": 1}, 10.0, 10.0),
        "delete": NOTHING,
        "correct": (1, 0, 1, {"manifestly unfounded or excessive": 1}, 30.0, 30.0),
        "opt_out": NOTHING,
        "limit": NOTHING,
    }


def test_a_request_answered_in_january_counts_in_the_year_of_its_answer(fixture_requests):
    assert figures(2027) == {
        "know": (0, 1, 0, {}, 11.0, 11.0),
        "delete": NOTHING,
        "correct": NOTHING,
        "opt_out": NOTHING,
        "limit": NOTHING,
    }
    # Received at 23:30 on 31 December in California, 1 January in UTC: a 2025 request.
    assert figures(2025)["know"] == (2, 0, 0, {}, None, None)


def test_an_empty_year_has_only_zeros(fixture_requests):
    assert list(figures(2024).values()) == [NOTHING] * 5
    assert "none answered in the year" in ccpa_metrics_text(ccpa_metrics(year=2024))


def test_the_text_to_publish(fixture_requests):
    text = ccpa_metrics_text(ccpa_metrics(year=2026)).splitlines()

    assert text[0] == "California consumer requests, 1 January to 31 December 2026:"
    assert text[1] == (
        "- Requests to know: 4 received, 2 complied with in whole or in part, 1 denied "
        "(1 identity not verified); median 10 days, mean 10 days to respond."
    )
    assert text[3] == (
        "- Requests to correct: 1 received, 0 complied with in whole or in part, 1 denied "
        "(1 manifestly unfounded or excessive); median 30 days, mean 30 days to respond."
    )
    assert text[4].startswith("- Requests to opt out of sale or sharing: none received")


def test_the_7101_record_of_2026(fixture_requests):
    records = [
        (r.request_id, str(r.received_on), r.kind, r.channel, str(r.responded_on), r.response)
        for r in ccpa_request_records(year=2026)
    ]
    ids = {name: request.pk for name, request in fixture_requests.items()}

    assert records == [
        (ids["B"], "2026-03-02", "access", "api", "2026-03-12", "complied"),
        (ids["G"], "2026-04-01", "access", "self_service", "2026-04-02", "withdrawn"),
        (ids["C"], "2026-06-01", "access", "letter", "2026-06-05", "denied"),
        (ids["D"], "2026-12-01", "correction", "api", "2026-12-31", "denied"),
        (ids["E"], "2026-12-30", "access", "api", "2027-01-10", "complied"),
    ]
    assert ccpa_request_records(year=2026)[2].denial_basis == (
        "identity not verified: no reply to our letter"
    )


def staff(role):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_the_auditor_reads_the_page_and_downloads_the_csv(client, fixture_requests):
    verified_login(client, staff(AUDITOR))
    url = reverse("admin:records_ccpa")

    page = client.get(url, {"year": 2026})
    download = client.get(url, {"year": 2026, "format": "csv"})
    record = client.get(url, {"year": 2026, "format": "records"})

    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    assert "4 received, 2 complied" in page.content.decode()
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[1] == ["2026", "know", "4", "2", "1", "identity not verified: 1", "10", "10"]
    assert len(list(csv.reader(io.StringIO(record.content.decode())))) == 6


def test_customer_service_and_ordinary_users_cannot_read_the_metrics(client):
    url = reverse("admin:records_ccpa")
    verified_login(client, staff(CUSTOMER_SERVICE))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory())
    assert client.get(url).status_code == 302


def test_a_consumers_erasure_and_a_guardians_deletion_are_both_requests_to_delete():
    make(Kind.ERASURE, la(2026, 5, 4), (la(2026, 5, 14), Status.FULFILLED))  # 10 days
    make(Kind.GUARDIAN_DELETION, la(2026, 6, 1), (la(2026, 6, 21), Status.FULFILLED))  # 20 days

    delete = next(kind for kind in ccpa_metrics(year=2026).kinds if kind.code == "delete")

    assert (delete.received, delete.complied, delete.denied) == (2, 2, 0)
    assert (delete.median_days, delete.mean_days) == (15.0, 15.0)
