"""The programme calendar's reads: a grid of days (a few sessions each and how many more) and
one day's full list, both through the calendar's filters (`filters.CalendarFilter`)."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from ..filters import CalendarFilter
from ..models import Participant, Session


def _calendar_filtered(
    *, start: datetime, end: datetime, filters: Mapping[str, Any] | None
) -> QuerySet[Session]:
    sessions = Session.objects.filter(starts_at__gte=start, starts_at__lt=end).exclude(
        status=Session.Status.CANCELLED
    )
    return CalendarFilter(filters or {}, queryset=sessions).qs


def _as_shown_on_calendar(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.select_related("activity_type", "host_team").prefetch_related(
        Prefetch(
            "participants",
            queryset=Participant.objects.filter(is_active=True).select_related("person"),
            to_attr="active_participants",
        )
    )


def calendar_sessions(
    *, start: datetime, end: datetime, filters: Mapping[str, Any] | None = None
) -> QuerySet[Session]:
    """Sessions starting between two instants that are not cancelled, matching the calendar's
    filters (`filters.CalendarFilter`), soonest first, with what the calendar shows loaded up
    front (one day's full list, paged). A filter value that is not valid is left out."""
    sessions = _calendar_filtered(start=start, end=end, filters=filters)
    return _as_shown_on_calendar(sessions).order_by("starts_at", "pk")


@dataclass(frozen=True)
class CalendarEntry:
    """One session as a cell of the calendar grid shows it: when, what, who (names only).

    Read as values, not model instances: a month's cells held ~85 sessions and ~450 places,
    each loaded with its whole person (900 model instances, ~25 ms at issue 14's volume)."""

    pk: int
    starts_at: datetime
    activity: str
    pillar: str
    people: tuple[str, ...]


@dataclass
class CalendarDay:
    """One day of the calendar grid: its first sessions and how many it holds in all."""

    day: date
    sessions: list[CalendarEntry]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.sessions)


def _day_starts(days: list[date], zone) -> list[datetime]:
    """The instant each day starts, and the one after the last: days in `zone`, so a day of a
    change of clocks is 23 or 25 hours long."""
    return [datetime.combine(day, time(0), zone) for day in days] + [
        datetime.combine(days[-1] + timedelta(days=1), time(0), zone)
    ]


def calendar_days(
    *, days: list[date], per_day: int, filters: Mapping[str, Any] | None = None
) -> list[CalendarDay]:
    """The calendar's `days` (in the current time zone), each with its first `per_day`
    sessions (`calendar_sessions`' order and filters) and its count of them all.

    Bounded whatever the volume: at 1,100 sessions a week the grid drew every one (1.2 MB a
    month); now three queries (counts by day, each day's first few, their people's names) and
    at most per_day sessions a day."""
    zone = timezone.get_current_timezone()
    bounds = _day_starts(days, zone)
    sessions = _calendar_filtered(start=bounds[0], end=bounds[-1], filters=filters)
    local_day = TruncDate("starts_at", tzinfo=zone)
    totals = dict(
        sessions.annotate(day=local_day).order_by().values_list("day").annotate(n=Count("pk"))
    )
    if not totals:
        return [CalendarDay(day, [], 0) for day in days]
    shown_fields = ("pk", "starts_at", "activity_type__name", "activity_type__pillar")
    if connection.features.supports_slicing_ordering_in_compound:
        # Each day's first few by its own index range, LIMIT per_day, joined by UNION ALL:
        # ranking the whole window with ROW_NUMBER sorted every session of the 6 weeks
        # (12,000 rows, 10-12 ms at issue 14's volume); 42 short index scans take ~1 ms.
        by_day = [
            sessions.filter(starts_at__gte=first, starts_at__lt=after)
            .order_by("starts_at", "pk")
            .values_list(*shown_fields)[:per_day]
            for first, after, day in zip(bounds, bounds[1:], days, strict=False)
            if totals.get(day)
        ]
        rows = sorted(by_day[0].union(*by_day[1:], all=True), key=lambda row: (row[1], row[0]))
    else:
        # SQLite (the demo) allows no LIMIT in a compound statement: each day ranked by a
        # window function instead, on ids alone, then loaded.
        first_ids = (
            sessions.annotate(
                place=Window(
                    RowNumber(),
                    partition_by=[local_day],
                    order_by=[F("starts_at").asc(), F("pk").asc()],
                )
            )
            .filter(place__lte=per_day)
            .values("pk")
        )
        rows = list(
            sessions.filter(pk__in=first_ids).order_by("starts_at", "pk").values_list(*shown_fields)
        )
    people = defaultdict(list)
    for session_id, name in (
        Participant.objects.filter(session__in=[row[0] for row in rows], is_active=True)
        .order_by("starts_at", "pk")
        .values_list("session_id", "person__display_name")
    ):
        people[session_id].append(name)
    shown = defaultdict(list)
    for pk, starts_at, activity, pillar in rows:
        shown[timezone.localtime(starts_at, zone).date()].append(
            CalendarEntry(pk, starts_at, activity, pillar, tuple(people[pk]))
        )
    return [CalendarDay(day, shown.get(day, []), totals.get(day, 0)) for day in days]
