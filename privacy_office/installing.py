"""Defaults installed after every migrate (and after a test flush), once their table exists."""

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections


def install_when_migrated(model, install: Callable[[], object], using: str = DEFAULT_DB_ALIAS):
    """Run ``install`` if ``model``'s table exists (a partial migrate may not have made it)."""
    if model._meta.db_table in connections[using].introspection.table_names():
        install()
