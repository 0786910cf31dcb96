"""Cookie categories and declared cookies in Simplified Chinese, on the page and in the API."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_categories_and_cookies_are_listed_in_chinese(client):
    response = client.get(reverse("api-cookie-categories"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    necessary = next(c for c in response.json() if c["code"] == "necessary")
    session = next(c for c in necessary["cookies"] if c["name"] == "sessionid")
    assert necessary["title"] != "Strictly necessary"
    assert session["purpose"] == "保持您的登录状态。"
    assert session["lifetime"] == "2 周或浏览器会话期间"


def test_the_preference_centre_lists_cookie_purposes_in_chinese(client):
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("cookies:preferences"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "保持您的登录状态。" in page.content.decode()
