"""Defaults installed after every migrate (and after a test flush), once their table exists."""

from collections.abc import Callable
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

_installing: ContextVar[bool] = ContextVar("installing", default=False)


def installing() -> bool:
    """Return whether defaults from the code are being installed (no person is acting)."""
    return _installing.get()


def install_when_migrated(model, install: Callable[[], object], using: str = DEFAULT_DB_ALIAS):
    """Run ``install`` if ``model``'s table exists (a partial migrate may not have made it)."""
    if model._meta.db_table in connections[using].introspection.table_names():
        token = _installing.set(True)
        try:
            install()
        finally:
            _installing.reset(token)
