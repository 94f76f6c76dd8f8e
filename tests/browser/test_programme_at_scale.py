"""The CX lead's programme pages in a large organisation, as a person uses them: a busy day of
the calendar opens in full from "N more"; the rotation builder finds executives by a search."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import FrontlineTeamFactory, UserFactory
from immersion.forms import programme as forms
from immersion.models import Participant
from immersion.tests.factories import SessionFactory
from immersion.views.calendar import PER_DAY

pytestmark = pytest.mark.django_db(transaction=True)


def test_cx_lead_opens_a_busy_day_from_the_calendar(page, live_server, sign_in, audit, cx_lead):
    day = timezone.localdate() + timedelta(days=1)
    starts_at = datetime.combine(day, time(9), timezone.get_current_timezone())
    people = [
        UserFactory(display_name=f"Busy Exec {n:02d}", roles=[Role.EXECUTIVE])
        for n in range(PER_DAY["week"] + 3)
    ]
    for person in people:
        SessionFactory(people=[person], starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))
    sign_in(cx_lead)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    audit()
    page.get_by_role("link", name="Week").click()
    audit()
    expect(page.get_by_role("link", name=re.compile("Busy Exec"))).to_have_count(PER_DAY["week"])
    page.get_by_role("link", name=re.compile("^3 more on")).click()
    audit()
    expect(page.get_by_role("heading", level=1)).to_contain_text(day.strftime("%B"))
    expect(page.get_by_role("link", name=re.compile("Busy Exec"))).to_have_count(len(people))


def test_cx_lead_finds_executives_by_search_to_build_a_rotation(
    page, live_server, sign_in, audit, cx_lead, monkeypatch
):
    monkeypatch.setattr(forms, "CHOOSE_FROM_LIST_UP_TO", 2)
    FrontlineTeamFactory(name="Phone support", weekly_listener_capacity=10)
    for name in ("Maya Cohen", "Lucas Moreau", "Maya Lindqvist"):
        UserFactory(display_name=name, roles=[Role.EXECUTIVE], time_zone="Europe/London")
    sign_in(cx_lead)
    page.goto(f"{live_server.url}/immersion/rotations/new/")
    audit()
    page.get_by_label("Activity").select_option(label="Call listening")
    page.get_by_label("Next month").check()
    page.get_by_label("The executives I choose").check()
    page.get_by_label("Phone support").check()
    search = page.get_by_label("Find executives to add")
    search.fill("maya")
    choice = page.locator("#executive-choice")
    expect(choice.get_by_role("checkbox")).to_have_count(2)
    choice.get_by_label(re.compile("Maya Cohen")).check()
    search.fill("lucas")
    expect(choice.get_by_label(re.compile("Lucas Moreau"))).to_be_visible()
    expect(choice.get_by_label(re.compile("Maya Cohen"))).to_be_checked()
    expect(choice.get_by_label(re.compile("Maya Lindqvist"))).to_have_count(0)
    choice.get_by_label(re.compile("Lucas Moreau")).check()
    audit()
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#rotation-preview")).to_contain_text("to create, 0 to move")
    page.get_by_role("button", name="Publish ticked changes").click()
    expect(page.get_by_role("status").first).to_contain_text("Published:")
    audit()
    assert {p.person.display_name for p in Participant.objects.all()} == {
        "Maya Cohen",
        "Lucas Moreau",
    }
