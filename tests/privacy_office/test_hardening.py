"""Hardening (policy G): a Content-Security-Policy, rate limits with a clear 429, uploads
checked by content and size, and staff sessions that end when idle."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.middleware import LAST_SEEN_KEY
from datarequests.models import DataRequest, Jurisdiction
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_every_page_carries_a_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_the_api_docs_work_without_inline_scripts(client):
    page = client.get(reverse("api-docs"))

    assert page.status_code == 200
    assert "<script>" not in page.content.decode().replace(" ", "")


def test_too_many_sign_in_attempts_get_429_with_the_wait(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (3, 60)}
    user = UserFactory()
    client.get("/")  # a browser: keeps its visitor cookie
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "no"})

    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Too many attempts. Please try again in" in response.content.decode()


def test_registration_api_is_rate_limited_per_client_even_without_cookies(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": (2, 3600)}
    url = reverse("api-register")
    answers = []
    for _ in range(3):
        client.cookies.clear()  # a script that keeps no cookies: counted by its address
        answers.append(client.post(url, {}, content_type="application/json"))

    assert [a.status_code for a in answers] == [400, 400, 429]
    assert "Expected available in" in answers[2].json()["detail"]
    assert int(answers[2]["Retry-After"]) > 0


def test_request_submission_and_consent_writes_are_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "request": (1, 3600), "consent": (1, 60)}
    client.force_login(UserFactory())
    client.get("/")  # a browser: counted by its visitor id from now on
    body = {"kind": "access", "jurisdiction": "EU"}
    first = client.post(reverse("api-requests"), body, content_type="application/json")
    second = client.post(reverse("api-requests"), body, content_type="application/json")
    consent = {"choices": {"statistics": True}}
    client.put(reverse("api-cookie-consent"), consent, content_type="application/json")
    again = client.put(reverse("api-cookie-consent"), consent, content_type="application/json")

    assert (first.status_code, second.status_code) == (201, 429)
    assert again.status_code == 429
    assert DataRequest.objects.count() == 1


def test_reading_is_never_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "consent": (1, 60)}

    answers = [client.get(reverse("api-cookie-consent")).status_code for _ in range(5)]

    assert answers == [200] * 5


def letter_post(client, scan):
    return client.post(
        reverse("admin:datarequests_datarequest_add"),
        {
            "kind": "access",
            "jurisdiction": Jurisdiction.objects.get(code="HK").pk,
            "requester_name": "Chan",
            "postal_address": "Kowloon",
            "language": "en",
            "envelope_date": (clock.today() - timedelta(days=5)).isoformat(),
            "letter_scan": scan,
        },
    )


def test_an_oversized_upload_is_refused_with_its_size(client, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    response = letter_post(client, SimpleUploadedFile("scan.pdf", b"%PDF-1.7" + b"0" * 2048))

    assert "This file is 0.0 MB; the limit is 0 MB." in response.content.decode()
    assert not DataRequest.objects.exists()


def test_a_disguised_upload_is_refused_by_its_content(client):
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    response = letter_post(
        client,
        SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf"),
    )

    assert "Only PDF, JPEG or PNG files are accepted" in response.content.decode()
    assert not DataRequest.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("letter.pdf", b"%PDF-1.7 ..."),
        ("letter.JPG", b"\xff\xd8\xff\xe0 jpeg"),
        ("letter.png", b"\x89PNG\r\n\x1a\n png"),
    ],
)
def test_pdf_jpeg_and_png_scans_are_accepted(client, name, content):
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    response = letter_post(client, SimpleUploadedFile(name, content))

    assert response.status_code == 302
    assert DataRequest.objects.get().letter_scan


def test_an_idle_staff_session_ends_after_30_minutes(client):
    officer = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, officer)
    client.get(reverse("admin:index"))
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_busy_staff_session_still_ends_after_12_hours(client, time_machine):
    time_machine.move_to(datetime(2026, 11, 2, 0, 30, tzinfo=UTC), tick=False)  # 08:30 in HK
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    for minutes in range(0, 12 * 60, 25):  # a request every 25 minutes all day long
        time_machine.move_to(datetime(2026, 11, 2, 0, 30, tzinfo=UTC) + timedelta(minutes=minutes))
        assert client.get(reverse("admin:index")).status_code == 200

    time_machine.move_to(datetime(2026, 11, 2, 12, 31, tzinfo=UTC))  # 12 h 1 min after
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_pdf_named_as_a_web_page_is_refused(client):
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    response = letter_post(
        client, SimpleUploadedFile("x.html", b"%PDF-1.7<script>alert(1)</script>")
    )

    assert "Only PDF, JPEG or PNG files are accepted" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_request_limits_count_each_person_not_the_shared_office_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "request": (1, 3600)}
    body = {"kind": "access", "jurisdiction": "EU"}
    answers = []
    for person in (UserFactory(), UserFactory()):  # the same address, two colleagues
        client.force_login(person)
        answers.append(client.post(reverse("api-requests"), body, content_type="application/json"))
    again = client.post(reverse("api-requests"), body, content_type="application/json")

    assert [a.status_code for a in answers] == [201, 201]
    assert again.status_code == 429
