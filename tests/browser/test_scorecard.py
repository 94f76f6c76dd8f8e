"""An executive opens their own scorecard from home on a phone and prints it; the CX lead goes
from the fade flags on home to "Is it working?" and on to an executive's scorecard."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory
from metrics.models import QuarterFigure, QuarterRollup
from metrics.quarters import Quarter

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fading(make_user):
    """Three closed quarters in which Ana's hours with customers fell, and the current one."""
    operations = DepartmentFactory(name="Operations")
    ana = make_user(roles=[Role.EXECUTIVE], department=operations, display_name="Ana Alves")
    quarters = Quarter.current().last(4)
    for hours, quarter in zip((6.0, 4.0, 2.0, 1.0), quarters, strict=True):
        rollup = QuarterRollup.objects.create(
            quarter=str(quarter),
            computed_at="2026-01-01T02:00Z",
            closed=quarter != Quarter.current(),
        )
        QuarterFigure.objects.bulk_create(
            QuarterFigure(rollup=rollup, metric=metric, scope="executive", scope_id=ana.pk, value=v)
            for metric, v in (("exposure_hours", hours), ("journey_completion", 1.0))
        )
    return ana


def test_an_executive_reads_their_scorecard_on_a_phone_and_prints_it(
    page, live_server, sign_in, audit, fading
):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(fading)
    page.get_by_role("link", name="My scorecard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Ana Alves: {Quarter.current()}")
    audit()
    figures = page.get_by_role("table", name="Ana Alves's figures")
    expect(figures.get_by_role("row", name="Hours in direct customer interaction")).to_contain_text(
        "1.0 hours"
    )
    expect(figures).to_contain_text("\N{MINUS SIGN}1.0 hours")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    # On paper: the page's content, without the navigation or the filter bar.
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Show")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_the_cx_lead_follows_the_fade_flags_to_the_executive(
    page, live_server, sign_in, audit, cx_lead, fading
):
    sign_in(cx_lead)
    page.get_by_role("link", name="1 fade flag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Is it working?")
    audit()
    fade = page.get_by_role("region", name="Fading: for the CX lead")
    expect(fade).to_contain_text("6.0 → 4.0 → 2.0 hours with customers")
    fade.get_by_role("link", name="Ana Alves").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Ana Alves: {Quarter.current().previous}"
    )
    audit()
