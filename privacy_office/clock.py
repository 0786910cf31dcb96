"""The one seam through which the product reads the time.

Services take ``now=`` from their doors; doors, tasks and the few places
with no caller to ask read it here, so a test freezes the date (time-machine)
instead of computing its expectations from today.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    """Return the current time, timezone-aware (UTC)."""
    return timezone.now()  # noqa: TID251 - the seam itself


def today() -> date:
    """Return today's date in the site's time zone."""
    return timezone.localdate(now())
