"""The programme calendar (CX lead, leadership) and the at-risk list (CX lead)."""

import calendar as pycalendar
from datetime import date, datetime, time, timedelta

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.http import page_of
from core.permissions import permission_required

from ..filters import CalendarFilter
from ..selectors import at_risk_rows, calendar_days, calendar_sessions, programme_progress
from ..services.feeds import calendar_feed_get
from . import MANAGE, VIEW

# How many sessions a day of the grid shows before "N more" (that day's full list, paged).
PER_DAY = {"month": 3, "week": 10}


def _grid(view: str, anchor: date) -> tuple[list[list[date]], date, date]:
    """The weeks shown (Monday first) and the days before and after, for the arrows."""
    if view == "day":
        return [[anchor]], anchor - timedelta(1), anchor + timedelta(1)
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
    """CX lead and leadership: the sessions by month or week (a few a day, and how many more),
    or one day's full list in pages; filtered."""
    filters = CalendarFilter(request.GET)
    filters.is_valid()  # where the calendar is: a value that cannot be read is today's month
    view = filters.form.cleaned_data.get("view") or "month"
    anchor = filters.form.cleaned_data.get("date") or timezone.localdate()
    weeks, previous, following = _grid(view, anchor)
    context = {
        "filters": filters.form,
        "view": view,
        "anchor": anchor,
        "previous": previous,
        "following": following,
        "today": timezone.localdate(),
        "programme_feed_url": None,
    }
    if view == "day":
        zone = timezone.get_current_timezone()
        page = page_of(
            request,
            calendar_sessions(
                start=datetime.combine(anchor, time(0), zone),
                end=datetime.combine(anchor + timedelta(days=1), time(0), zone),
                filters=request.GET,
            ),
        )
        context.update(page=page, count=page.paginator.count)
    else:
        days = calendar_days(
            days=[day for week in weeks for day in week], per_day=PER_DAY[view], filters=request.GET
        )
        context.update(
            weeks=[days[n : n + 7] for n in range(0, len(days), 7)],
            count=sum(d.total for d in days),
        )
    if request.user.has_perm(MANAGE):
        token = calendar_feed_get(person=request.user).token
        context["programme_feed_url"] = request.build_absolute_uri(
            reverse("immersion:programme_feed", args=[token])
        )
    return render(request, "immersion/calendar.html", context)


@permission_required(MANAGE)
def at_risk_view(request):
    """CX lead: who will miss a target this week, month or quarter, and by how much; largest
    shortfall first, in pages."""
    page = page_of(request, at_risk_rows())
    return render(
        request,
        "immersion/at_risk.html",
        {"page": page, "rows": page.object_list, "programme": programme_progress()},
    )
