"""The embedded servers start from wheels, are reused while running, and stop cleanly."""

import os
import signal

import psycopg
import pytest
import redis

import devservers


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
