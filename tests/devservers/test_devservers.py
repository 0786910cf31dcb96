"""The embedded servers start from wheels, are reused while running, and stop cleanly."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import dj_database_url
import psycopg
import pytest
import redis

import devservers

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def own_local_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PRIVACY_OFFICE_LOCAL_DIR", str(tmp_path))
    yield tmp_path
    devservers.redis_stop()
    devservers.postgres_stop()


def redis_pid(folder) -> int:
    return int((folder / "redis" / "redis.pid").read_text())


def test_embedded_redis_starts_is_reused_and_stops(own_local_dir):
    url = devservers.redis_ensure()
    first_pid = redis_pid(own_local_dir)

    assert url == f"redis+socket://{own_local_dir}/redis/redis.sock"
    assert devservers.redis_ensure() == url
    assert redis_pid(own_local_dir) == first_pid
    assert devservers.redis_stop() is True
    assert devservers.redis_stop() is False


def test_embedded_redis_replaces_a_stale_socket_and_pid(own_local_dir):
    devservers.redis_ensure()
    os.kill(redis_pid(own_local_dir), signal.SIGKILL)  # a crash: socket and pid file left behind

    url = devservers.redis_ensure()

    client = redis.Redis(unix_socket_path=url.removeprefix("redis+socket://"))
    assert client.ping()


def test_embedded_postgres_starts_creates_the_database_and_stops(own_local_dir):
    endpoint = devservers.postgres_ensure()

    with psycopg.connect(
        host=endpoint.socket_dir, port=endpoint.port, user=endpoint.user, dbname=endpoint.name
    ) as connection:
        assert connection.execute("SHOW server_version").fetchone()[0].startswith("18")
    assert devservers.postgres_ensure() == endpoint
    assert devservers.postgres_stop() is True
    assert devservers.postgres_stop() is False


def test_importing_the_settings_starts_no_server(own_local_dir):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    script = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL)"
    )
    for module in ("config.settings.local", "config.settings.test"):
        result = subprocess.run(
            [sys.executable, "-c", script],
            env={**env, "DJANGO_SETTINGS_MODULE": module},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )

        assert result.stdout.split() == ["django.db.backends.dummy", "None"]
    assert not (own_local_dir / "pgdata").exists()
    assert not (own_local_dir / "redis").exists()


def test_environ_ensure_points_unset_variables_at_the_embedded_servers(own_local_dir):
    environ = {"CELERY_BROKER_URL": "redis://broker.example:6379/0"}

    started = devservers.environ_ensure(environ)

    assert started == {"postgres"}
    assert environ["CELERY_BROKER_URL"] == "redis://broker.example:6379/0"
    assert environ["PRIVACY_OFFICE_EMBEDDED"] == "postgres"
    url = environ["DATABASE_URL"]
    database = dj_database_url.parse(url)
    with psycopg.connect(
        host=database["HOST"], port=database["PORT"], user=database["USER"], dbname=database["NAME"]
    ) as connection:
        assert connection.execute("SELECT current_database()").fetchone()[0] == "privacy_office"
    assert not devservers.redis_running()


def test_environ_ensure_reuses_a_running_server_and_says_it_started_none(own_local_dir):
    devservers.environ_ensure({})

    again = {}
    assert devservers.environ_ensure(again) == set()
    assert devservers.embedded(again) == {"postgres", "redis"}


def test_for_the_suite_the_embedded_server_serves_the_app_role_with_the_owner_beside(
    own_local_dir,
):
    environ = {"CELERY_BROKER_URL": "redis://broker.example:6379/0"}
    devservers.environ_ensure(environ, roles=True)
    again = {"CELERY_BROKER_URL": "redis://broker.example:6379/0"}
    devservers.environ_ensure(again, roles=True)  # roles and database already there

    def who(url: str) -> tuple:
        database = dj_database_url.parse(url)
        with psycopg.connect(
            host=database["HOST"],
            port=database["PORT"],
            user=database["USER"],
            dbname=database["NAME"],
        ) as connection:
            return connection.execute(
                "SELECT current_user, rolsuper, rolcreatedb, pg_get_userbyid(datdba) "
                "FROM pg_roles, pg_database WHERE rolname = current_user "
                "AND datname = current_database()"
            ).fetchone()

    assert again == environ
    assert who(environ["DATABASE_URL"]) == (
        "privacy_office_app",
        False,
        False,
        "privacy_office_owner",
    )
    assert who(environ["DATABASE_OWNER_URL"]) == (
        "privacy_office_owner",
        False,
        True,
        "privacy_office_owner",
    )
