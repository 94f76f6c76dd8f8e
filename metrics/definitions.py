"""What each metric counts: every definition written once, here, with what it leaves out.

Each definition takes a Quarter and returns its figures for every scope at once, as
{(scope, scope id): value}: the organisation (id None), each department, each executive. Each
is a few grouped database aggregates (one per scope), never a Python loop over rows, so a
quarter of a large organisation costs the same number of queries as the demo's.

"Executive" means a person holding the executive role now (accounts.roles.Role.EXECUTIVE);
their department is their department now. A session belongs to the quarter in which it
starts, in the organisation's time zone (metrics/quarters.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum

from accounts.models import User
from accounts.roles import Role
from immersion.models import JourneyExercise, Participant, Session

from .models import QuarterFigure
from .quarters import Quarter

Scope = QuarterFigure.Scope
Figures = dict[tuple[str, int | None], float | None]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    family: str  # "participation" or "outcome"
    unit: str  # "hours", "count", "share"
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
    counting as customer time (ActivityType.counts_as_customer_time: journeys, mystery shopping,
    customer calls, listening, chat observation, ride-alongs, Officer of the Day) whose
    attendance is confirmed as attended, counted by the minutes the executive recorded, or the
    session's scheduled length where they recorded none. Not counted: sessions missed, excused
    or not yet confirmed; activities not marked (QA review, the friction review, the customer
    council: meetings about customers, not time with them)."""
    rows = _attended(quarter).filter(session__activity_type__counts_as_customer_time=True)
    scheduled = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    figures = _by_scope(
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
    figures = _by_scope(_attended(quarter), "person", total=Sum("interactions_observed"))
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
    totals = executives().values("department").order_by("department").annotate(n=Count("pk"))
    done = (
        executives()
        .filter(pk__in=done_ids)
        .values("department")
        .order_by("department")
        .annotate(n=Count("pk"))
    )
    done_by_department = {row["department"]: row["n"] for row in done}
    figures: Figures = {}
    everyone = sum(row["n"] for row in totals)
    figures[(Scope.ORGANISATION, None)] = len(done_ids) / everyone if everyone else None
    for row in totals:
        if row["department"] is not None:
            figures[(Scope.DEPARTMENT, row["department"])] = (
                done_by_department.get(row["department"], 0) / row["n"]
            )
    for pk in executives().values_list("pk", flat=True):
        figures[(Scope.EXECUTIVE, pk)] = 1.0 if pk in done_ids else 0.0
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
