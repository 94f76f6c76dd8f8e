"""Reads of friction themes, for the themes pages and the dashboard. Counts per quarter come from
the stored roll-ups (the "themes" family of metrics/definitions.py), never from the reports."""

from dataclasses import dataclass

from django.db.models import QuerySet

from frictions.models import FrictionReport

from ..definitions import THEME_PREFIX
from ..models import FrictionTheme, FrictionThemeFit, QuarterFigure, QuarterRollup
from ..quarters import Quarter

# How many quarters the themes page shows each theme's count for, newest last.
THEME_QUARTERS = 4


@dataclass(frozen=True)
class ThemeGrowth:
    theme: FrictionTheme
    name: str
    count: int
    # None when the previous quarter has no roll-up: nothing to compare with.
    previous: int | None
    change: int


def _org_counts(quarters: list[Quarter]) -> dict[str, dict[int, int]]:
    """{quarter: {theme id: reports}} from the stored figures of `quarters`; a quarter with
    no roll-up is missing. Two queries (the roll-ups' ids are read with the figures)."""
    names = [str(q) for q in quarters]
    found: dict[str, dict[int, int]] = {}
    rows = QuarterFigure.objects.filter(
        rollup__quarter__in=names,
        scope=QuarterFigure.Scope.ORGANISATION,
        metric__startswith=THEME_PREFIX,
    ).values_list("rollup__quarter", "metric", "value")
    for name in QuarterRollup.objects.filter(quarter__in=names).values_list("quarter", flat=True):
        found[name] = {}
    for name, metric, value in rows:
        found[name][int(metric.removeprefix(THEME_PREFIX))] = int(value or 0)
    return found


def themes_growing(*, quarter: Quarter, limit: int = 5) -> list[ThemeGrowth]:
    """The themes whose report count grew most from the previous quarter to `quarter`, most
    first (then the larger count, then the older theme), at most `limit`: only themes that
    grew. Read from the stored roll-ups; a previous quarter with no roll-up counts as 0 for the
    change (its `previous` is None). Three queries."""
    counts = _org_counts([quarter.previous, quarter])
    now = counts.get(str(quarter), {})
    before = counts.get(str(quarter.previous))
    growth = {
        theme_id: (count - (before or {}).get(theme_id, 0), count)
        for theme_id, count in now.items()
    }
    grown = sorted(
        ((change, count, theme_id) for theme_id, (change, count) in growth.items() if change > 0),
        key=lambda row: (-row[0], -row[1], row[2]),
    )
    # Read even when none grew (no theme is number 0): the dashboard's queries do not depend on
    # whether a theme grew this quarter (16 at scale, 17 on the demo, when they did).
    themes = FrictionTheme.objects.in_bulk([theme_id for _, _, theme_id in grown] or [0])
    found = []
    for change, count, theme_id in grown:
        theme = themes.get(theme_id)
        if theme is None:  # a figure of a theme a refit has since replaced
            continue
        found.append(
            ThemeGrowth(
                theme=theme,
                name=theme.display_name,
                count=count,
                previous=None if before is None else before.get(theme_id, 0),
                change=change,
            )
        )
        if len(found) == limit:
            break
    return found


def theme_fit_current() -> FrictionThemeFit | None:
    """The fit whose themes place reports now; None before the first."""
    return FrictionThemeFit.objects.select_related("requested_by").first()


def theme_list() -> QuerySet[FrictionTheme]:
    """Every theme of the current fit with how many reports it holds (`report_count`, counted
    by the task), in the order the fit found them. One query (the fit's id a subquery)."""
    current = FrictionThemeFit.objects.order_by("-fitted_at", "-pk").values("pk")[:1]
    return FrictionTheme.objects.filter(fit__in=current).order_by("pk")


def theme_quarter_counts(
    *, themes: list[FrictionTheme], quarter: Quarter
) -> tuple[list[Quarter], dict[int, list[int | None]]]:
    """The last THEME_QUARTERS quarters up to `quarter` (oldest first), and for each theme its
    stored count in each (None where that quarter has no roll-up). Two queries."""
    quarters = quarter.last(THEME_QUARTERS)
    counts = _org_counts(quarters)
    return quarters, {
        theme.pk: [counts[str(q)].get(theme.pk, 0) if str(q) in counts else None for q in quarters]
        for theme in themes
    }


def theme_placement_counts(*, fit: FrictionThemeFit | None) -> dict[str, int]:
    """How many reports the task placed in no theme (counted by it), and how many were filed
    since it last looked: one query, by the reports' primary key."""
    if fit is None:
        return {"unthemed": 0, "waiting": FrictionReport.objects.count()}
    return {
        "unthemed": fit.unthemed,
        "waiting": FrictionReport.objects.filter(pk__gt=fit.looked_up_to).count(),
    }


def theme_for(*, pk: int) -> FrictionTheme | None:
    """A theme of any fit still stored (a refit deletes the old ones)."""
    return FrictionTheme.objects.filter(pk=pk).first()


def theme_reports(*, theme: FrictionTheme) -> QuerySet[FrictionReport]:
    """The reports placed in `theme`, newest first, with what the page shows of them (title,
    status, area, date: never who filed them)."""
    return (
        FrictionReport.objects.filter(theme_placement__theme=theme)
        .only("pk", "title", "status", "area", "created_at")
        .order_by("-created_at", "-pk")
    )
