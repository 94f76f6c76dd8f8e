"""The quarterly dashboard: leadership and the CX lead read the eight metrics of a quarter, the
change from the quarter before, and their trend over two years, for the organisation or one
department. It reads only the stored roll-ups (metrics/selectors.py)."""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from accounts.models import Department
from core.calendar import org_today
from core.generations import remembered
from core.http import page_number, request_for_shared
from core.permissions import permission_required
from immersion.selectors.programme import PROGRAMME

from ..formatting import AXIS_TITLES, change_text, figure_number, figure_text
from ..forms import DashboardFilterForm
from ..quarters import Quarter
from ..roles import VIEW_DASHBOARD
from ..selectors import (
    STORED,
    Funnel,
    MetricTrend,
    compliance_grid,
    decisions_changed_read,
    friction_funnel_read,
    quarter_dashboard,
)
from ..themes.selectors import themes_growing
from .common import FUTURE_MESSAGE, NOT_COMPUTED_MESSAGE, department_from_address
from .common import quarter_from_address as _quarter

# Who is told how the figures get computed: the CX lead, who runs the programme.
RUNS_THE_PROGRAMME = "immersion.manage_programme"

NOT_MEASURED_MESSAGE = (
    "{department} had no executive when the figures for {quarter} were computed, so there is "
    "nothing to show for it."
)
FAMILIES = [("participation", "Participation"), ("outcome", "Outcomes")]
# The cached fragments of dashboard.html, and how long one is kept at most (each is keyed by
# the day too: "so far" and the quarter's state move with it).
FRAGMENTS = ("cards", "stored")
FRAGMENT_SECONDS = 6 * 3600


def _address(quarter: Quarter, department: Department | None) -> str | None:
    """The dashboard of `quarter`; None past either end of the range the address accepts."""
    try:
        Quarter.parse(str(quarter))
    except ValueError:
        return None
    query = {"quarter": str(quarter)}
    if department is not None:
        query["department"] = department.pk
    return f"{reverse('metrics:dashboard')}?{urlencode(query)}"


def _card(trend: MetricTrend, quarters: list[Quarter]) -> dict:
    unit = trend.metric.unit
    return {
        "key": trend.metric.key,
        "label": trend.metric.label,
        "family": trend.metric.family,
        "value": figure_text(trend.value, unit),
        "change": change_text(trend.value, trend.previous, unit),
        "description": trend.description,
        "rows": [
            (str(q), figure_text(v, unit)) for q, v in zip(quarters, trend.values, strict=True)
        ],
    }


def _stored_count(board, key: str) -> int:
    """A count the quarter's cards show, as a number."""
    value = next(t.value for t in board.trends if t.metric.key == key)
    return int(value or 0)


def funnel_text(funnel: Funnel) -> dict:
    """The funnel as the page prints it: each stage's figure as text."""
    return {
        "stages": [
            (label, figure_text(value, "count"))
            for (_, label), value in zip(funnel.stages, funnel.values, strict=True)
        ],
        "teams": [
            (row.team, row.hidden, [figure_text(value, "count") for value in row.values])
            for row in funnel.teams
        ],
    }


def _fragments(context: dict, *, address: dict, page: str | None) -> dict:
    """The parts of the page drawn from the stored roll-ups only (the cards; the funnel,
    themes, compliance grid and trends), rendered once and kept in the shared cache under the
    stored figures' and the programme's generations, the address and the day: at 1,000
    executives and 330 teams they were 100 KB and ~35 ms of every view. They are rendered with
    a bare request that holds the canonical address alone (no user, no session), so nothing of
    the reader's own is kept, and the grid's page links carry only that address."""
    canonical = request_for_shared(address)

    def draw() -> dict:
        return {
            name: render_to_string(f"metrics/dashboard.html#{name}", context, request=canonical)
            for name in FRAGMENTS
        }

    reader = "runs" if context["runs_the_programme"] else "reads"
    key = f"dashboard:{canonical.GET.urlencode()}:{page}:{org_today()}:{reader}"
    found = remembered((STORED, PROGRAMME), key, draw, timeout=FRAGMENT_SECONDS)
    # Our own template's output, escaped as it was rendered.
    return {name: mark_safe(html) for name, html in found.items()}  # noqa: S308


@permission_required(VIEW_DASHBOARD)
def dashboard(request):
    quarter = _quarter(request.GET.get("quarter"))
    department, departments = department_from_address(request.GET.get("department"))
    board = quarter_dashboard(quarter=quarter, department_id=department and department.pk)
    cards = [_card(trend, board.quarters) for trend in board.trends]
    quarters = sorted({*board.stored, Quarter.current(), quarter}, reverse=True)
    names = {"quarter": quarter, "department": department}
    if quarter.is_future():
        notice = FUTURE_MESSAGE.format(**names)
    elif board.rollup is None:
        notice = NOT_COMPUTED_MESSAGE.format(**names)
    elif not board.measured:
        notice = NOT_MEASURED_MESSAGE.format(**names)
    else:
        notice = None
    department_id = department and department.pk
    sections = {}
    if board.rollup is not None and board.measured:
        page = page_number(request.GET.get("page"))
        sections = {
            "decisions": decisions_changed_read(quarter=quarter, department_id=department_id),
            "decisions_total": _stored_count(board, "decisions_changed_after_exposure"),
            # Read only when the fragments that show them are drawn (_fragments).
            "growing_themes": SimpleLazyObject(lambda: themes_growing(quarter=quarter)),
            "funnel": SimpleLazyObject(
                lambda: funnel_text(
                    friction_funnel_read(rollup=board.rollup, department_id=department_id)
                )
            ),
            "grid": SimpleLazyObject(
                lambda: compliance_grid(
                    rollup=board.rollup, quarter=quarter, department_id=department_id, page=page
                )
            ),
        }
    context = {
        **sections,
        "trend": {card["key"]: card for card in cards},
        "quarter": quarter,
        "department": department,
        "rollup": board.rollup,
        "notice": notice,
        "is_future": quarter.is_future(),
        "running": not quarter.has_ended(),
        "runs_the_programme": request.user.has_perm(RUNS_THE_PROGRAMME),
        "filters": DashboardFilterForm(
            quarters=quarters,
            departments=departments,
            initial={"quarter": str(quarter), "department": department and department.pk},
        ),
        "families": [
            (label, [card for card in cards if card["family"] == family])
            for family, label in FAMILIES
        ],
        "cards": cards,
        "trend_data": {
            # A quarter still running is the quarter so far: said on its point, so that a
            # chart falling at its end does not read as a collapse.
            "quarters": [f"{q} (so far)" if not q.has_ended() else str(q) for q in board.quarters],
            "series": {
                trend.metric.key: {
                    "label": trend.metric.label,
                    "axis": AXIS_TITLES.get(trend.metric.unit, ""),
                    "whole": trend.metric.unit == "count",
                    "ceiling": 100 if trend.metric.unit == "share" else None,
                    "values": [figure_number(v, trend.metric.unit) for v in trend.values],
                }
                for trend in board.trends
            },
        },
        "previous_url": _address(quarter.previous, department),
        "next_url": None if quarter.next.is_future() else _address(quarter.next, department),
    }
    if sections:
        address = {"quarter": str(quarter)}
        if department is not None:
            address["department"] = str(department.pk)
        context["fragments"] = _fragments(context, address=address, page=page)
    return render(request, "metrics/dashboard.html", context)
