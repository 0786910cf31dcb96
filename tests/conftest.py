import os
import shutil
from datetime import datetime

import pytest
import time_machine

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Run the whole suite as if today were this instant (ISO 8601 with an offset), so a test
# that reads the wall clock for its expectations fails on some date: `make test` runs the
# suite under several such "todays" (a month end, 29 February, a Saturday).
TODAY = os.environ.get("PRIVACY_OFFICE_TEST_NOW", "")


def pytest_configure(config):
    if TODAY:
        time_machine.travel(datetime.fromisoformat(TODAY), tick=True).start()


def pytest_report_header(config):
    return f"today is {TODAY} (PRIVACY_OFFICE_TEST_NOW)" if TODAY else "today is the wall clock's"


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM):
        return
    skip = pytest.mark.skip(
        reason=f"browser test skipped: no Chromium at {CHROMIUM} "
        "(install Debian's package 'chromium' or set CHROMIUM_PATH)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username="officer",
        password="correct horse battery",
        is_staff=True,
        is_superuser=True,
        email="officer@example.com",
    )


@pytest.fixture
def celery_worker_thread(transactional_db):
    """A real Celery worker, in a thread, consuming from the configured Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture
def browser_page(live_server, monkeypatch):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()
        # Django code run while Playwright's loop is active gets its own
        # connections; close them, or the test database cannot be dropped.
        connections.close_all()


@pytest.fixture
def eager_tasks():
    """Run enqueued tasks at once, in the test's own transaction (unit tests of workflows)."""
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    from cookies.selectors import declarations_version_forget

    cache.clear()
    declarations_version_forget()
    yield


@pytest.fixture(autouse=True)
def _empty_unmanaged_tables(request, django_db_blocker):
    """Transactional tests end with a flush, which skips unmanaged tables (page views)."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        from django.db import connection

        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE activity_pageview")


def verified_login(client, user) -> None:
    """Sign ``user`` in on ``client`` in a session verified by a second factor (a real
    django-otp device), as a staff member's sign-in through the admin's form would be."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    client.force_login(user)
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def staff_recovery_code(user, code: str = "recovery1") -> str:
    """Give a staff member a recovery code for a real sign-in through the admin's form."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="recovery codes", defaults={"confirmed": True}
    )
    StaticToken.objects.create(device=device, token=code)
    return code


@pytest.fixture(autouse=True)
def _site_language_after_each_test():
    """A test that leaves another language active must not change the next test's answers."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
