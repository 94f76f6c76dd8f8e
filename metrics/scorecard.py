"""One executive's quarter, as a performance review would read it (seed 000, "executive
performance integration"): their participation and compliance from the STORED roll-up, beside
the previous quarter and the average executive, and live reads of what is theirs alone — the
reflections they shared, the friction reports they own and how fast they answered, the
decisions they changed.

Every read is bounded to one executive and one quarter, and the page costs the same number of
queries however many executives, sessions, reports or decisions there are
(metrics/tests/test_scorecard.py counts them at two sizes)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate

from accounts.models import User
from core.calendar import org_today, org_zone
from frictions.models import OPEN_STATUSES, Decision, FrictionEvent, FrictionReport
from frictions.models import Status as FrictionStatus
from frictions.selectors import decisions_with_exposure
from immersion.models import Reflection

from .definitions import compliance_targets, executives, figure_metrics
from .formatting import target_met
from .medians import days_between, median
from .models import QuarterFigure, QuarterRollup
from .quarters import Quarter
from .roles import VIEW_DASHBOARD
from .selectors import TOTAL_UNITS

Scope = QuarterFigure.Scope

VIEW_EVERY_SCORECARD = VIEW_DASHBOARD
VIEW_OWN_SCORECARD = "metrics.view_own_scorecard"

# The metric every executive has a figure for in a roll-up (1 or 0): whether a roll-up
# measured someone at all, and how many executives it measured.
MEASURED_BY = "journey_completion"
# How many of the latest shared reflections and changed decisions the page lists.
LATEST_REFLECTIONS = 3
DECISIONS_LISTED = 20


def scorecard_executive_for(*, user: User, pk: int) -> User | None:
    """The executive whose scorecard `user` may read: anyone holding the executive role for
    leadership and the CX lead (view_dashboard), only themselves for an executive; None
    otherwise, and for someone who is not an executive, so the page answers 404 and an id
    cannot be probed."""
    found = executives().filter(pk=pk).select_related("department")
    if user.has_perm(VIEW_EVERY_SCORECARD):
        return found.first()
    if user.has_perm(VIEW_OWN_SCORECARD) and pk == user.pk:
        return found.first()
    return None


@dataclass(frozen=True)
class FigureLine:
    """One stored metric of the executive: this quarter, the one before, and the average of
    the executives the roll-up measured (None where there is no figure)."""

    key: str
    label: str
    unit: str
    family: str
    value: float | None
    previous: float | None
    average: float | None


@dataclass(frozen=True)
class ComplianceLine:
    """One cadence target as it was in the quarter: how much of it the executive did (1 is
    met), and the share of the executives it applies to who met it."""

    key: str
    label: str
    share: float | None
    previous: float | None
    met_by: float | None

    @property
    def met(self) -> bool | None:
        return None if self.share is None else target_met(self.share)


@dataclass(frozen=True)
class FrictionFigures:
    """Friction reports the executive owns: now, and answered in the quarter.

    Acknowledged means the report's first status change (new → anything), the moment it was
    first answered; on time when that day, in the organisation's zone, was not after its
    acknowledge-by date."""

    open_now: int
    overdue_now: int
    acknowledged: int
    acknowledged_on_time: int
    days_to_acknowledge: float | None
    closed: int
    days_to_close: float | None

    @property
    def acknowledged_late(self) -> int:
        return self.acknowledged - self.acknowledged_on_time


@dataclass(frozen=True)
class ChangedDecision:
    decision: Decision
    after_exposure: bool


@dataclass(frozen=True)
class Scorecard:
    executive: User
    quarter: Quarter
    # The quarter's roll-up, None when it has not been computed.
    rollup: QuarterRollup | None
    # False when the roll-up holds no figure of this executive (not an executive then).
    measured: bool
    figures: list[FigureLine]
    compliance: list[ComplianceLine]
    reflections_shared: int
    reflections_latest: list[Reflection]
    frictions: FrictionFigures
    decisions_changed: int
    decisions_changed_after_exposure: int
    decisions: list[ChangedDecision]


def executive_scorecard(*, executive: User, quarter: Quarter) -> Scorecard:
    """`executive`'s scorecard for `quarter`: stored figures and compliance (this quarter, the
    previous one, the average executive) and the live reads of their own records: twelve
    queries on either database, whatever the data's size."""
    stored = _stored(executive=executive, quarter=quarter)
    return Scorecard(
        executive=executive,
        quarter=quarter,
        rollup=stored["rollup"],
        measured=stored["measured"],
        figures=stored["figures"],
        compliance=stored["compliance"],
        **_reflections(executive=executive, quarter=quarter),
        frictions=_frictions(executive=executive, quarter=quarter),
        **_decisions(executive=executive, quarter=quarter),
    )


