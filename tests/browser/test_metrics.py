"""Leadership reads the quarterly dashboard, on a laptop and on a phone: the charts are drawn by
Chart.js under the Content-Security-Policy (a blocked script or style would log a console
error, which the `audit` fixture fails on), and the numbers are in tables for screen readers."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory
from metrics.definitions import figure_metrics
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
    make_user(roles=[Role.EXECUTIVE], department=operations)
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
