"""What each metric counts: every definition written once, here, with what it leaves out.

Each definition takes a Quarter and returns its figures for every scope at once, as
{(scope, scope id): value}: the organisation (id None), each department, each executive. Each
is a few grouped database aggregates (one per scope, or one for all three where the figures
add up), never a Python loop over rows, so a quarter of a large organisation costs the same
number of queries as the demo's.

"Executive" means a person holding the executive role now (accounts.roles.Role.EXECUTIVE);
their department is their department now. A session belongs to the quarter in which it
starts, in the organisation's time zone (metrics/quarters.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import Extract, TruncDate

from accounts.models import User
from accounts.roles import Role
from core.calendar import org_today, org_zone
from frictions.models import OPEN_STATUSES, Decision, FrictionReport, Resolution
from frictions.models import Status as FrictionStatus
from frictions.selectors import decisions_with_exposure
from immersion.models import JourneyExercise, Participant, Session
from immersion.selectors import cadence_targets_in_force

from .anonymity import team_figure_suppressed
from .formatting import target_met
from .models import FrictionThemeReport, QuarterFigure
from .quarters import Quarter

Scope = QuarterFigure.Scope
Figures = dict[tuple[str, int | None], float | None]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    family: str  # "participation" or "outcome"
    unit: str  # "hours", "count", "share", "days"
    compute: Callable[[Quarter], Figures]


METRICS: dict[str, Metric] = {}


def metric(*, key: str, label: str, family: str, unit: str):
    def register(compute: Callable[[Quarter], Figures]) -> Callable[[Quarter], Figures]:
        METRICS[key] = Metric(key=key, label=label, family=family, unit=unit, compute=compute)
        return compute

    return register


def executives() -> QuerySet[User]:
    return User.objects.filter(groups__name=Role.EXECUTIVE)


def _by_scope(rows: QuerySet, person: str, **aggregates) -> dict[tuple[str, int | None], dict]:
    """The same aggregates over `rows` for the organisation, per department and per executive
    (`person` is the path from a row to its executive): three queries."""
    found: dict[tuple[str, int | None], dict] = {
        (Scope.ORGANISATION, None): rows.aggregate(**aggregates)
    }
    for scope, path in ((Scope.DEPARTMENT, f"{person}__department"), (Scope.EXECUTIVE, person)):
        grouped = rows.filter(**{f"{path}__isnull": False}).values(path).order_by(path)
        for row in grouped.annotate(**aggregates):
            found[(scope, row.pop(path))] = row
    return found


def _summed_by_scope(
    rows: QuerySet, person: str, **aggregates
) -> dict[tuple[str, int | None], dict]:
    """As _by_scope, for aggregates that add up (Sum; Count of the rows themselves, each row
    having one `person`): one query grouped by person and their department, added up here
    for the departments and the organisation (a loop over people, not rows). A third of
    _by_scope's queries: at scale (bench/bench_metrics.py) those scans were most of the
    roll-up. Rows without a person count for the organisation only."""
    path = f"{person}__department"
    empty = {name: 0 if isinstance(a, Count) else None for name, a in aggregates.items()}
    found: dict[tuple[str, int | None], dict] = {(Scope.ORGANISATION, None): dict(empty)}
    for row in rows.values(person, path).order_by().annotate(**aggregates):
        who, department = row.pop(person), row.pop(path)
        scopes = [(Scope.ORGANISATION, None)]
        if who is not None:
            scopes.append((Scope.EXECUTIVE, who))
            if department is not None:
                scopes.append((Scope.DEPARTMENT, department))
        for key in scopes:
            total = found.setdefault(key, dict(empty))
            for name, value in row.items():
                if value is not None:
                    total[name] = value if total[name] is None else total[name] + value
    return found


def _attended(quarter: Quarter) -> QuerySet[Participant]:
    """Places attended by an executive in sessions of the quarter that were not cancelled."""
    return Participant.objects.filter(
        is_active=True,
        attendance=Participant.Attendance.ATTENDED,
        person__in=executives(),
        starts_at__gte=quarter.starts_at,
        starts_at__lt=quarter.ends_at,
    ).exclude(session__status=Session.Status.CANCELLED)


@metric(
    key="exposure_hours",
    label="Hours in direct customer interaction",
    family="participation",
    unit="hours",
)
def exposure_hours(quarter: Quarter) -> Figures:
    """Hours executives spent with customers: sessions of the activities the CX lead marked as
    counting as customer time (on the programme setup page: journeys, mystery shopping,
    customer calls, listening, chat observation, ride-alongs, Officer of the Day) whose
    attendance is confirmed as attended, counted by the minutes the executive recorded, or the
    session's scheduled length where they recorded none. Not counted: sessions missed, excused
    or not yet confirmed; activities not marked (QA review, the friction review, the customer
    council: meetings about customers, not time with them)."""
    rows = _attended(quarter).filter(session__activity_type__counts_as_customer_time=True)
    scheduled = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    figures = _summed_by_scope(
        rows,
        "person",
        recorded=Sum("actual_minutes"),
        scheduled=Sum(scheduled, filter=Q(actual_minutes__isnull=True)),
    )
    return {
        key: ((row["recorded"] or 0) + _minutes(row["scheduled"])) / 60
        for key, row in figures.items()
    }


def _minutes(duration) -> float:
    return duration.total_seconds() // 60 if duration else 0


@metric(
    key="interactions_observed",
    label="Calls or interactions observed",
    family="participation",
    unit="count",
)
def interactions_observed(quarter: Quarter) -> Figures:
    """Customer calls or interactions executives recorded observing, in sessions of any pillar
    attended in the quarter. Not counted: sessions where none were recorded (they add 0)."""
    figures = _summed_by_scope(_attended(quarter), "person", total=Sum("interactions_observed"))
    return {key: float(row["total"] or 0) for key, row in figures.items()}


@metric(
    key="journey_completion",
    label="Executives who completed the quarter's journey exercise",
    family="participation",
    unit="share",
)
def journey_completion(quarter: Quarter) -> Figures:
    """The share of executives (of the organisation, or a department) who completed at least one
    journey exercise in the quarter (its completion time within the quarter); for one
    executive, 1 or 0. Not counted: exercises started but not completed. A department with no
    executives has no figure (empty), not a division by zero."""
    completed = JourneyExercise.objects.filter(
        completed_at__gte=quarter.starts_at, completed_at__lt=quarter.ends_at
    )
    done_ids = set(
        completed.filter(participant__person__in=executives()).values_list(
            "participant__person_id", flat=True
        )
    )
    # Two queries (who completed; the executives and their departments), the shares counted
    # here over the executives: at scale two more grouped queries cost half the metric's time.
    people = list(executives().values_list("pk", "department"))
    figures: Figures = {}
    figures[(Scope.ORGANISATION, None)] = len(done_ids) / len(people) if people else None
    by_department: dict[int, list[bool]] = {}
    for pk, department in people:
        figures[(Scope.EXECUTIVE, pk)] = 1.0 if pk in done_ids else 0.0
        if department is not None:
            by_department.setdefault(department, []).append(pk in done_ids)
    for department, done in by_department.items():
        figures[(Scope.DEPARTMENT, department)] = sum(done) / len(done)
    return figures


@metric(
    key="reviews_held",
    label="Reverse-accountability sessions held",
    family="participation",
    unit="count",
)
def reviews_held(quarter: Quarter) -> Figures:
    """Weekly friction reviews held in the quarter: a review whose session started in the
    quarter, was not cancelled, and had at least one participant confirmed as attended. For a
    department, the reviews at least one of its executives attended; for an executive, the
    reviews they attended. Not counted: reviews prepared but not held, cancelled ones."""
    attended = Participant.objects.filter(
        is_active=True,
        attendance=Participant.Attendance.ATTENDED,
        session__friction_review__isnull=False,
        starts_at__gte=quarter.starts_at,
        starts_at__lt=quarter.ends_at,
    ).exclude(session__status=Session.Status.CANCELLED)
    figures = {(Scope.ORGANISATION, None): float(attended.values("session").distinct().count())}
    mine = attended.filter(person__in=executives())
    for scope, path in ((Scope.DEPARTMENT, "person__department"), (Scope.EXECUTIVE, "person")):
        grouped = mine.filter(**{f"{path}__isnull": False}).values(path).order_by(path)
        for row in grouped.annotate(n=Count("session", distinct=True)):
            figures[(scope, row[path])] = float(row["n"])
    return figures


# Outcomes


def _counted(rows: QuerySet, person: str) -> Figures:
    """How many `rows` for the organisation, per department and per executive."""
    figures = _summed_by_scope(rows, person, n=Count("pk", distinct=True))
    return {key: float(row["n"]) for key, row in figures.items()}


@metric(
    key="decisions_changed_after_exposure",
    label="Upstream decisions changed after customer exposure",
    family="outcome",
    unit="count",
)
def decisions_changed_after_exposure(quarter: Quarter) -> Figures:
    """Decisions of any area (pricing, product roadmap, platform, incentives, policy, other)
    changed or reversed in the quarter (the date of the change within it) whose evidence links
    a session (not cancelled), a reflection, a journey exercise, an escalation or a friction
    report dated before the change. Per department and
    executive: by the decision's owner. Not counted: decisions merely approved, or changed with
    no exposure among their evidence, or with exposure only from after the change."""
    # The docstring, shown to leadership, in words; the rule itself is written once, there.
    changed = decisions_with_exposure(
        Decision.objects.filter(changed_at__gte=quarter.starts_at, changed_at__lt=quarter.ends_at)
    ).filter(changed_after_exposure=True)
    return _counted(Decision.objects.filter(pk__in=changed.values("pk")), "owner")


@metric(
    key="policies_changed_from_feedback",
    label="Policies eliminated or modified from frontline feedback",
    family="outcome",
    unit="count",
)
def policies_changed_from_feedback(quarter: Quarter) -> Figures:
    """Friction reports (frontline feedback) resolved in the quarter (closed within it) as
    "policy eliminated" or "policy modified". Per department and executive: by the report's
    owner. Not counted: reports declined, marked duplicate, or resolved by a product, platform
    or process change (those are other decisions, counted above when they rest on exposure)."""
    rows = FrictionReport.objects.filter(
        status=FrictionStatus.RESOLVED,
        resolution__in=[Resolution.POLICY_ELIMINATED, Resolution.POLICY_MODIFIED],
        closed_at__gte=quarter.starts_at,
        closed_at__lt=quarter.ends_at,
    )
    return _counted(rows, "owner")


@metric(
    key="decisions_with_impact_assessment",
    label="Decisions with a customer-impact assessment",
    family="outcome",
    unit="share",
)
def decisions_with_impact_assessment(quarter: Quarter) -> Figures:
    """The share of decisions decided in the quarter (its decision date within it) whose
    customer-impact assessment says who is affected and the expected effect on customers.
    Per department and executive: by the decision's owner. Not counted: proposals not yet
    decided. Nobody decided anything: no figure, not zero."""
    rows = Decision.objects.filter(
        decided_on__gte=quarter.first_day, decided_on__lt=quarter.next.first_day
    )
    assessed = ~Q(impact_who="") & ~Q(impact_effect="")
    figures = _summed_by_scope(rows, "owner", n=Count("pk"), assessed=Count("pk", filter=assessed))
    return {key: row["assessed"] / row["n"] if row["n"] else None for key, row in figures.items()}


@metric(
    key="reports_past_due",
    label="Friction reports past their committed date",
    family="outcome",
    unit="count",
)
def reports_past_due(quarter: Quarter) -> Figures:
    """Friction reports whose committed date (acknowledge by while new, then decide by) fell
    in the quarter, before today, and that were not closed by the end of that day. Per
    department and executive: by the report's owner (reports nobody owns count for the
    organisation)."""
    day_after = ExpressionWrapper(F("due") + timedelta(days=1), output_field=DateField())
    # A date still to come (the quarter in progress) is not past yet.
    last = min(quarter.next.first_day, org_today())
    # The closing day in the organisation's zone, whatever zone is active (a request's is the
    # reader's own).
    rows = (
        FrictionReport.objects.filter(due__gte=quarter.first_day, due__lt=last)
        .annotate(closed_on=TruncDate("closed_at", tzinfo=org_zone()))
        .filter(Q(closed_at__isnull=True) | Q(closed_on__gte=day_after))
    )
    return _counted(rows, "owner")


class _Percentile(Aggregate):
    """PostgreSQL's percentile_cont: the value below which `fraction` of the rows fall."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=fraction, **extra)


