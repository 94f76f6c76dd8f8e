"""Leadership prints the quarterly pack: on screen it has the site's navigation and its
download links; printed (print media, and a real PDF from Chromium) it has neither, and each
section is a page of its own."""

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory
from metrics.definitions import figure_metrics
from metrics.models import QuarterFigure, QuarterRollup
from metrics.quarters import Quarter

pytestmark = pytest.mark.django_db(transaction=True)

SECTIONS = 8


@pytest.fixture
def closed_quarter(make_user):
    """The quarter before this one, closed, with one department and executive."""
    operations = DepartmentFactory(name="Operations")
    person = make_user(roles=[Role.EXECUTIVE], department=operations, display_name="Ana Ortiz")
    quarter = Quarter.current().previous
    rollup = QuarterRollup.objects.create(
        quarter=str(quarter), computed_at="2026-01-01T02:00Z", closed=True
    )
    QuarterFigure.objects.bulk_create(
        QuarterFigure(
            rollup=rollup,
            metric=metric.key,
            scope=scope,
            scope_id=scope_id,
            value=0.5 if metric.unit == "share" else 3.0,
        )
        for metric in figure_metrics()
        for scope, scope_id in [
            ("org", None),
            ("department", operations.pk),
            ("executive", person.pk),
        ]
    )
    return quarter


def test_the_printed_pack_has_no_navigation_and_a_page_per_section(
    page, live_server, sign_in, audit, leadership, closed_quarter
):
    sign_in(leadership)
    page.goto(f"{live_server.url}/metrics/pack/?quarter={closed_quarter}")
    audit()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Quarterly pack: {closed_quarter}")
    main_nav = page.get_by_role("navigation", name="Main")
    download = page.get_by_role("link", name="Executives (CSV)")
    expect(main_nav).to_be_visible()
    expect(download).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Ana Ortiz"))).to_be_visible()

    page.emulate_media(media="print")
    expect(main_nav).to_be_hidden()
    expect(download).to_be_hidden()
    expect(page.locator("section.pack-page")).to_have_count(SECTIONS)
    breaks = page.locator("section.pack-page").evaluate_all(
        "sections => sections.map(s => getComputedStyle(s).breakAfter)"
    )
    assert breaks == ["page"] * (SECTIONS - 1) + ["auto"]

    # Each section starts a page; a long one (the outcomes with their definitions, a large
    # organisation's executives) may run onto the next, so at least one page each.
    pdf = page.pdf()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert SECTIONS <= pages <= 2 * SECTIONS, f"the printed pack has {pages} pages"
