"""Reads of the read-only staff pages from a PostgreSQL replica (DATABASE_REPLICA_URL).

Only a page wrapped in ``replica_page`` reads from the ``replica`` alias, and only while it
runs (its template rendered too): the reports that tolerate a replica's lag of seconds
(the requests dashboard, the compliance page, the CCPA metrics). Everything else reads the
primary: sign-in, sessions and permissions (read before the view), every write (routed to
the primary whatever the instance came from, audit events included), reads inside a
transaction, and the pages of a staff member who wrote something in the last
``REPLICA_READ_YOUR_WRITES_SECONDS`` (read-your-writes). Without the setting there is no
``replica`` alias, no router, and every query goes to the primary as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

from privacy_office import clock

REPLICA = "replica"
# Session key: when this session last sent a request that may have written.
LAST_WRITE_KEY = "_replica_last_write"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Send the block's reads to the replica (when there is one and no transaction is open)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Reads to the replica inside ``replica_reads``; writes and migrations to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if not _replica_reads.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        # Also for an instance read from the replica: without this, Django writes it back
        # to the database it came from.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, two connections

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


def wrote_recently(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    if session is None:
        return False
    last = session.get(LAST_WRITE_KEY)
    window = settings.REPLICA_READ_YOUR_WRITES_SECONDS
    return last is not None and clock.now().timestamp() - last < window


def replica_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a read-only page's queries from the replica, unless its reader just wrote."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if (
            not replica_configured()
            or request.method not in SAFE_METHODS
            or wrote_recently(request)
        ):
            return view(request, *args, **kwargs)
        with replica_reads():
            response = view(request, *args, **kwargs)
            render = getattr(response, "render", None)
            if render is not None and not getattr(response, "is_rendered", True):
                render()  # the template's queries too, not after the block has ended
        return response

    return wrapped


class RecentWriteMiddleware:
    """Note in the session when it sent a request that may have written (any unsafe
    method), so its next pages read the primary for a while (read-your-writes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            request.method not in SAFE_METHODS
            and session is not None
            and user is not None
            and user.is_authenticated
        ):
            session[LAST_WRITE_KEY] = clock.now().timestamp()
        return response
