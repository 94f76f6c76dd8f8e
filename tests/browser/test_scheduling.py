import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import FrontlineTeamFactory, UserFactory
from immersion.models import Escalation, Participant, Rotation
from immersion.tests.factories import SessionFactory, activity

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def programme(executive):
    FrontlineTeamFactory(
        name="Phone support", weekly_listener_capacity=10, time_zone="Europe/London"
    )
    others = [
        UserFactory(display_name=name, roles=[Role.EXECUTIVE], time_zone="Europe/London")
        for name in ("Maya Cohen", "Lucas Moreau")
    ]
    return [executive, *others]


def test_cx_lead_previews_adjusts_and_publishes_a_rotation(
    page, live_server, sign_in, audit, cx_lead, programme
):
    sign_in(cx_lead)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rotations").click()
    audit()
    page.get_by_role("link", name="Build a rotation").click()
    audit()
    page.get_by_label("Activity").select_option(label="Call listening")
    page.get_by_label("Next month").check()
    page.get_by_label("Every executive").check()
    page.get_by_label("Phone support").check()
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#rotation-preview")
    expect(preview).to_contain_text("6 to create, 0 to move, 0 to cancel")
    assert page.evaluate("window.stillTheSamePage") is True, "the preview must not reload the page"
    audit()

    page.get_by_label("Publish this change").first.uncheck()
    page.get_by_role("button", name="Publish ticked changes").click()
    expect(page.get_by_role("status").first).to_contain_text("Published: 5 created, 0 moved")
    audit()
    assert Rotation.objects.get().created_count == 5
    assert Participant.objects.count() == 5


def test_executive_offers_a_swap_and_a_colleague_takes_it(
    page, live_server, sign_in, audit, executive, programme, context
):
    colleague = programme[1]
    session = SessionFactory(people=[executive])
    sign_in(executive)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My schedule").click()
    audit()
    page.get_by_role("link", name=re.compile("Call listening")).first.click()
    audit()
    page.get_by_role("link", name="Offer a swap").click()
    audit()
    page.get_by_label("Ask").select_option(label=f"{colleague.display_name} — {colleague.title}")
    page.get_by_label("Message (optional)").fill("Board meeting")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status").first).to_contain_text("Swap request sent to Maya Cohen")
    audit()

    page.get_by_role("button", name=executive.display_name).click()
    page.get_by_role("button", name="Sign out").click()
    audit()
    sign_in(colleague)
    expect(page.get_by_text("1 colleague asked you to take a session.")).to_be_visible()
    page.get_by_role("link", name="Answer on your schedule").click()
    audit()
    page.get_by_role("button", name="Take it").click()
    expect(page.get_by_role("status").first).to_contain_text("You took the session")
    audit()
    assert [p.person for p in session.participants.filter(is_active=True)] == [colleague]


def test_leadership_reads_the_calendar_by_month_and_week(
    page, live_server, sign_in, audit, leadership, programme
):
    start = (timezone.now() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    SessionFactory(people=[programme[1]], starts_at=start, ends_at=start + timedelta(hours=1))
    sign_in(leadership)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    audit()
    expect(page.get_by_role("link", name=re.compile("Call listening: Maya Cohen"))).to_be_visible()
    page.get_by_role("link", name="Week").click()
    audit()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Week of")
    page.get_by_label("Executive").select_option(
        label=f"{programme[2].display_name} — {programme[2].title}"
    )
    page.get_by_role("button", name="Show").click()
    audit()
    expect(page.get_by_role("link", name=re.compile("Maya Cohen"))).to_have_count(0)


def test_frontline_agent_escalates_to_the_officer_of_the_day(
    page, live_server, sign_in, audit, frontline, executive
):
    now = timezone.now()
    SessionFactory(
        activity_type=activity("officer-of-the-day"),
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=7),
        people=[executive],
    )
    sign_in(frontline)
    expect(page.get_by_text(f"On shift now: {executive.display_name}")).to_be_visible()
    page.get_by_role("link", name="Escalate a customer issue").click()
    audit()
    page.get_by_label("Customer reference").fill("ACME-77")
    page.get_by_label("Channel").select_option(label="Phone")
    page.get_by_label("Urgency").select_option(label="High")
    page.get_by_role("button", name="Escalate").click()
    audit()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    expect(page.get_by_label("Customer reference")).to_have_value("ACME-77")
    page.get_by_label("What happened, and what the customer needs").fill("Billed twice")
    page.get_by_role("button", name="Escalate").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Escalated to {executive.display_name}"
    )
    audit()
    assert Escalation.objects.get().routed_to == executive


def test_cx_lead_sees_who_is_at_risk(page, live_server, sign_in, audit, cx_lead, programme):
    sign_in(cx_lead)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="At risk").click()
    audit()
    expect(page.get_by_role("cell", name=re.compile("Maya Cohen")).first).to_be_visible()
    page.get_by_role("link", name="schedule a session").click()
    audit()
    page.goto(f"{live_server.url}/immersion/setup/")
    audit()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    audit()
    expect(page.get_by_label("Programme calendar address")).to_have_value(
        re.compile(r"/immersion/feed/.+/programme\.ics$")
    )
