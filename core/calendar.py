"""The organisation's calendar: its time zone, today there, and its working days.

One deployment serves one organisation (DESIGN.md), so "today" and "a working day" are the
organisation's, set by `DJANGO_TIME_ZONE` and the holidays the CX lead records.
"""

import zoneinfo
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Holiday


def org_zone() -> zoneinfo.ZoneInfo:
    """The organisation's time zone (`TIME_ZONE`)."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def org_today() -> date:
    """Today's date where the organisation is."""
    return timezone.now().astimezone(org_zone()).date()


def add_business_days(start: date, days: int) -> date:
    """`days` working days after `start`: weekends and the organisation's holidays skipped."""
    holidays = set(
        Holiday.objects.filter(
            date__gt=start, date__lte=start + timedelta(days=days * 3 + 14)
        ).values_list("date", flat=True)
    )
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            days -= 1
    return day


def days_between(starts_at: datetime, ends_at: datetime, zone) -> list[date]:
    """The calendar days [starts_at, ends_at) touches in `zone`."""
    first = starts_at.astimezone(zone).date()
    last = (ends_at - timedelta(microseconds=1)).astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