# Around the ORM's query of (person, department, days): the organisation's row (both grouped
# away), each person's, each department's.
PERCENTILE_BY_SCOPE = """
    SELECT GROUPING(person) = 1 AND GROUPING(department) = 1, GROUPING(person) = 0,
           person, department, percentile_cont(%s) WITHIN GROUP (ORDER BY days)
    FROM ({rows}) AS closed (person, department, days)
    GROUP BY GROUPING SETS ((), (person), (department))"""


def _closed_in(quarter: Quarter) -> QuerySet[FrictionReport]:
    return FrictionReport.objects.filter(
        status__in=[FrictionStatus.RESOLVED, FrictionStatus.DECLINED],
        closed_at__gte=quarter.starts_at,
        closed_at__lt=quarter.ends_at,
    )


def _resolution_days(quarter: Quarter, fraction: float) -> Figures:
    """Days from filing to closing, at `fraction`, for reports resolved or declined in the
    quarter. On PostgreSQL one percentile_cont for every scope at once (GROUPING SETS, which
    the ORM cannot write: around the ORM's own query of the rows); one a scope scanned the
    quarter's reports three times, 2.7 times the floor at scale (bench/bench_metrics.py).
    SQLite (the embedded demo) has no percentile aggregate, so there the quarter's few closed
    reports are read and ranked here."""
    rows = _closed_in(quarter)
    if connection.vendor == "postgresql":
        days = ExpressionWrapper(
            Extract(F("closed_at") - F("created_at"), "epoch") / 86400.0,
            output_field=FloatField(),
        )
        inner, params = (
            rows.order_by()
            .values_list("owner_id", "owner__department_id", days)
            .query.sql_with_params()
        )
        figures: Figures = {}
        with connection.cursor() as cursor:
            cursor.execute(PERCENTILE_BY_SCOPE.format(rows=inner), [fraction, *params])
            for org, by_person, person, department, value in cursor.fetchall():
                if org:
                    figures[(Scope.ORGANISATION, None)] = value
                elif by_person and person is not None:
                    figures[(Scope.EXECUTIVE, person)] = value
                elif not by_person and department is not None:
                    figures[(Scope.DEPARTMENT, department)] = value
        return figures
    spans: dict[tuple[str, int | None], list[float]] = {}
    people = rows.values_list("owner_id", "owner__department_id", "created_at", "closed_at")
    for owner, department, created, closed in people:
        span = (closed - created).total_seconds() / 86400
        spans.setdefault((Scope.ORGANISATION, None), []).append(span)
        if owner is not None:
            spans.setdefault((Scope.EXECUTIVE, owner), []).append(span)
        if department is not None:
            spans.setdefault((Scope.DEPARTMENT, department), []).append(span)
    return {key: _percentile(sorted(values), fraction) for key, values in spans.items()}


