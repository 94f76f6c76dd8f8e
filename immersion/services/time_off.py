"""Time off: days a person cannot be scheduled."""

from datetime import date

from django.core.exceptions import ValidationError

from accounts.models import User
from core.ranges import date_range_check

from ..models import TimeOff

TIME_OFF_TOO_LONG_MESSAGE = "Time off longer than a year: split it, or deactivate the person."


def time_off_create(
    *, person: User, start_date: date, end_date: date, by: User, note: str = ""
) -> TimeOff:
    """Record days off. Sessions already booked then are not touched: they are returned, so the
    person can swap them or the CX lead reassign them."""
    date_range_check(start_date=start_date, end_date=end_date)
    if (end_date - start_date).days > 366:
        raise ValidationError({"end_date": TIME_OFF_TOO_LONG_MESSAGE})
    time_off = TimeOff(
        person=person, start_date=start_date, end_date=end_date, note=note.strip(), created_by=by
    )
    time_off.full_clean()
    time_off.save()
    return time_off


def time_off_delete(*, time_off: TimeOff) -> None:
    """Remove time off (the person is back, or it was entered by mistake)."""
    time_off.delete()
