"""Reads of the stored roll-ups, for the dashboard. Nothing here scans raw data: a page costs
the same few queries whatever the organisation's size or history (metrics/tests/test_dashboard.py
counts them at two sizes)."""

import inspect
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_delete, post_save

from accounts.models import FrontlineTeam, User
from core.generations import generation_bump
from frictions.models import Decision
from frictions.selectors import decisions_with_exposure

from .definitions import (
    COMPLIANCE_PREFIX,
    FUNNEL_STAGES,
    Metric,
    compliance_targets_applying,
    executives,
    figure_metrics,
    funnel_key,
)
from .models import FrictionTheme, QuarterFigure, QuarterRollup
from .quarters import Quarter

Scope = QuarterFigure.Scope

# How far back the trend charts reach: two years, the span in which a programme's effect on
# decisions should show (seed 000: "evidence that executive exposure … changes organizational
# behavior").
TREND_QUARTERS = 8

# The units in which a figure is a total: a scope the roll-up measured but reported no figure
# for did none of it (the definitions group the rows that exist, so doing nothing leaves no row).
# A share or a number of days has no such default: with nothing to measure it has no figure.
TOTAL_UNITS = {"hours", "count"}

# Executives per page of the compliance grid.
GRID_PAGE_SIZE = 25


@dataclass(frozen=True)
class MetricTrend:
    """One metric over the trend's quarters, oldest first; None where there is no figure."""

    metric: Metric
    values: list[float | None]

    @property
    def description(self) -> str:
        """What the figure counts and leaves out: its definition's docstring."""
        return inspect.cleandoc(self.metric.compute.__doc__ or "")

    @property
    def value(self) -> float | None:
        return self.values[-1]

    @property
    def previous(self) -> float | None:
        return self.values[-2] if len(self.values) > 1 else None

    @property
    def change(self) -> float | None:
        """This quarter's figure minus the previous one's; None unless both have one."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class QuarterDashboard:
    quarter: Quarter
    # The quarter's roll-up, or None when it has not been computed (or has not started).
    rollup: QuarterRollup | None
    # The trend's quarters, oldest first, ending with `quarter`.
    quarters: list[Quarter]
    trends: list[MetricTrend]
    # False when the chosen department has no figure at all in the quarter's roll-up: it had no
    # executive (and owned nothing) when the figures were computed.
    measured: bool
    # Every quarter with stored figures, newest first.
    stored: list[Quarter]


def quarter_dashboard(*, quarter: Quarter, department_id: int | None = None) -> QuarterDashboard:
    """The eight metrics for `quarter` and the quarters before it, for the organisation or one
    department, from the stored roll-ups only: two queries whatever the data's size.

    A quarter with no roll-up has no figures (None). For a department, a roll-up that holds no
    figure of it at all did not measure it (no executive there then): None throughout that
    quarter. Where a department was measured, an hours or count figure it lacks is 0."""
    rollups = {row.quarter: row for row in QuarterRollup.objects.all()}
    quarters = quarter.last(TREND_QUARTERS)
    in_trend = {rollups[str(q)].pk: str(q) for q in quarters if str(q) in rollups}
    if department_id is None:
        scope = {"scope": Scope.ORGANISATION}
    else:
        scope = {"scope": Scope.DEPARTMENT, "scope_id": department_id}
    figures: dict[tuple[str, str], float | None] = {}
    for rollup_id, key, value in QuarterFigure.objects.filter(
        rollup_id__in=in_trend, metric__in=[m.key for m in figure_metrics()], **scope
    ).values_list("rollup_id", "metric", "value"):
        figures[(in_trend[rollup_id], key)] = value
    measured = {name for name, _ in figures} if department_id else set(in_trend.values())

    def value_of(q: Quarter, metric: Metric) -> float | None:
        name = str(q)
        if name not in measured:
            return None
        if (name, metric.key) in figures:
            return figures[(name, metric.key)]
        return 0.0 if metric.unit in TOTAL_UNITS else None

    return QuarterDashboard(
        quarter=quarter,
        rollup=rollups.get(str(quarter)),
        quarters=quarters,
        trends=[
            MetricTrend(metric=metric, values=[value_of(q, metric) for q in quarters])
            for metric in figure_metrics()
        ],
        measured=str(quarter) in measured,
        stored=sorted((Quarter.stored(name) for name in rollups), reverse=True),
    )


# The sections below the cards: compliance, the friction funnel, the decisions changed


@dataclass(frozen=True)
class ComplianceRow:
    executive: User
    # Still an executive: their scorecard opens (a former one's quarter is only in the grid).
    current: bool
    # One figure per target in the grid's order: the share of it met, None where it does not
    # apply to the executive (a department's target, another department).
    shares: list[float | None]


@dataclass(frozen=True)
class ComplianceGrid:
    # (metric key, the target as it was in the quarter), for the targets each executive has.
    targets: list[tuple[str, str]]
    # The page of executives the grid shows (a Page of ComplianceRow).
    page: Page
    # Each target's share of executives who met it, for the organisation or the department.
    met: list[float | None]
    # Targets the leadership team meets together: (label, share of it met), organisation only.
    team: list[tuple[str, float | None]]


def compliance_grid(
    *, rollup: QuarterRollup, quarter: Quarter, department_id: int | None, page: str | None
) -> ComplianceGrid:
    """Executives × the cadence targets in force in `quarter`, from the stored figures: a page
    of executives (those the roll-up measured, of the department if one is chosen, by name)
    with the share of each target they met, and each target's share met overall. Six queries
    whatever the number of executives (two for the targets; the overall figures; a count and
    a page of executives; their figures)."""
    targets = compliance_targets_applying(quarter)
    each = [(key, label) for key, label, for_each in targets if for_each]
    stored = QuarterFigure.objects.filter(rollup=rollup, metric__startswith=COMPLIANCE_PREFIX)
    if department_id is None:
        overall_scope = {"scope": Scope.ORGANISATION}
    else:
        overall_scope = {"scope": Scope.DEPARTMENT, "scope_id": department_id}
    overall = dict(stored.filter(**overall_scope).values_list("metric", "value"))
    mine = stored.filter(scope=Scope.EXECUTIVE)
    people = (
        User.objects.filter(pk__in=mine.values("scope_id"))
        .annotate(current=Exists(executives().filter(pk=OuterRef("pk"))))
        .order_by("display_name", "email")
    )
    if department_id is not None:
        people = people.filter(department_id=department_id)
    shown = Paginator(people, GRID_PAGE_SIZE).get_page(page)
    found = mine.filter(scope_id__in=[person.pk for person in shown.object_list])
    shares = {(row[0], row[1]): row[2] for row in found.values_list("scope_id", "metric", "value")}
    shown.object_list = [
        ComplianceRow(
            executive=person,
            current=person.current,
            shares=[shares.get((person.pk, key)) for key, _ in each],
        )
        for person in shown.object_list
    ]
    return ComplianceGrid(
        targets=each,
        page=shown,
        met=[overall.get(key) for key, _ in each],
        # The team's targets have the organisation's figure only: none for a department.
        team=[]
        if department_id is not None
        else [(label, overall.get(key)) for key, label, for_each in targets if not for_each],
    )


@dataclass(frozen=True)
class TeamFunnel:
    team: FrontlineTeam
    # One figure per stage, None throughout when the anonymity rule hides the team's.
    values: list[float | None]

    @property
    def hidden(self) -> bool:
        return all(value is None for value in self.values)


@dataclass(frozen=True)
class Funnel:
    stages: list[tuple[str, str]]  # (stage, label)
    values: list[float | None]
    # Per frontline team, for the organisation only (a department's reports are by owner).
    teams: list[TeamFunnel]


def friction_funnel_read(*, rollup: QuarterRollup, department_id: int | None) -> Funnel:
    """The stored friction funnel of a quarter (metrics/definitions.py, friction_funnel), for
    the organisation with its teams, or for one department: two queries."""
    keys = {funnel_key(stage): n for n, (stage, _) in enumerate(FUNNEL_STAGES)}
    rows = QuarterFigure.objects.filter(rollup=rollup, metric__in=keys)
    if department_id is None:
        rows = rows.filter(scope__in=[Scope.ORGANISATION, Scope.TEAM])
    else:
        rows = rows.filter(scope=Scope.DEPARTMENT, scope_id=department_id)
    values: list[float | None] = [0.0] * len(keys)
    by_team: dict[int, list[float | None]] = {}
    for scope, scope_id, metric, value in rows.values_list("scope", "scope_id", "metric", "value"):
        if scope == Scope.TEAM:
            by_team.setdefault(scope_id, [None] * len(keys))[keys[metric]] = value
        else:
            values[keys[metric]] = value
    teams = FrontlineTeam.objects.filter(pk__in=by_team).order_by("name") if by_team else []
    return Funnel(
        stages=FUNNEL_STAGES,
        values=values,
        teams=[TeamFunnel(team=team, values=by_team[team.pk]) for team in teams],
    )


# How many of the decisions changed after exposure the dashboard names; the card counts all.
DECISIONS_SHOWN = 10


def decisions_changed_read(*, quarter: Quarter, department_id: int | None) -> list[Decision]:
    """The decisions changed in `quarter` after customer exposure (the metric's own rule,
    frictions.selectors.decisions_with_exposure), latest change first, at most DECISIONS_SHOWN,
    each with its owner: one query. Unlike the figures, read from the decisions themselves
    (a small table: a large organisation logs hundreds a year), so that each links to its
    evidence."""
    changed = Decision.objects.filter(
        changed_at__gte=quarter.starts_at, changed_at__lt=quarter.ends_at
    )
    if department_id is not None:
        changed = changed.filter(owner__department_id=department_id)
    return list(
        decisions_with_exposure(changed)
        .filter(changed_after_exposure=True)
        .select_related("owner")
        .order_by("-changed_at", "-pk")[:DECISIONS_SHOWN]
    )


# The generation of what the dashboard shows from the stored roll-ups (figures, and the names
# of the themes and teams they count): its fragments are cached under it. Saving a roll-up (each
# computation does), a theme or a team renews it; bulk writes of figures or themes call
# generation_bump(STORED) by hand. People, targets and departments are the programme's own
# generation (immersion.selectors.at_risk.PROGRAMME), which the fragments' key holds too.
STORED = "stored-figures"


def _stored_changed(*args, **kwargs) -> None:
    generation_bump(STORED)


def stored_receivers_connect() -> None:
    """Called once from MetricsConfig.ready."""
    for model in (QuarterRollup, FrictionTheme, FrontlineTeam):
        for signal in (post_save, post_delete):
            signal.connect(_stored_changed, sender=model, dispatch_uid=f"stored:{model}:{signal}")