def _stored(*, executive: User, quarter: Quarter) -> dict:
    """Four queries: the two roll-ups, the executive's figures in both, the executives'
    totals in the quarter (grouped by metric), and the compliance targets' labels (two)."""
    names = {str(quarter): "now", str(quarter.previous): "before"}
    rollups = {r.pk: r for r in QuarterRollup.objects.filter(quarter__in=names)}
    when = {pk: names[r.quarter] for pk, r in rollups.items()}
    mine: dict[tuple[str, str], float | None] = {}
    for rollup_id, metric, value in QuarterFigure.objects.filter(
        rollup_id__in=rollups, scope=Scope.EXECUTIVE, scope_id=executive.pk
    ).values_list("rollup_id", "metric", "value"):
        mine[(when[rollup_id], metric)] = value
    measured = {name for name, metric in mine if metric == MEASURED_BY}
    rollup = next((r for r in rollups.values() if r.quarter == str(quarter)), None)
    everyone: dict[str, dict] = {}
    if rollup is not None:
        rows = (
            QuarterFigure.objects.filter(rollup=rollup, scope=Scope.EXECUTIVE)
            .values("metric")
            .order_by("metric")
            .annotate(
                total=Sum("value"),
                with_value=Count("value"),
                met=Count("pk", filter=Q(value__gte=1)),
            )
        )
        everyone = {row.pop("metric"): row for row in rows}
    people = everyone.get(MEASURED_BY, {}).get("with_value", 0)

    def value(name: str, key: str, unit: str) -> float | None:
        if name not in measured:
            return None
        if (name, key) in mine:
            return mine[(name, key)]
        return 0.0 if unit in TOTAL_UNITS else None

    def average(key: str, unit: str) -> float | None:
        row = everyone.get(key)
        if unit in TOTAL_UNITS:
            # A total nobody added to has no row: the average is over every executive measured.
            return ((row and row["total"]) or 0) / people if people else None
        return row["total"] / row["with_value"] if row and row["with_value"] else None

    figures = [
        FigureLine(
            key=m.key,
            label=m.label,
            unit=m.unit,
            family=m.family,
            value=value("now", m.key, m.unit),
            previous=value("before", m.key, m.unit),
            average=average(m.key, m.unit) if rollup else None,
        )
        for m in figure_metrics()
    ]
    compliance = []
    for key, label in compliance_targets(quarter):
        row = everyone.get(key)
        compliance.append(
            ComplianceLine(
                key=key,
                label=label,
                share=mine.get(("now", key)),
                previous=mine.get(("before", key)),
                met_by=row["met"] / row["with_value"] if row and row["with_value"] else None,
            )
        )
    # Targets for the leadership team have no executive figure: only those judging each one.
    compliance = [c for c in compliance if c.share is not None or c.met_by is not None]
    return {
        "rollup": rollup,
        "measured": "now" in measured,
        "figures": figures,
        "compliance": compliance,
    }


def _in_quarter(field: str, quarter: Quarter) -> Q:
    return Q(**{f"{field}__gte": quarter.starts_at, f"{field}__lt": quarter.ends_at})


def _reflections(*, executive: User, quarter: Quarter) -> dict:
    """Reflections the executive shared with leadership on sessions of the quarter (a
    reflection belongs to its session's quarter): how many, and the latest few. Two queries."""
    shared = Reflection.objects.filter(
        _in_quarter("participant__starts_at", quarter),
        participant__person=executive,
        visibility=Reflection.Visibility.LEADERSHIP,
    )
    latest = shared.select_related("participant__session__activity_type").order_by(
        "-participant__starts_at", "-pk"
    )[:LATEST_REFLECTIONS]
    return {"reflections_shared": shared.count(), "reflections_latest": list(latest)}


def acknowledged_at() -> Subquery:
    """A report's first status change: when it was first answered."""
    return Subquery(
        FrictionEvent.objects.filter(report=OuterRef("pk"), kind=FrictionEvent.Kind.STATUS)
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )


