"""Reads of the log book."""

from __future__ import annotations

from django.db.models import QuerySet

from records.models import LogBookEntry


def logbook_entries() -> QuerySet[LogBookEntry]:
    """Return every entry, oldest first, with its annotations."""
    return LogBookEntry.objects.order_by("recorded_at", "pk").prefetch_related("annotations")
