"""The requester's rows are counted for the fee only where their number changes it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.models import PageView
from datarequests import services
from datarequests.models import FeeSchedule, Status
from privacy_office import clock
from tests.datarequests.helpers import access_request
from tests.factories import person_with_data_in_every_category

pytestmark = pytest.mark.django_db


def page_view_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "activity_pageview" in q["sql"]]


def test_a_free_request_is_assessed_without_counting_the_requesters_rows():
    request = access_request(person_with_data_in_every_category(), "EU")

    with CaptureQueriesContext(connection) as captured:
        assessed = services.fee_assess(request_id=request.pk, now=clock.now())

    assert assessed.status == Status.IN_PROGRESS
    assert assessed.fee_quote.amount == 0
    assert page_view_queries(captured) == []


def test_a_fee_by_the_thousand_counts_every_row_of_the_requester():
    user = person_with_data_in_every_category()
    request = access_request(user, "HK")
    volume = services.request_volume(request)  # before the quote and its events are stored

    with CaptureQueriesContext(connection) as captured:
        assessed = services.fee_assess(request_id=request.pk, now=clock.now())

    copies = next(line for line in assessed.fee_quote.lines if line["code"] == "copies")
    assert volume["activity.PageView"] == PageView.objects.filter(user=user).count() > 0
    assert copies["params"]["records"] == sum(volume.values())
    assert page_view_queries(captured)


def test_a_schedule_without_a_charge_per_record_does_not_count_them():
    FeeSchedule.objects.filter(jurisdiction__code="HK").update(per_thousand_records=0)
    request = access_request(person_with_data_in_every_category(), "HK")

    with CaptureQueriesContext(connection) as captured:
        assessed = services.fee_assess(request_id=request.pk, now=clock.now())

    assert assessed.status == Status.AWAITING_PAYMENT
    assert [line["code"] for line in assessed.fee_quote.lines] == ["handling"]
    assert page_view_queries(captured) == []
