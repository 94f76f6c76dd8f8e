"""The programme calendar (CX lead, leadership) and the at-risk list (CX lead)."""

import calendar as pycalendar
from datetime import date, datetime, time, timedelta
from hashlib import sha256

from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.generations import remembered
from core.http import page_of, request_for_shared
from core.permissions import permission_required

from ..filters import CalendarFilter
from ..selectors import (
    at_risk_rows,
    calendar_days,
    calendar_sessions,
    executive_options_html,
    programme_progress,
)
from ..selectors.programme import PROGRAMME
from ..services.feeds import calendar_feed_get
from . import MANAGE, VIEW

# How many sessions a day of the grid shows before "N more" (that day's full list, paged).
PER_DAY = {"month": 3, "week": 10}
# The filters that choose a grid's sessions (view and date say where the calendar is).
GRID_FILTERS = ("activity", "executive", "department", "team")
# How long a drawn grid is kept at most; the programme's
# generation retires them at its first change. The key's version names the drawing's shape.
GRID_SECONDS = 3600
GRID_VERSION = "v1"


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


def _grid_drawn(request, *, view: str, anchor: date, weeks: list[list[date]]) -> dict:
    """The month's or week's grid as HTML and its count of sessions, drawn once and kept in
    the shared cache under the programme's generation (renewed by every save or delete of
    sessions, places, activities and people), the days, the reader's time zone, today and the
    filters as given.

    Drawing it was most of the page at issue 14's volume (three queries over 12,000 sessions
    and ~130 cells of template: ~35 ms of a month); everyone who sees the programme sees the
    same grid. It is drawn from an address of the filters alone (its "N more" links keep them,
    and nothing else of the reader's request is kept)."""
    canonical = request_for_shared(
        {name: request.GET[name] for name in GRID_FILTERS if request.GET.get(name)}
    )
    address = canonical.GET
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    where = f"{view}:{weeks[0][0]}:{anchor.month}:{today}:{zone}:{address.urlencode()}"
    key = f"calendar-grid:{GRID_VERSION}:{sha256(where.encode()).hexdigest()}"

    def draw() -> dict:
        days = calendar_days(
            days=[day for week in weeks for day in week], per_day=PER_DAY[view], filters=address
        )
        context = {
            "view": view,
            "anchor": anchor,
            "today": today,
            "weeks": [days[n : n + 7] for n in range(0, len(days), 7)],
        }
        html = render_to_string("immersion/calendar.html#grid", context, request=canonical)
        return {"html": html, "count": sum(d.total for d in days)}

    found = remembered(PROGRAMME, key, draw, timeout=GRID_SECONDS)
    # Our own template's output, escaped as it was drawn.
    return {"grid": mark_safe(found["html"]), "count": found["count"]}  # noqa: S308


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
        "first_day": weeks[0][0],
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
        context.update(_grid_drawn(request, view=view, anchor=anchor, weeks=weeks))
    filters.form.fields["executive"].widget.options_html = executive_options_html()
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
