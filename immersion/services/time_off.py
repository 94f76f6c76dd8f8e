"""Time off: days a person cannot be scheduled."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from ..models import Participant, TimeOff
from .sessions import days_between

ONE_DAY = timedelta(days=1)

TIME_OFF_TOO_LONG_MESSAGE = "Time off longer than a year: split it, or deactivate the person."


def time_off_create(*, person, start_date: date, end_date: date, by, note: str = "") -> TimeOff:
    """Record days off. Sessions already booked then are not touched: they are returned, so the
    person can swap them or the CX lead reassign them."""
    if (end_date - start_date).days > 366:
        raise ValidationError({"end_date": TIME_OFF_TOO_LONG_MESSAGE})
    time_off = TimeOff(
        person=person, start_date=start_date, end_date=end_date, note=note.strip(), created_by=by
    )
    time_off.full_clean()
    time_off.save()
    return time_off


def time_off_conflicts(*, time_off: TimeOff) -> list[Participant]:
    """Active sessions of the person that fall in their time off (by their own calendar days)."""
    zone = time_off.person.zone
    candidates = Participant.objects.filter(
        person=time_off.person,
        is_active=True,
        starts_at__date__lte=time_off.end_date + ONE_DAY,
        ends_at__date__gte=time_off.start_date - ONE_DAY,
    ).select_related("session__activity_type")
    return [
        p
        for p in candidates
        if any(
            time_off.start_date <= day <= time_off.end_date
            for day in days_between(p.starts_at, p.ends_at, zone)
        )
    ]


def time_off_delete(*, time_off: TimeOff) -> None:
    """Remove time off (the person is back, or it was entered by mistake)."""
    time_off.delete()
