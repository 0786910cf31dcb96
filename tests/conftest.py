import contextlib
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


# --- two database roles (README, Security) -------------------------------------------------
# With DATABASE_OWNER_URL set, the test database is created, migrated and emptied as the owner
# role, and every test runs as DATABASE_URL's role: the application's, which PostgreSQL lets
# only read and add to the proof tables. Unset, the suite runs as DATABASE_URL's role alone
# (as before), and the tests that need the app role skip.

APP_ROLE_SKIP = "app-role test skipped: the suite connects as the tables' owner"
_APP_CREDENTIALS: dict = {}  # DATABASE_URL's role, while the owner creates the database


def _database_owner() -> dict | None:
    from django.conf import settings

    return getattr(settings, "DATABASE_OWNER", None)


def _connect_as(credentials: dict) -> None:
    """Point the default connection (and connections opened later, in any thread) at a role."""
    from django.conf import settings
    from django.db import connections

    connection = connections["default"]
    connection.close()
    for key in ("USER", "PASSWORD", "HOST", "PORT"):
        connection.settings_dict[key] = credentials.get(key) or ""
        settings.DATABASES["default"][key] = credentials.get(key) or ""


@contextlib.contextmanager
def as_owner():
    """Run the block connected as the tables' owner: what a stolen owner password allows.

    It reconnects, so it cannot run inside a test's transaction: a test using it is
    transactional. Without DATABASE_OWNER_URL the suite already connects as the owner.
    """
    from django.db import connection

    owner = _database_owner()
    if owner is None:
        yield
        return
    if connection.in_atomic_block:
        raise RuntimeError("as_owner() reconnects: mark the test django_db(transaction=True).")
    app = {key: connection.settings_dict.get(key) for key in ("USER", "PASSWORD", "HOST", "PORT")}
    _connect_as(owner)
    try:
        yield
    finally:
        _connect_as(app)


STAFF_PASSWORD = "correct horse battery"  # the staff fixtures' password


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Create and migrate the test database as the owner (pytest-django's setup runs next)."""
    from django.db import connection

    owner = _database_owner()
    if owner is not None:
        keys = ("USER", "PASSWORD", "HOST", "PORT")
        _APP_CREDENTIALS.update({key: connection.settings_dict.get(key) for key in keys})
        _connect_as(owner)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Grant the app role its rights in the new database, then run the suite as the app role."""
    owner = _database_owner()
    if owner is None:
        yield
        return
    from django.db import connection
    from django.test import TransactionTestCase

    from audit.roles import db_grants_apply

    app = dict(_APP_CREDENTIALS)
    with django_db_blocker.unblock():
        db_grants_apply(owner=connection.settings_dict["USER"], app=app["USER"])
        _replica_role_apply(owner=connection.settings_dict["USER"])
    _connect_as(app)

    # Transactional tests end by emptying every table, proof tables included, which only the
    # owner may do.
    fixture_teardown = TransactionTestCase._fixture_teardown

    def _fixture_teardown_as_owner(self):
        with as_owner():
            fixture_teardown(self)

    TransactionTestCase._fixture_teardown = _fixture_teardown_as_owner
    yield
    TransactionTestCase._fixture_teardown = fixture_teardown
    _connect_as(owner)  # pytest-django's teardown drops the database as its owner


def _replica_role_apply(*, owner: str) -> None:
    """With DATABASE_REPLICA_URL set, the ``replica`` alias mirrors the test database (one
    server here): connect it as the replica's own role, which may only read, and let that
    role read every table, so a write routed there fails as it would on a hot standby."""
    from django.conf import settings
    from django.db import connection, connections
    from psycopg import sql

    replica = settings.DATABASES.get("replica")
    if replica is None:
        return
    mirror = connections["replica"]
    mirror.close()
    mirror.settings_dict = {
        **connection.settings_dict,
        **{key: replica.get(key) or "" for key in ("USER", "PASSWORD", "HOST", "PORT")},
        "OPTIONS": replica.get("OPTIONS", {}),
    }
    role = sql.Identifier(replica["USER"])
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role))
        cursor.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(role))
        cursor.execute(
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT SELECT ON TABLES TO {}"
            ).format(sql.Identifier(owner), role)
        )


@pytest.fixture
def app_role(db):
    """Skip unless the suite runs as the application's role (DATABASE_OWNER_URL set)."""
    if _database_owner() is None:
        pytest.skip(f"{APP_ROLE_SKIP}; set DATABASE_OWNER_URL (README, Security)")


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username="officer",
        password=STAFF_PASSWORD,
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
def _replica_only_where_asked(request, monkeypatch):
    """With DATABASE_REPLICA_URL set, only a test that names the ``replica`` database reads
    from it: the others keep their data in their own transaction, which a second connection
    cannot see."""
    marker = request.node.get_closest_marker("django_db")
    databases = (marker.kwargs.get("databases") if marker else None) or ()
    if "replica" not in databases:
        monkeypatch.setattr("privacy_office.db_router.replica_configured", lambda: False)


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    """The SMS locmem backend's outbox, emptied like Django empties ``mail.outbox``."""
    import sms

    sms.outbox = []


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

        with django_db_blocker.unblock(), as_owner(), connection.cursor() as cursor:
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

    from privacy_office.recovery_codes import recovery_code_digest

    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="recovery codes", defaults={"confirmed": True}
    )
    StaticToken.objects.create(device=device, token=recovery_code_digest(code))
    return code


@pytest.fixture(autouse=True)
def _site_language_after_each_test():
    """A test that leaves another language active must not change the next test's answers."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


def staff_signs_in(page, live_server, user, password: str = STAFF_PASSWORD) -> None:
    """Sign a staff member in through the admin's real form: password and recovery code."""
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.fill("#id_otp_token", staff_recovery_code(user))
    page.click("input[type=submit]")