def _percentile(ordered: list[float], fraction: float) -> float:
    """percentile_cont's interpolation, for the SQLite path."""
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@metric(
    key="resolution_days_median",
    label="Days from friction report to resolution (median)",
    family="outcome",
    unit="days",
)
def resolution_days_median(quarter: Quarter) -> Figures:
    """The median number of days from filing a friction report to closing it, over the reports
    resolved or declined in the quarter (closed within it). Per department and executive: by
    the report's owner. Not counted: reports still open (they show among the reports past their
    committed date when late), duplicates (closed by pointing elsewhere, not answered)."""
    return _resolution_days(quarter, 0.5)


@metric(
    key="resolution_days_p90",
    label="Days from friction report to resolution (90th percentile)",
    family="outcome",
    unit="days",
)
def resolution_days_p90(quarter: Quarter) -> Figures:
    """As the median days from friction report to resolution, at the 90th percentile: the slow
    tail the median hides."""
    return _resolution_days(quarter, 0.9)


# Compliance with the cadence targets


@dataclass(frozen=True)
class MetricFamily(Metric):
    """A definition whose figures come under several metric keys, computed together:
    compute_many(quarter) -> {metric key: Figures}, which is what the roll-up stores. Its own
    key holds no figures (compute gives none): it names the family in METRICS."""

    compute_many: Callable[[Quarter], dict[str, Figures]] | None = None


