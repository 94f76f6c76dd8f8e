"""The programme calendar (CX lead, leadership) and the at-risk list (CX lead)."""

import calendar as pycalendar
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.permissions import permission_required

from ..filters import CalendarFilter
from ..selectors import at_risk, calendar_sessions, programme_progress
from ..services.feeds import calendar_feed_get
from . import MANAGE, VIEW


def _grid(view: str, anchor: date) -> tuple[list[list[date]], date, date]:
    """The weeks shown (Monday first) and the days before and after, for the arrows."""
    if view == "week":
        monday = anchor - timedelta(days=anchor.weekday())
        return (
            [[monday + timedelta(days=n) for n in range(7)]],
            monday - timedelta(7),
            monday + timedelta(7),
        )
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(anchor.year, anchor.month)
    first = anchor.replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return weeks, previous, following


@permission_required(VIEW, MANAGE)
def programme_calendar(request):
    """CX lead and leadership: every session, by month or week, filtered."""
    filters = CalendarFilter(request.GET)
    filters.is_valid()  # where the calendar is: a value that cannot be read is today's month
    view = filters.form.cleaned_data.get("view") or "month"
    anchor = filters.form.cleaned_data.get("date") or timezone.localdate()
    weeks, previous, following = _grid(view, anchor)
    zone = timezone.get_current_timezone()
    start = datetime.combine(weeks[0][0], time(0), zone)
    end = datetime.combine(weeks[-1][-1] + timedelta(days=1), time(0), zone)
    by_day = defaultdict(list)
    for session in calendar_sessions(start=start, end=end, filters=request.GET):
        by_day[timezone.localtime(session.starts_at).date()].append(session)
    programme_feed_url = None
    if request.user.has_perm(MANAGE):
        token = calendar_feed_get(person=request.user).token
        programme_feed_url = request.build_absolute_uri(
            reverse("immersion:programme_feed", args=[token])
        )
    return render(
        request,
        "immersion/calendar.html",
        {
            "filters": filters.form,
            "view": view,
            "anchor": anchor,
            "weeks": [[(day, by_day.get(day, [])) for day in week] for week in weeks],
            "previous": previous,
            "following": following,
            "today": timezone.localdate(),
            "count": sum(len(v) for v in by_day.values()),
            "programme_feed_url": programme_feed_url,
        },
    )


@permission_required(MANAGE)
def at_risk_view(request):
    """CX lead: who will miss a target this week, month or quarter, and by how much."""
    return render(
        request,
        "immersion/at_risk.html",
        {"rows": at_risk(), "programme": programme_progress()},
    )
