"""Where and when a jurisdiction counts: its time zone and its public holiday calendar.

The calendar is the ``holidays`` library's (HK, GB, the EU member states, CN with its
make-up working days, SG, US-CA) corrected by staff's overrides per jurisdiction. The EU
follows the controller's member state (the ``DATAREQUESTS_EU_MEMBER_STATE`` setting).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import holidays as holiday_calendars
from django.conf import settings

from datarequests.models import CalendarOverride, Jurisdiction

# The capital's zone of each member state a controller may be established in.
MEMBER_STATE_ZONES = {
    "AT": "Europe/Vienna",
    "BE": "Europe/Brussels",
    "BG": "Europe/Sofia",
    "CY": "Asia/Nicosia",
    "CZ": "Europe/Prague",
    "DE": "Europe/Berlin",
    "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn",
    "ES": "Europe/Madrid",
    "FI": "Europe/Helsinki",
    "FR": "Europe/Paris",
    "GR": "Europe/Athens",
    "HR": "Europe/Zagreb",
    "HU": "Europe/Budapest",
    "IE": "Europe/Dublin",
    "IT": "Europe/Rome",
    "LT": "Europe/Vilnius",
    "LU": "Europe/Luxembourg",
    "LV": "Europe/Riga",
    "MT": "Europe/Malta",
    "NL": "Europe/Amsterdam",
    "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon",
    "RO": "Europe/Bucharest",
    "SE": "Europe/Stockholm",
    "SI": "Europe/Ljubljana",
    "SK": "Europe/Bratislava",
}


# The library's categories that hold the days a period runs past. Hong Kong's "optional"
# holidays are the general holidays of Cap. 149 (its "public" ones are the Employment
# Ordinance's statutory holidays): the days Cap. 1 s.71 and the working days go by.
HOLIDAY_CATEGORIES = {"HK": ("optional",)}


def member_state() -> str:
    return settings.DATAREQUESTS_EU_MEMBER_STATE


def zone_name(jurisdiction: Jurisdiction) -> str:
    """Return the IANA name of the zone the jurisdiction dates receipt and deadlines in."""
    return jurisdiction.time_zone or MEMBER_STATE_ZONES[member_state()]


def zone_of(jurisdiction: Jurisdiction) -> ZoneInfo:
    return ZoneInfo(zone_name(jurisdiction))


def local_day(jurisdiction: Jurisdiction, instant: datetime) -> date:
    """Return the day an instant falls on in the jurisdiction."""
    return instant.astimezone(zone_of(jurisdiction)).date()


def end_of_day(jurisdiction: Jurisdiction, day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone_of(jurisdiction))


def at_noon(jurisdiction: Jurisdiction, day: date) -> datetime:
    """The instant a day-only date (an envelope's stamp) stands for in the jurisdiction."""
    return datetime.combine(day, time(12, 0), tzinfo=zone_of(jurisdiction))


@dataclass(frozen=True)
class HolidayCalendar:
    """Days off and weekend working days of a jurisdiction over some years."""

    holidays: frozenset[date]
    workdays: frozenset[date]


def holiday_calendar(jurisdiction: Jurisdiction, years: range) -> HolidayCalendar:
    """Return the public holidays (library and staff overrides) for these years."""
    country = jurisdiction.holiday_country or member_state()
    days_off: set[date] = set()
    workdays: set[date] = set()
    if country:
        library = holiday_calendars.country_holidays(
            country,
            subdiv=jurisdiction.holiday_subdivision or None,
            years=list(years),
            categories=HOLIDAY_CATEGORIES.get(country, ("public",)),
        )
        days_off = set(library)
        workdays = {day for day in getattr(library, "weekend_workdays", ()) if day.year in years}
    overrides = CalendarOverride.objects.filter(
        jurisdiction_id=jurisdiction.pk, date__year__gte=years.start, date__year__lt=years.stop
    ).values_list("date", "day_off")
    for day, day_off in overrides:
        if day_off:
            days_off.add(day)
            workdays.discard(day)
        else:
            days_off.discard(day)
            if day.weekday() >= 5:
                workdays.add(day)
    return HolidayCalendar(frozenset(days_off), frozenset(workdays))