def figure_metrics() -> list[Metric]:
    """The metrics shown one figure each (the dashboard's cards and trends): not the families,
    whose figures are read under their own keys (compliance_targets)."""
    return [m for m in METRICS.values() if not isinstance(m, MetricFamily)]


COMPLIANCE_PREFIX = "compliance:"


def compliance_key(target_key: int) -> str:
    """The metric key of one cadence target's compliance: "compliance:<the target's id>" (a
    target keeps its id through every change, immersion.models.CadenceTarget)."""
    return f"{COMPLIANCE_PREFIX}{target_key}"


def _targets_of(quarter: Quarter) -> list:
    last_day = quarter.last_day
    return cadence_targets_in_force(first_day=quarter.first_day, last_day=last_day)


def compliance_targets(quarter: Quarter) -> list[tuple[str, str]]:
    """The compliance figures a quarter has, as (metric key, label), in the setup page's
    order; the label is the target as it was then ("2 hours of Call listening a month, each
    executive"). Two queries (the target versions; no figures are read)."""
    return [(key, label) for key, label, _ in compliance_targets_applying(quarter)]


def compliance_targets_applying(quarter: Quarter) -> list[tuple[str, str, bool]]:
    """As compliance_targets, with whether the target applies to each executive (True: it has
    a figure per executive) or to the leadership team together (False: the organisation's
    figure only)."""
    return [
        (compliance_key(t.target_key), str(t), t.applies_to == t.AppliesTo.EACH_EXECUTIVE)
        for t in _targets_of(quarter)
    ]


