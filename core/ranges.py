"""How far a number or a date may go, for every form and every service: one way.

A date more than `DATE_RANGE_YEARS` from today is a typo where the domain has no reason for
more (year 1 or 9999 reached the database and arithmetic on it overflowed); an integer past the
database column's range is refused before the database sees it (PostgreSQL's `integer` ends at
`INT_MAX`). A domain sets its own, smaller maximum on top (`int_range_check(maximum=...)`).
"""

from datetime import date

from django.core.exceptions import ValidationError

from .calendar import org_today

DATE_RANGE_YEARS = 10
INT_MAX = 2_147_483_647  # PostgreSQL `integer` and Django's IntegerField
SMALL_INT_MAX = 32_767  # PostgreSQL `smallint` and Django's SmallIntegerField
DATE_RANGE_MESSAGE = "Give a date between {first:%d %b %Y} and {last:%d %b %Y}."
INT_RANGE_MESSAGE = "Give a whole number from {minimum} to {maximum}."


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, into a year without one
        return day.replace(year=day.year + years, day=28)


def date_bounds(years: int = DATE_RANGE_YEARS) -> tuple[date, date]:
    """The first and last date accepted: `years` either side of the organisation's today."""
    today = org_today()
    return _years_from(today, -years), _years_from(today, years)


def date_in_range(value: date, years: int = DATE_RANGE_YEARS) -> bool:
    first, last = date_bounds(years)
    return first <= value <= last


def date_range_message(years: int = DATE_RANGE_YEARS) -> str:
    first, last = date_bounds(years)
    return DATE_RANGE_MESSAGE.format(first=first, last=last)


def date_range_errors(years: int = DATE_RANGE_YEARS, **dates: date | None) -> dict[str, str]:
    """The message for each of `dates` (field name: value) out of range; None passes. For a
    service that gathers its refusals before raising them together."""
    return {
        name: date_range_message(years)
        for name, value in dates.items()
        if value is not None and not date_in_range(value, years)
    }


def date_range_check(years: int = DATE_RANGE_YEARS, **dates: date | None) -> None:
    """Refuse, naming the field, any of `dates` (field name: value) out of range."""
    if errors := date_range_errors(years, **dates):
        raise ValidationError(errors)


def int_range_errors(
    *, minimum: int = 0, maximum: int = INT_MAX, **numbers: int | None
) -> dict[str, str]:
    """The message for each of `numbers` (field name: value) outside [minimum, maximum]; None
    passes."""
    message = INT_RANGE_MESSAGE.format(minimum=minimum, maximum=maximum)
    return {
        name: message
        for name, value in numbers.items()
        if value is not None and not minimum <= value <= maximum
    }


def int_range_check(*, minimum: int = 0, maximum: int = INT_MAX, **numbers: int | None) -> None:
    """Refuse, naming the field, any of `numbers` outside [minimum, maximum]."""
    if errors := int_range_errors(minimum=minimum, maximum=maximum, **numbers):
        raise ValidationError(errors)
