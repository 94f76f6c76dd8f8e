"""Reads about friction reports shared by pages, tasks and the metrics app."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Window
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from core.calendar import org_today
from core.ranges import INT_MAX
from immersion.models import Escalation, JourneyStepResult, ReflectionFriction

from ..filters import ApiFrictionFilter, BoardFilter
from ..models import OPEN_STATUSES, Decision, FrictionEvent, FrictionReport


def friction_board(*, filters: Mapping[str, Any] | None = None) -> QuerySet[FrictionReport]:
    """The board: every report with its support count (kept on the row) and next due date,
    filtered and sorted by `filters.BoardFilter` (most supported first unless another sort is
    asked for). Overdue means open and past its due date. A filter value that is not valid is
    left out. One query."""
    # A row shows these only: the description and the twenty-odd other columns of the report,
    # its owner and its team were read and made into fields for nothing (~2 ms a page of 50).
    reports = FrictionReport.objects.select_related("owner", "team").only(
        "title",
        "area",
        "channel",
        "status",
        "support_count",
        "created_at",
        "due",
        "team__name",
        "owner__display_name",
        "owner__email",
    )
    return BoardFilter(filters or {}, queryset=reports).qs


def friction_api_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[FrictionReport]:
    """The reports an integration syncs, by number, filtered by `filters.ApiFrictionFilter`
    (status, updated_since); each with its owner (one more query). Raises ValidationError,
    with the reasons by field, for a filter value it cannot read."""
    # The owners by a second query: joined, PostgreSQL sorted every report of a month's
    # changes by owner before taking a page (it cannot guess how many `updated_since` keeps).
    found = ApiFrictionFilter(
        filters or {}, queryset=FrictionReport.objects.prefetch_related("owner")
    )
    if not found.is_valid():
        raise ValidationError(found.errors)
    return found.qs.order_by("pk")


def friction_similar(*, text: str, limit: int = 5) -> list[FrictionReport]:
    """Open reports like `text` (a title being typed), best first: PostgreSQL full-text search
    over title and description; elsewhere, reports containing the longest words typed."""
    words = [w for w in re.findall(r"\w+", text.lower()) if len(w) > 3]
    if not words:
        return []
    reports = FrictionReport.objects.filter(status__in=OPEN_STATUSES)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A") + SearchVector("description", weight="B")
        query = SearchQuery(" OR ".join(words), search_type="websearch")
        return list(
            reports.annotate(rank=SearchRank(vector, query))
            .filter(rank__gt=0.01)
            .order_by("-rank", "-pk")[:limit]
        )
    longest = sorted(words, key=len, reverse=True)[:3]
    match = Q()
    for word in longest:
        match |= Q(title__icontains=word) | Q(description__icontains=word)
    return list(reports.filter(match).order_by("-support_count", "-pk")[:limit])


def friction_report_for(*, pk: int) -> FrictionReport | None:
    """One report with what its page shows, in one query whatever it was filed from. Every role
    with the board may read every report: the reporter of an anonymous one is never stored, so
    there is nothing to hide.

    What it was filed from comes as three scalar subqueries (`source_session_id`,
    `source_exercise_id`, `source_escalation_reference`): joined, ten tables took PostgreSQL
    7 ms to plan for a 0.6 ms read; prefetched, a report from a reflection cost three more
    queries than one from the frontline, so the page's count depended on its data."""
    return _report_page_rows().filter(pk=pk).first()


@cache
def _report_page_rows() -> QuerySet[FrictionReport]:
    """Every report annotated as its page reads it, built once per process and copied by each
    lookup (never evaluated itself): resolving the three subqueries and four joins was about a
    third of the page of the most supported report, the same on every view."""
    return FrictionReport.objects.select_related(
        "owner", "team", "duplicate_of", "decision"
    ).annotate(
        source_session_id=Subquery(
            ReflectionFriction.objects.filter(pk=OuterRef("source_reflection_friction_id")).values(
                "reflection__participant__session_id"
            )[:1]
        ),
        source_exercise_id=Subquery(
            JourneyStepResult.objects.filter(pk=OuterRef("source_journey_step_id")).values(
                "exercise_id"
            )[:1]
        ),
        source_escalation_reference=Subquery(
            Escalation.objects.filter(pk=OuterRef("source_escalation_id")).values(
                "customer_reference"
            )[:1]
        ),
    )


def friction_report_supported_by(*, report: FrictionReport, user: User) -> bool:
    """Whether `user` has said "me too" by name on `report` (anonymous support is nobody's)."""
    return report.supports.filter(supporter=user).exists()


# The most lines a report's timeline shows (the newest); earlier ones are counted, not listed.
TIMELINE_LINES = 100

# One line per event, except that "me too"s in a row are one line with their count: a report with
# 5,000 supporters printed 5,000 lines (1.1 MB, 1.6 s). The runs are found in SQL with a running
# count of the other events (standard window functions, on PostgreSQL and SQLite alike), so the
# database returns at most TIMELINE_LINES rows whatever the support count.
_TIMELINE_SQL = """
WITH ev AS (
    SELECT id, kind, created_at,
           SUM(CASE WHEN kind = %(supported)s THEN 0 ELSE 1 END)
               OVER (ORDER BY created_at, id ROWS UNBOUNDED PRECEDING) AS run
    FROM {table}
    WHERE report_id = %(report)s {public}
), line AS (
    SELECT MAX(id) AS id, COUNT(*) AS n, MIN(created_at) AS first_at, MAX(created_at) AS last_at
    FROM ev
    GROUP BY run, CASE WHEN kind = %(supported)s THEN 1 ELSE 0 END
)
SELECT id, n, first_at, COUNT(*) OVER () AS total
FROM line
ORDER BY last_at DESC, id DESC
LIMIT %(limit)s
"""