def _periods_in(quarter: Quarter, period: str) -> int:
    """How many of a target's periods a quarter holds: 1 quarter, 3 months, or 13 weeks (its
    days / 7, rounded, as the schedule page counts a weekly target's quarter to date)."""
    days = (quarter.next.first_day - quarter.first_day).days
    return {"quarter": 1, "month": 3, "week": round(days / 7)}[period]


def _done(target, sessions: int, recorded, scheduled) -> float:
    """What counts towards a target: attended sessions, or their hours (minutes recorded, else
    the scheduled length, as exposure_hours counts them)."""
    if target.unit == target.Unit.SESSIONS:
        return float(sessions or 0)
    return ((recorded or 0) + _minutes(scheduled)) / 60


def _each_executive(quarter: Quarter, targets: list) -> dict[str, Figures]:
    """Per-executive targets: two queries (executives, attendance by executive and activity)."""
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    rows = (
        _attended(quarter)
        .filter(session__activity_type__in={t.activity_type_id for t in targets})
        .values("person", "session__activity_type")
        .order_by()
        .annotate(
            sessions=Count("pk"),
            recorded=Sum("actual_minutes"),
            scheduled=Sum(length, filter=Q(actual_minutes__isnull=True)),
        )
    )
    done = {(row.pop("person"), row.pop("session__activity_type")): row for row in rows}
    people = list(executives().values_list("pk", "department").distinct())
    found: dict[str, Figures] = {}
    for target in targets:
        required = float(target.amount) * _periods_in(quarter, target.period)
        figures: Figures = {}
        met: dict[tuple[str, int | None], list[bool]] = {}
        for person, department in people:
            if target.department_id not in (None, department):
                continue
            row = done.get((person, target.activity_type_id), {})
            share = _done(target, **row) / required if row else 0.0
            figures[(Scope.EXECUTIVE, person)] = share
            met.setdefault((Scope.ORGANISATION, None), []).append(target_met(share))
            if department is not None:
                met.setdefault((Scope.DEPARTMENT, department), []).append(target_met(share))
        figures[(Scope.ORGANISATION, None)] = None  # nobody it applies to: no figure
        for key, flags in met.items():
            figures[key] = sum(flags) / len(flags)
        found[compliance_key(target.target_key)] = figures
    return found