def _frictions(*, executive: User, quarter: Quarter, today: date | None = None) -> FrictionFigures:
    """Three queries: the counts, the median days to acknowledge (reports acknowledged in the
    quarter) and to close (reports resolved or declined in the quarter, as
    definitions.resolution_days_median counts them)."""
    today = today or org_today()
    owned = FrictionReport.objects.filter(owner=executive).annotate(
        acknowledged_at=acknowledged_at()
    )
    answered = _in_quarter("acknowledged_at", quarter)
    on_time = Q(acknowledged_day__lte=F("acknowledge_by"))
    closed = Q(
        _in_quarter("closed_at", quarter),
        status__in=[FrictionStatus.RESOLVED, FrictionStatus.DECLINED],
    )
    counts = owned.annotate(
        acknowledged_day=TruncDate("acknowledged_at", tzinfo=org_zone())
    ).aggregate(
        open_now=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue_now=Count("pk", filter=Q(status__in=OPEN_STATUSES, due__lt=today)),
        acknowledged=Count("pk", filter=answered),
        acknowledged_on_time=Count("pk", filter=answered & on_time),
        closed=Count("pk", filter=closed),
    )
    return FrictionFigures(
        **counts,
        days_to_acknowledge=median(
            owned.filter(answered),
            database=days_between("created_at", "acknowledged_at"),
            fields=("created_at", "acknowledged_at"),
        ),
        days_to_close=median(
            owned.filter(closed),
            database=days_between("created_at", "closed_at"),
            fields=("created_at", "closed_at"),
        ),
    )


def _decisions(*, executive: User, quarter: Quarter) -> dict:
    """Decisions the executive owns that were changed or reversed in the quarter, each with
    whether its evidence holds customer exposure from before the change (the count that
    definitions.decisions_changed_after_exposure stores). Two queries."""
    changed = decisions_with_exposure(
        Decision.objects.filter(_in_quarter("changed_at", quarter), owner=executive)
    )
    counts = changed.aggregate(
        n=Count("pk"), after=Count("pk", filter=Q(changed_after_exposure=True))
    )
    listed = changed.order_by("-changed_at", "-pk")[:DECISIONS_LISTED]
    return {
        "decisions_changed": counts["n"],
        "decisions_changed_after_exposure": counts["after"],
        "decisions": [
            ChangedDecision(decision=d, after_exposure=bool(d.changed_after_exposure))
            for d in listed
        ],
    }


def executive_list(*, department_id: int | None = None) -> QuerySet[User]:
    """Every executive (the executive role now), by name; one department's when given."""
    people = executives().select_related("department").order_by("display_name", "pk")
    if department_id is not None:
        people = people.filter(department_id=department_id)
    return people


@dataclass(frozen=True)
class ExecutiveRow:
    executive: User
    hours: float | None
    interactions: float | None
    # Compliance targets met, of those that judged the executive (None without a roll-up).
    targets_met: int | None
    targets: int | None
    fading: bool


def executive_rows(
    *, people: list[User], quarter: Quarter, fading: set[int]
) -> tuple[QuarterRollup | None, list[ExecutiveRow]]:
    """The key stored figures of `people` (one page of executive_list) in `quarter`: two
    queries (the roll-up, the page's figures), whatever the page or the organisation holds.
    `fading`: the ids evidence.participation_fading flagged."""
    rollup = QuarterRollup.objects.filter(quarter=str(quarter)).first()
    found: dict[int, dict[str, float | None]] = {}
    if rollup is not None:
        for person, metric, value in QuarterFigure.objects.filter(
            Q(metric__in=["exposure_hours", "interactions_observed", MEASURED_BY])
            | Q(metric__startswith="compliance:"),
            rollup=rollup,
            scope=Scope.EXECUTIVE,
            scope_id__in=[p.pk for p in people],
        ).values_list("scope_id", "metric", "value"):
            found.setdefault(person, {})[metric] = value
    rows = []
    for person in people:
        mine = found.get(person.pk)
        if mine is None:  # no roll-up, or not measured in it
            rows.append(ExecutiveRow(person, None, None, None, None, person.pk in fading))
            continue
        shares = [v for k, v in mine.items() if k.startswith("compliance:") and v is not None]
        rows.append(
            ExecutiveRow(
                executive=person,
                hours=mine.get("exposure_hours", 0.0),
                interactions=mine.get("interactions_observed", 0.0),
                targets_met=sum(1 for share in shares if target_met(share)),
                targets=len(shares),
                fading=person.pk in fading,
            )
        )
    return rollup, rows
