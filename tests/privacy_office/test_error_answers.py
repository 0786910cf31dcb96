"""Under /api/ every error is JSON, as the API's own are; pages elsewhere. Nothing shows a
traceback or the settings."""

import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from privacy_office import clock
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/nothing-here/", "/api/v1/requests/abc/"])
def test_an_unknown_api_address_answers_json_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "fields": {}}


def test_an_unknown_page_answers_a_page_not_a_debug_listing(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "api/v1/" not in response.content.decode()  # no list of URL patterns


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024 * 1024)
def test_a_body_over_the_limit_answers_413_json_without_a_traceback(client):
    body = json.dumps({"choices": {"analytics": True}, "padding": "x" * (2 * 1024 * 1024)})

    response = client.put(reverse("api-cookie-consent"), body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request is larger than 1 MB; send less at a time.",
        "fields": {},
    }


def test_a_full_ingest_batch_fits_under_the_body_limit(client, settings):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="add_pageview"))
    client.force_login(user)
    yesterday = (clock.now() - timedelta(days=1)).isoformat()
    rows = [
        {
            "viewed_at": yesterday,
            "visitor_id": f"visitor-{n:06d}",
            "session_id": f"session-{n:06d}",
            "ip_address": "203.0.113.7",
            "browser": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0",
            "operating_system": "Windows 11",
            "path": f"/products/{n}?utm_source=newsletter&utm_medium=email&ref=campaign-2026",
        }
        for n in range(10_000)
    ]
    body = json.dumps(rows)
    assert len(body) > 2.5 * 1024 * 1024  # Django's default limit would refuse it

    response = client.post(reverse("api-browsing-ingest"), body, content_type="application/json")

    assert response.status_code == 201, response.content[:300]
    assert response.json() == {"stored": 10_000}


def test_anonymous_doors_keep_the_small_limit_and_bulk_doors_their_own(client, settings):
    settings.BULK_UPLOAD_MAX_BYTES = 1024 * 1024
    big = json.dumps({"choices": {"statistics": True}, "padding": "x" * (3 * 1024 * 1024)})

    consent = client.put(reverse("api-cookie-consent"), big, content_type="application/json")
    ingest = client.post(reverse("api-browsing-ingest"), big, content_type="application/json")

    assert consent.status_code == 413
    assert consent.json()["detail"] == "The request is larger than 2.5 MB; send less at a time."
    assert ingest.status_code == 413
    assert ingest.json()["detail"] == "The request is larger than 1 MB; send less at a time."


@pytest.mark.parametrize(
    ("handler", "status"),
    [("permission_denied", 403), ("server_error", 500)],
)
def test_forbidden_and_server_errors_are_json_under_the_api_and_pages_elsewhere(
    rf, handler, status
):
    from django.core.exceptions import PermissionDenied

    from privacy_office import errors

    def answer(path):
        args = (rf.get(path),) if handler == "server_error" else (rf.get(path), PermissionDenied())
        return getattr(errors, handler)(*args)

    api, page = answer("/api/v1/requests/"), answer("/requests/")

    assert (api.status_code, page.status_code) == (status, status)
    assert api["Content-Type"] == "application/json" and json.loads(api.content)["detail"]
    assert page["Content-Type"].startswith("text/html")