def _leadership_team(quarter: Quarter, targets: list) -> dict[str, Figures]:
    """Leadership-team targets: one query (sessions held, by activity, for each department a
    target names, as conditional aggregates)."""
    attended = Participant.objects.filter(
        is_active=True, attendance=Participant.Attendance.ATTENDED
    )
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    aggregates = {}
    for department in {t.department_id for t in targets}:
        by = attended
        if department is not None:
            by = attended.filter(person__in=executives(), person__department=department)
        # Exists, not pk__in: `by` spans all history, and IN read every attended place
        # (290,000 at scale) to test the quarter's few sessions.
        was_held = Exists(by.filter(session=OuterRef("pk")))
        aggregates[f"sessions_{department}"] = Count("pk", filter=was_held)
        aggregates[f"scheduled_{department}"] = Sum(length, filter=was_held)
    rows = (
        Session.objects.filter(
            activity_type__in={t.activity_type_id for t in targets},
            starts_at__gte=quarter.starts_at,
            starts_at__lt=quarter.ends_at,
        )
        .exclude(status=Session.Status.CANCELLED)
        .values("activity_type")
        .order_by()
        .annotate(**aggregates)
    )
    held = {row["activity_type"]: row for row in rows}
    found: dict[str, Figures] = {}
    for target in targets:
        row = held.get(target.activity_type_id, {})
        department = target.department_id
        done = _done(
            target,
            sessions=row.get(f"sessions_{department}"),
            recorded=None,
            scheduled=row.get(f"scheduled_{department}"),
        )
        required = float(target.amount) * _periods_in(quarter, target.period)
        found[compliance_key(target.target_key)] = {(Scope.ORGANISATION, None): done / required}
    return found


def compliance(quarter: Quarter) -> dict[str, Figures]:
    """How much of each cadence target was met over the quarter, as a share (1 is met; more
    than 1, more than asked), under "compliance:<target id>" (compliance_key), one key per
    target in force at some time in the quarter.

    Which target: the version in force on the quarter's last day, or for a target ended
    (made not in force) within the quarter, its last version in force
    (immersion.selectors.cadence_targets_in_force), so last year is judged by last year's
    targets. That version judges the whole quarter: a target made or ended within a quarter
    is not pro-rated. A target made after the quarter, or ended before it, does not judge it.

    Required over the quarter: the amount times the periods in it (_periods_in: a monthly
    2-hour target asks 6 hours; a weekly one, 13 times its amount).

    A target for each executive: done is what the executive attended in sessions of the
    target's activity that started in the quarter and were not cancelled, counted as sessions
    (attended places) or hours (minutes recorded, else the scheduled length). Per executive,
    done / required (0 with nothing done), for every executive it applies to (its department
    or everyone); per department and for the organisation, the share of those executives
    who met it (their figure at least 1); a department it does not apply to has no figure.
    Not counted: sessions missed, excused or not yet confirmed, or of another activity.

    A target for the leadership team is met by the team together, not by each person (the
    weekly friction review is held once for everyone): done is the sessions of its activity
    held in the quarter (started in it, not cancelled, at least one participant confirmed
    attended; for a target naming a department, attended by one of its executives), counted
    as sessions or their scheduled hours. It has one figure, the organisation's: done /
    required. No executive or department figure.

    At most five queries (two for the target versions, two for the executives and their
    attendance, one for the team's sessions), however many executives.
    """
    targets = _targets_of(quarter)
    each = [t for t in targets if t.applies_to == t.AppliesTo.EACH_EXECUTIVE]
    team = [t for t in targets if t.applies_to == t.AppliesTo.LEADERSHIP_TEAM]
    found: dict[str, Figures] = {}
    if each:
        found |= _each_executive(quarter, each)
    if team:
        found |= _leadership_team(quarter, team)
    return found


def _no_figures(quarter: Quarter) -> Figures:
    return {}


METRICS["compliance"] = MetricFamily(
    key="compliance",
    label="Compliance with the cadence targets",
    family="participation",
    unit="share",
    compute=_no_figures,
    compute_many=compliance,
)


# The friction funnel: what became of the reports filed in the quarter


FUNNEL_PREFIX = "funnel:"
FUNNEL_STAGES = [
    ("filed", "Filed"),
    ("acknowledged", "Acknowledged"),
    ("resolved", "Resolved"),
    ("declined", "Declined"),
    ("overdue", "Open past their committed date"),
]


