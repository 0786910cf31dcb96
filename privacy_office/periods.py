"""Periods in words, for letters: "6 years", "3 months", "30 days", never "2196 days"."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def period_in_words(days: int) -> str:
    """Return a number of days as a reader counts it, in the active language.

    ``N years`` when the days are N years of 365 or 366 days each (730, 1461, 2196); else
    ``N months`` for N of 2 or more when the days are N months of 30 or 31 days each (90, 395);
    else ``N days`` (30, 59, 100).
    """
    years = round(days / 365.25)
    if years >= 1 and 365 * years <= days <= 366 * years:
        return ngettext("%(count)s year", "%(count)s years", years) % {"count": years}
    months = round(days / 30.5)
    if months >= 2 and 30 * months <= days <= 31 * months:
        return ngettext("%(count)s month", "%(count)s months", months) % {"count": months}
    return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}


def retention_in_words(days: int | None) -> str:
    """How long data is kept: a period, or ``None`` for as long as the account is open."""
    if days is None:
        return _("until you close your account")
    return period_in_words(days)
