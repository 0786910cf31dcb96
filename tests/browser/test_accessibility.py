"""Every page a person reaches passes axe-core with no serious or critical violation (issue 15),
in English and in Simplified Chinese. axe-core comes inside axe-playwright-python's wheel."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from datarequests import services
from datarequests.links import message_link
from datarequests.models import Channel, Correspondence, Kind, MessageChannel, SentMessage
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory, person_with_data_in_every_category

# dateless: some four minutes of pages whose markup no date changes; `make test` runs it once.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.dateless,
    pytest.mark.django_db(transaction=True),
]

SERIOUS = {"serious", "critical"}
LANGUAGES = ["en", "zh-hans"]


def choose_kind(kind: str):
    return lambda page: page.check(f"input[name=kind][value={kind}]")


def open_cookie_categories(page):
    page.click("#cookie-banner summary")


def sign_in_refused(page):
    page.fill("#id_username", "mei")
    page.fill("#id_password", "not the password")
    page.click("main button[type=submit]")
    page.get_by_role("alert").wait_for()


def registration_refused(page):
    for field, value in {
        "username": "young",
        "password": "Lanterns-over-Xihu-2026",
        "password_again": "Lanterns-over-Xihu-2026",
        "first_name": "Xiao",
        "last_name": "Li",
        "email": "young@example.com",
        "phone": "+86 571 0000 0000",
        "birth_date": "2015-06-01",
        "country": "CN",
    }.items():
        page.fill(f"#id_{field}", value)
    page.click("main button[type=submit]")
    page.get_by_role("alert").wait_for()


def public_request_sent(page):
    page.fill("#id_email", "mei.chen@example.com")
    page.select_option("#id_jurisdiction", "EU")
    page.click("main button[type=submit]")
    page.wait_for_url("**/without-an-account/code/")


# (name, who signs in, address, what the person does there before the check, if anything);
# "{request}" stands for the request's id, "{reset}" for a password reset link's uid/token,
# "{message}" for the signed link to a texted message's full text.
PAGES = [
    ("home", None, "/", None),
    ("sign-in", None, "/accounts/login/", None),
    ("registration", None, "/accounts/register/", None),
    ("password reset", None, "/accounts/password-reset/", None),
    ("password reset sent", None, "/accounts/password-reset/sent/", None),
    ("password reset: new password", None, "/accounts/password-reset/{reset}/", None),
    ("cookie banner's categories", None, "/", open_cookie_categories),
    ("sign-in refused", None, "/accounts/login/", sign_in_refused),
    ("registration refused", None, "/accounts/register/", registration_refused),
    ("public request form", None, "/requests/without-an-account/", None),
    ("public request's code", None, "/requests/without-an-account/", public_request_sent),
    ("public request form by phone", None, "/requests/without-an-account/?by=phone", None),
    ("a texted message's full text", None, "{message}", None),
    ("cookie preferences", None, "/cookies/", None),
    ("do not sell", None, "/cookies/do-not-sell/", None),
    ("privacy policy", None, "/privacy-policy/", None),
    ("my data", "buyer", "/accounts/me/", None),
    ("my requests and the new-request form", "buyer", "/requests/", None),
    ("new-request form: correction", "buyer", "/requests/", choose_kind("correction")),
    ("new-request form: guardian", "buyer", "/requests/", choose_kind("guardian_deletion")),
    ("a request's detail", "buyer", "/requests/{request}/", None),
    ("edit my information", "buyer", "/accounts/me/edit/", None),
    ("marketing", "buyer", "/accounts/me/marketing/", None),
    ("password change", "buyer", "/accounts/me/password/", None),
    ("staff home", "staff", "/admin/", None),
    ("staff sign-in", None, "/admin/login/", None),
    ("request queue", "staff", "/admin/datarequests/datarequest/", None),
    ("letters to post", "staff", "/admin/datarequests/datarequest/letters/", None),
    ("a request's change page", "staff", "/admin/datarequests/datarequest/{request}/change/", None),
    ("requests dashboard", "staff", "/admin/datarequests/datarequest/dashboard/", None),
    ("compliance", "staff", "/admin/records/trailcheck/compliance/", None),
    ("data map", "staff", "/admin/datamap/", None),
]


def serious_violations(page) -> list[dict]:
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in SERIOUS]


def report(name: str, url: str, violations: list[dict]) -> str:
    lines = [f"{name} ({url}): {len(violations)} serious or critical accessibility violation(s)"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
    return "\n".join(lines)


def session_cookie(live_server, user, *, verified: bool) -> dict:
    client = Client()
    if verified:
        verified_login(client, user)
    else:
        client.force_login(user)
    return {
        "name": "sessionid",
        "value": client.cookies["sessionid"].value,
        "url": live_server.url,
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "who", "address", "act"), PAGES, ids=[p[0] for p in PAGES])
def test_the_page_has_no_serious_accessibility_violation(
    browser_page, live_server, staff_user, name, who, address, act, language
):
    buyer = person_with_data_in_every_category(UserFactory(username="mei"))
    request = services.data_request_submit(
        requester=services.Requester(user=buyer),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.SELF_SERVICE,
        now=clock.now(),
    )
    page = browser_page
    cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
    if who == "buyer":
        cookies.append(session_cookie(live_server, buyer, verified=False))
    elif who == "staff":
        cookies.append(session_cookie(live_server, staff_user, verified=True))
    page.context.add_cookies(cookies)

    reset = urlsafe_base64_encode(force_bytes(buyer.pk)) + "/"
    reset += default_token_generator.make_token(buyer)
    lead = services.data_request_submit(  # a lead known only by a phone number
        requester=services.Requester(name="Chan Tai Man", phone="+85291234567"),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.PUBLIC_FORM,
        now=clock.now(),
    )
    message = SentMessage.objects.create(
        request=lead,
        key=Correspondence.FEE_QUOTED,
        language=language,
        channel=MessageChannel.SMS,
        to="+85291234567",
        subject="Your data request: fee to pay",
        body="Your data request: fee to pay. Read it: [link]",
        full_text="The fee for your request is 50.21 HKD.",
        sent_at=clock.now(),
    )
    texted = message_link(message).removeprefix(settings.SITE_URL)
    url = live_server.url + address.format(request=request.pk, reset=reset, message=texted)
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{name}: HTTP {response.status}"
    assert "login" not in page.url or who is None, f"{name}: sent to sign in ({page.url})"
    if act is not None:
        act(page)
        url = page.url

    assert page.locator("html").get_attribute("lang") == language
    violations = serious_violations(page)
    assert not violations, report(name, url, violations)
