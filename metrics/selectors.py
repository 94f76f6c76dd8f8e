"""Reads of the stored roll-ups, for the dashboard. Nothing here scans raw data: a page costs
the same few queries whatever the organisation's size or history (metrics/tests/test_dashboard.py
counts them at two sizes)."""

import inspect
from dataclasses import dataclass

from .definitions import Metric, figure_metrics
from .models import QuarterFigure, QuarterRollup
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
        stored=sorted((_stored(name) for name in rollups), reverse=True),
    )


def _stored(name: str) -> Quarter:
    """A stored roll-up's quarter: written by Quarter itself, so not parsed again (parse would
    refuse one more than ten years old, and the dashboard would fail the day it became so)."""
    year, number = name.split("Q")
    return Quarter(int(year), int(number))
