"""The age gate of policy F: the marketplace is not for people under 18."""

from datetime import date

ADULT_AGE = 18


def youngest_possible_age(*, birth_date: date | None, birth_year: int | None, today: date) -> int:
    """Return the person's age, or with only a year given, the youngest age they could be."""
    if birth_date is not None:
        had_birthday = (today.month, today.day) >= (birth_date.month, birth_date.day)
        return today.year - birth_date.year - (0 if had_birthday else 1)
    if birth_year is None:
        raise ValueError("a date or a year of birth is needed")
    # Born on 31 December of that year at the latest.
    return today.year - birth_year - 1


def is_minor(*, birth_date: date | None, birth_year: int | None, today: date) -> bool:
    return youngest_possible_age(birth_date=birth_date, birth_year=birth_year, today=today) < 18