@dataclass
class Timeline:
    """A report's timeline, oldest line first: `lines` are events, each with `count` (how many
    "me too"s in a row it stands for; 1 for any other event) and `first_at` (when the first of
    them happened); `earlier` is how many older lines are not shown."""

    lines: list[FrictionEvent]
    earlier: int

    def __iter__(self):
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)


def _datetime(value) -> datetime:
    """A timestamp read by a raw query: SQLite gives text in UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


def friction_timeline(
    *, report: FrictionReport, internal: bool, limit: int | None = None
) -> Timeline:
    """The report's timeline, its newest `limit` lines in order, consecutive "me too"s
    collapsed into one line with their count; internal notes only for those who triage. Two
    queries, whatever the number of events."""
    sql = _TIMELINE_SQL.format(
        table=connection.ops.quote_name(FrictionEvent._meta.db_table),
        public="" if internal else "AND public = %(public)s",
    )
    params = {
        "supported": FrictionEvent.Kind.SUPPORTED,
        "report": report.pk,
        "public": True,
        "limit": limit or TIMELINE_LINES,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return Timeline(lines=[], earlier=0)
    events = FrictionEvent.objects.select_related("actor").in_bulk([row[0] for row in rows])
    lines = []
    for pk, count, first_at, _ in reversed(rows):
        event = events[pk]
        event.count = count
        event.first_at = _datetime(first_at)
        lines.append(event)
    return Timeline(lines=lines, earlier=rows[0][3] - len(rows))


# How many of the open reports a person owns home lists (the rest are counted).
HOME_OWNED_LIMIT = 10
# Home counts what waits for triage, and what is overdue, up to this; past it, "more than".
HOME_COUNT_CAP = 1000


def frictions_for_home(*, user: User) -> dict:
    """What home shows about reports and decisions, by what the person does here:
    the reports they filed by name (the last 5), the open ones they own (the HOME_OWNED_LIMIT
    due soonest, and how many), what waits for triage, outcome checks due."""
    today = org_today()
    found = {}
    # Home shows a report's title, status and due date and links to it: its other twenty-odd
    # columns were read and made into fields for nothing (~1.5 ms of an executive's home).
    reports = FrictionReport.objects.only("pk", "title", "status", "due")
    if user.has_perm("frictions.file_friction"):
        found["filed"] = list(reports.filter(reporter=user).order_by("-created_at", "-pk")[:5])
    if user.has_perm("immersion.attend_sessions"):
        # The few due soonest and how many in all (one query): an executive owning hundreds
        # made home 44 KB and 470 ms at issue 14's volume.
        owned = list(
            reports.filter(owner=user, status__in=OPEN_STATUSES)
            .annotate(owned_total=Window(Count("pk")))
            .order_by("due", "pk")[:HOME_OWNED_LIMIT]
        )
        found["owned"] = owned
        found["owned_count"] = owned[0].owned_total if owned else 0
    if user.has_perm("frictions.triage_frictions"):
        # Counted up to HOME_COUNT_CAP + 1 each: past that home says "more than". Counting
        # every one read ~18,000 open reports twice at issue 14's volume (110 + 260 ms, the
        # heap of a busy table); now at most a thousand index entries each.
        untriaged = FrictionReport.objects.filter(
            status__in=OPEN_STATUSES, owner__isnull=True
        ).order_by()
        found["untriaged"] = untriaged[: HOME_COUNT_CAP + 1].count()
        overdue = FrictionReport.objects.overdue(today=today).order_by("due")
        found["overdue"] = overdue[: HOME_COUNT_CAP + 1].count()
        found["count_cap"] = HOME_COUNT_CAP
    if user.has_perm("frictions.log_decisions"):
        found["outcomes_due"] = list(
            Decision.objects.filter(
                owner=user, review_by__lte=today, outcome_checked_at__isnull=True
            )
            .exclude(status__in=[Decision.Status.REJECTED, Decision.Status.PROPOSED])
            .only("pk", "title")
        )
    return found


# The largest number a report or decision can have (a 32-bit key), so a typed number is refused
# in the form instead of overflowing the database.
NUMBER_MAX = INT_MAX


def typed_number(text: str) -> int | None:
    """The number typed ("42" or "#42") when it is one a record could have, else None."""
    digits = text.strip().removeprefix("#")
    if re.fullmatch(r"[0-9]{1,10}", digits) and 1 <= int(digits) <= NUMBER_MAX:
        return int(digits)
    return None


def friction_reports_visible_to(*, user: User) -> QuerySet[FrictionReport]:
    """The reports `user` may read: all of them with the board (an anonymous reporter is never
    stored, so there is nothing to hide), none without."""
    if user.has_perm("frictions.view_frictions"):
        return FrictionReport.objects.all()
    return FrictionReport.objects.none()


def friction_report_lookup(
    *, user: User, text: str, exclude: int | None = None, limit: int = 5
) -> list[FrictionReport]:
    """Reports to name by number, found from what is typed: the report with that number if a
    number is typed, then open reports like the words (`friction_similar`). Never more than
    `limit`, so a form that offers them stays the same size at any table size; only reports
    `user` may read."""
    visible = friction_reports_visible_to(user=user)
    found: list[FrictionReport] = []
    if number := typed_number(text):
        found.extend(visible.filter(pk=number).exclude(pk=exclude or 0))
    if user.has_perm("frictions.view_frictions"):  # the rule of friction_reports_visible_to
        found.extend(
            report
            for report in friction_similar(text=text, limit=limit + 1)
            if report.pk != exclude and report not in found
        )
    return found[:limit]
