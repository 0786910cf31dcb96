"""The staff desk in a real browser: the queue fits 1280 px, staff bulk-assign and note."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.roles import REQUEST_HANDLER
from datarequests import services
from datarequests.models import Channel, DataRequest, Kind
from privacy_office import clock
from tests.conftest import staff_signs_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _a_wednesday_in_hong_kong(time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


def _letters(count: int) -> list[DataRequest]:
    made = []
    for n in range(count):
        made.append(
            services.data_request_submit(
                requester=services.Requester(
                    name=f"Requester With A Rather Long Name Number {n}",
                    postal_address="12 West Lake Road",
                ),
                kind=Kind.GUARDIAN_DELETION if n % 2 else Kind.ACCESS,
                jurisdiction_code=["HK", "EU", "US-CA"][n % 3],
                channel=Channel.LETTER,
                minor_named="someone" if n % 2 else "",
                now=clock.now(),
            )
        )
    DataRequest.objects.filter(pk=made[0].pk).update(
        due_at=datetime(2026, 11, 20, 15, 59, tzinfo=UTC)
    )
    return made


def test_the_queue_fits_1280_px_and_staff_bulk_assign_and_note(
    browser_page, live_server, staff_user, tmp_path
):
    handler = UserFactory(username="handler-bo", is_staff=True)
    handler.groups.add(Group.objects.get(name=REQUEST_HANDLER))
    requests = _letters(6)
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    staff_signs_in(page, live_server, staff_user)

    page.goto(f"{live_server.url}/admin/datarequests/datarequest/")

    # Neither the page nor the table's own scrolling box (the admin's .results) scrolls.
    overflow = page.evaluate(
        """() => [document.documentElement, document.querySelector('#changelist .results')]
                 .map(box => box.scrollWidth - box.clientWidth)"""
    )
    assert overflow == [0, 0], f"the queue scrolls sideways at 1280 px: {overflow}"
    table = page.locator("#changelist .results").bounding_box()
    for header in ("due (zone)", "days left"):
        box = page.locator("#result_list thead th", has_text=header).first.bounding_box()
        assert box is not None and table is not None
        assert box["x"] >= table["x"] and box["x"] + box["width"] <= table["x"] + table["width"]
    expect(page.get_by_text("overdue by 5 days")).to_be_visible()
    page.screenshot(path=str(tmp_path / "queue-1280.png"), full_page=True)

    page.locator(f"input[name=_selected_action][value='{requests[1].pk}']").check()
    page.locator(f"input[name=_selected_action][value='{requests[2].pk}']").check()
    page.select_option("select[name=action]", "assign_selected")
    page.click("button[name=index]")
    page.select_option("#id_assignee", label="handler-bo")
    page.click("input[value=Assign]")
    expect(page.get_by_text("2 requests assigned.")).to_be_visible()
    page.click("text=Mine")  # the officer's own: none
    expect(page.get_by_text("0 data requests")).to_be_visible()
    page.goto(f"{live_server.url}/admin/datarequests/datarequest/{requests[1].pk}/change/")
    page.fill("#id_note_text", "Called the requester; letter follows.")
    page.click("input[value='Add the note']")
    expect(page.locator("#internal-notes").get_by_text("Called the requester")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/admin/datarequests/datarequest/")
    page.screenshot(path=str(tmp_path / "queue-390.png"), full_page=True)
    assert (tmp_path / "queue-1280.png").stat().st_size > 0
    assert (tmp_path / "queue-390.png").stat().st_size > 0
    assert set(DataRequest.objects.filter(assignee=handler).values_list("pk", flat=True)) == {
        requests[1].pk,
        requests[2].pk,
    }