def funnel_key(stage: str) -> str:
    return f"{FUNNEL_PREFIX}{stage}"


def _funnel_stages() -> dict[str, Q]:
    """Which reports of a cohort each stage counts (and "anonymous", for the anonymity rule):
    written once, for both ways of counting them below."""
    return {
        "filed": Q(pk__isnull=False),
        "acknowledged": ~Q(status=FrictionStatus.NEW),
        "resolved": Q(status=FrictionStatus.RESOLVED),
        "declined": Q(status=FrictionStatus.DECLINED),
        "overdue": Q(status__in=OPEN_STATUSES, due__lt=org_today()),
        "anonymous": Q(is_anonymous=True),
    }


# Around the ORM's query of (person, department, team, a 0/1 flag per stage): every scope's
# sums in one statement. GROUPING SETS is out of the ORM's reach.
FUNNEL_BY_SCOPE = """
    SELECT GROUPING(person) = 0, GROUPING(department) = 0, GROUPING(team) = 0,
           person, department, team, {sums}
    FROM ({rows}) AS reports (person, department, team, {stages})
    GROUP BY GROUPING SETS ((), (person), (department), (team))"""


def _funnel_rows(cohort: QuerySet) -> dict[tuple[str, int | None], dict]:
    """Each scope's count of the cohort's reports at each stage. On PostgreSQL one statement
    (GROUPING SETS): at scale the ORM's grouping by owner and team, added up here, took twice
    the floor (bench/bench_metrics.py). Elsewhere (the demo's SQLite) that grouping."""
    stages = _funnel_stages()
    rows: dict[tuple[str, int | None], dict] = {}
    rows[(Scope.ORGANISATION, None)] = dict.fromkeys(stages, 0)  # a quarter with no report
    if connection.vendor == "postgresql":
        flags = {
            f"at_{stage}": Case(When(condition, then=1), default=0, output_field=IntegerField())
            for stage, condition in stages.items()
        }
        inner, params = (
            cohort.order_by()
            .annotate(**flags)
            .values_list("owner_id", "owner__department_id", "team_id", *flags)
            .query.sql_with_params()
        )
        sql = FUNNEL_BY_SCOPE.format(
            rows=inner,
            stages=", ".join(stages),
            sums=", ".join(f"SUM({stage})" for stage in stages),
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for by_person, by_department, by_team, person, department, team, *sums in cursor:
                if by_person:
                    key = (Scope.EXECUTIVE, person)
                elif by_department:
                    key = (Scope.DEPARTMENT, department)
                elif by_team:
                    key = (Scope.TEAM, team)
                else:
                    key = (Scope.ORGANISATION, None)
                if key[1] is not None or key[0] == Scope.ORGANISATION:
                    rows[key] = dict(zip(stages, (int(n or 0) for n in sums), strict=True))
        return rows
    counts = {stage: Count("pk", filter=condition) for stage, condition in stages.items()}
    grouped = cohort.values("owner", "owner__department", "team").order_by().annotate(**counts)
    for row in grouped:
        owner, department, team = row.pop("owner"), row.pop("owner__department"), row.pop("team")
        scopes = [(Scope.ORGANISATION, None)]
        scopes += [(Scope.EXECUTIVE, owner)] if owner is not None else []
        scopes += [(Scope.DEPARTMENT, department)] if department is not None else []
        scopes += [(Scope.TEAM, team)] if team is not None else []
        for key in scopes:
            total = rows.setdefault(key, dict.fromkeys(counts, 0))
            for name, value in row.items():
                total[name] += value
    return rows


def teams_hidden(anonymous: dict) -> list:
    """Which teams' figures to hide, given each team's anonymous reports ({team: count}): those
    the anonymity rule hides (metrics/anonymity.py), and then, if that leaves one team hidden
    or hidden teams with fewer than 5 anonymous reports between them, the teams with the
    fewest anonymous reports among the shown too, until it does not. The organisation's figure
    is shown beside the teams': minus the shown teams, it gives the hidden ones' total, which
    must not be one team's figure nor describe fewer than 5 anonymous reports."""
    hidden = [
        team for team, count in anonymous.items() if team_figure_suppressed(anonymous_reports=count)
    ]
    shown = sorted((t for t in anonymous if t not in hidden), key=lambda t: (anonymous[t], str(t)))
    while (
        hidden
        and shown
        and (
            len(hidden) < 2
            or team_figure_suppressed(anonymous_reports=sum(anonymous[t] for t in hidden))
        )
    ):
        hidden.append(shown.pop(0))
    return hidden


def friction_funnel(quarter: Quarter) -> dict[str, Figures]:
    """What became of the friction reports filed in the quarter (their filing time within it),
    as they stand when the figures are computed (a quarter's figures are frozen when it is
    closed, the night after it ends): under "funnel:<stage>" (funnel_key),

      filed         every report filed, duplicates excepted (a duplicate is merged into the
                    report it repeats, which is the one answered);
      acknowledged  those an owner has answered: no longer new (acknowledged, in progress,
                    resolved or declined);
      resolved      those resolved (with a change, or "no change needed");
      declined      those declined, with a reason;
      overdue       those still open and past their committed date (FrictionReport.due: the
                    acknowledge-by date while new, then the decide-by date).

    The time they took is the resolution_days metrics (by the quarter they were closed in).

    Per department and per executive: by the report's owner (a report nobody owns yet counts
    for the organisation). Per frontline team: by the team the report was filed from, and
    only where the team filed at least 5 anonymous reports in the quarter; below that every
    figure of the team is stored empty (metrics/anonymity.py), so no page, export or e-mail
    can narrow an anonymous reporter down to a few colleagues; and so that the organisation's
    figure minus the shown teams' cannot give a hidden team's, a second team is hidden with
    it where needed (teams_hidden). One query (_funnel_rows)."""
    cohort = FrictionReport.objects.filter(
        created_at__gte=quarter.starts_at, created_at__lt=quarter.ends_at
    ).exclude(status=FrictionStatus.DUPLICATE)
    rows = _funnel_rows(cohort)
    teams = {key: total["anonymous"] for key, total in rows.items() if key[0] == Scope.TEAM}
    for key in teams_hidden(teams):
        rows[key] = dict.fromkeys(rows[key])
    found: dict[str, Figures] = {}
    for stage, _ in FUNNEL_STAGES:
        found[funnel_key(stage)] = {
            key: None if row[stage] is None else float(row[stage]) for key, row in rows.items()
        }
    return found


METRICS["funnel"] = MetricFamily(
    key="funnel",
    label="The friction funnel",
    family="outcome",
    unit="count",
    compute=_no_figures,
    compute_many=friction_funnel,
)


# Friction themes (metrics/themes/)

THEME_PREFIX = "theme:"


def theme_key(theme_id: int) -> str:
    """The metric key of one friction theme's count: "theme:<the theme's id>"."""
    return f"{THEME_PREFIX}{theme_id}"


def themes(quarter: Quarter) -> dict[str, Figures]:
    """How many friction reports filed in the quarter (their filing time within it) the theme
    task placed in each theme, under "theme:<theme id>" (theme_key), for the organisation only.

    Counted: every report, named or anonymous, whatever its status now (a duplicate too: it is
    one more person meeting the friction). Not counted: reports placed in no theme (none near
    enough), and reports the task has not looked at yet (filed since its last nightly run: it
    runs at 02:05, before the roll-up at 02:15). A theme with no report in the quarter has no
    figure (read as 0). Themes are what the current fit found; after a refit, every stored
    quarter's theme figures are computed again (metrics/themes/services.py).

    Organisation-wide only: a theme split by team would fall under the anonymity rule
    (metrics/anonymity.py). One grouped query.
    """
    rows = (
        FrictionThemeReport.objects.filter(
            theme__isnull=False,
            report__created_at__gte=quarter.starts_at,
            report__created_at__lt=quarter.ends_at,
        )
        .values("theme")
        .order_by("theme")
        .annotate(reports=Count("pk"))
    )
    return {
        theme_key(row["theme"]): {(Scope.ORGANISATION, None): float(row["reports"])} for row in rows
    }


METRICS["themes"] = MetricFamily(
    key="themes",
    label="Friction reports in each theme",
    family="outcome",
    unit="count",
    compute=_no_figures,
    compute_many=themes,
)
