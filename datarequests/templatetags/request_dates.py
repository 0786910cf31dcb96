"""Dates of a request as its jurisdiction counts them, always saying the zone."""

from __future__ import annotations

from datetime import datetime

from django import template

from datarequests.calendars import zone_name, zone_of

register = template.Library()


@register.filter
def day_in(value: datetime | None, jurisdiction) -> str:
    """``2026-04-02 (Europe/Dublin)``: the day an instant falls on where the law counts."""
    if value is None or jurisdiction is None:
        return ""
    return f"{value.astimezone(zone_of(jurisdiction)):%Y-%m-%d} ({zone_name(jurisdiction)})"


@register.filter
def time_in(value: datetime | None, jurisdiction) -> str:
    """``2026-04-02 10:00 (Europe/Dublin)``."""
    if value is None or jurisdiction is None:
        return ""
    return f"{value.astimezone(zone_of(jurisdiction)):%Y-%m-%d %H:%M} ({zone_name(jurisdiction)})"
