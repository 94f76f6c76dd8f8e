"""Leadership reads the quarterly dashboard, on a laptop and on a phone: the charts are drawn by
Chart.js under the Content-Security-Policy (a blocked script or style would log a console
error, which the `audit` fixture fails on), and the numbers are in tables for screen readers."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, FrontlineTeamFactory
from metrics.definitions import (
    FUNNEL_STAGES,
    compliance_targets_applying,
    figure_metrics,
    funnel_key,
)
from metrics.models import QuarterFigure, QuarterRollup
from metrics.quarters import Quarter

pytestmark = pytest.mark.django_db(transaction=True)

CHARTS_DRAWN = """() => [...document.querySelectorAll("canvas[data-trend]")].map((canvas) => {
    const chart = window.Chart && window.Chart.getChart(canvas);
    return {
        key: canvas.dataset.trend,
        points: chart ? chart.data.datasets[0].data.filter((v) => v !== null).length : -1,
        width: canvas.width,
    };
})"""


@pytest.fixture
def history(make_user):
    """Four quarters of figures ending with the current one, rising; a department with none."""
    operations = DepartmentFactory(name="Operations")
    DepartmentFactory(name="Legal")
    executive = make_user(
        roles=[Role.EXECUTIVE], department=operations, display_name="Olga Operations"
    )
    shown, hidden = FrontlineTeamFactory(name="Phone support"), FrontlineTeamFactory(name="Chat")
    for step, quarter in enumerate(Quarter.current().last(4), start=1):
        rollup = QuarterRollup.objects.create(
            quarter=str(quarter),
            computed_at="2026-01-01T02:00Z",
            closed=quarter != Quarter.current(),
        )
        QuarterFigure.objects.bulk_create(
            QuarterFigure(
                rollup=rollup,
                metric=key,
                scope=scope,
                scope_id=scope_id,
                value=step / 4 if metric.unit == "share" else step * 2.5,
            )
            for key, metric in ((m.key, m) for m in figure_metrics())
            for scope, scope_id in [("org", None), ("department", operations.pk)]
        )
        # The compliance grid and the funnel's teams, one shown and one hidden by the rule.
        targets = [key for key, _, each in compliance_targets_applying(quarter) if each]
        QuarterFigure.objects.bulk_create(
            [
                QuarterFigure(
                    rollup=rollup, metric=key, scope="executive", scope_id=executive.pk, value=1.0
                )
                for key in targets
            ]
            + [
                QuarterFigure(
                    rollup=rollup, metric=funnel_key(stage), scope="team", scope_id=team, value=v
                )
                for stage, _ in FUNNEL_STAGES
                for team, v in [(shown.pk, 7.0), (hidden.pk, None)]
            ]
        )
    return operations


def test_leadership_reads_the_dashboard_with_its_charts_drawn(
    page, live_server, sign_in, audit, leadership, history
):
    sign_in(leadership)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(Quarter.current()))
    audit()
    hours = page.get_by_role("article", name="Hours in direct customer interaction")
    expect(hours).to_contain_text("10.0 hours")
    expect(hours).to_contain_text(f"+2.5 hours on {Quarter.current().previous}")
    expect(page.get_by_role("article", name="Executives who completed")).to_contain_text("100%")
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-trend]')]"
        ".every((c) => window.Chart && window.Chart.getChart(c))"
    )
    charts = page.evaluate(CHARTS_DRAWN)
    assert [chart["key"] for chart in charts] == [m.key for m in figure_metrics()]
    assert all(chart["points"] == 4 and chart["width"] > 0 for chart in charts), charts
    # The same numbers, in a table a screen reader finds by its caption.
    table = page.get_by_role("table", name="Hours in direct customer interaction")
    expect(table.get_by_role("row")).to_have_count(9)
    expect(table).to_contain_text("7.5 hours")
    # The sections below the cards: the funnel by team, one hidden; the compliance grid.
    funnel = page.get_by_role("table", name="By the frontline team that filed them")
    expect(funnel.get_by_role("row", name="Phone support")).to_contain_text("7")
    expect(funnel.get_by_role("row", name="Chat")).to_contain_text("Hidden")
    grid = page.get_by_role("table", name="How much of each target each executive did")
    expect(grid.get_by_role("row", name="Olga Operations")).to_contain_text("met")
    # One department, then one with no executive.
    page.get_by_label("Department").select_option(label="Operations")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Operations")
    audit()
    assert len(page.evaluate(CHARTS_DRAWN)) == len(figure_metrics())
    page.get_by_label("Department").select_option(label="Legal")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("status")).to_contain_text("Legal had no executive")
    audit()


def test_the_dashboard_fits_a_phone(page, live_server, sign_in, audit, cx_lead, history):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(cx_lead)
    page.goto(f"{live_server.url}/metrics/")
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-trend]')]"
        ".every((c) => window.Chart && window.Chart.getChart(c))"
    )
    audit()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    widths = [chart["width"] for chart in page.evaluate(CHARTS_DRAWN)]
    assert all(0 < width <= 390 * 3 for width in widths), widths  # device pixels, at most 3x
