"""What the eye sees (issue 15, item 17): colours computed by the browser."""

import pytest

from tests.conftest import staff_signs_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STYLES = """selector => { const e = document.querySelector(selector); const s = getComputedStyle(e);
  return [s.color, s.backgroundColor]; }"""


def test_the_language_change_button_stands_out_from_the_header(browser_page, live_server):
    page = browser_page
    page.goto(f"{live_server.url}/")

    _text, header = page.evaluate(STYLES, ".site-header")
    text, button = page.evaluate(STYLES, ".site-header form.language button")

    assert button != header
    assert text != button


def test_the_data_maps_yes_is_readable(browser_page, live_server, staff_user):
    page = browser_page
    staff_signs_in(page, live_server, staff_user)
    page.goto(f"{live_server.url}/admin/datamap/")

    colour, _background = page.evaluate(STYLES, ".datamap td.yes")
    page_background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")

    # Django's --message-success-bg (#dfd) was the old colour: pale green on white.
    assert colour not in {"rgb(221, 255, 221)", page_background}
