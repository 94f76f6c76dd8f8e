"""What home shows an executive about the reports they own: the few due soonest, and how many."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frictions.selectors.reports import HOME_OWNED_LIMIT
from frictions.tests.factories import file, triage

pytestmark = pytest.mark.django_db


def test_home_lists_the_owned_reports_due_soonest_and_counts_them_all(
    client, frontline, cx_lead, executive
):
    today = timezone.localdate()
    total = HOME_OWNED_LIMIT + 3
    for n in range(total):
        report, _ = file(frontline, title=f"Owned report {n:02d}")
        # Report 0 is due last, report 1 first, and so on: listed by due date, not by number.
        days = 40 - n if n else 60
        due = today + timedelta(days=days)
        triage(report, cx_lead, executive, acknowledge_by=due, decide_by=due + timedelta(days=20))
    client.force_login(executive)

    page = client.get(reverse("home")).content.decode()

    assert f"You own {total} open reports; the {HOME_OWNED_LIMIT} due soonest:" in page
    assert f"Owned report {total - 1:02d}" in page
    assert "Owned report 00" not in page
    assert page.count("Owned report") == HOME_OWNED_LIMIT


def test_home_says_how_many_it_lists_when_it_lists_them_all(client, frontline, cx_lead, executive):
    report, _ = file(frontline, title="The only one")
    triage(report, cx_lead, executive)
    client.force_login(executive)

    page = client.get(reverse("home")).content.decode()

    assert "You own 1 open report:" in page
    assert "The only one" in page


def test_home_counts_what_waits_for_triage_up_to_a_cap(client, monkeypatch, frontline, cx_lead):
    monkeypatch.setattr("frictions.selectors.reports.HOME_COUNT_CAP", 3)
    client.force_login(cx_lead)
    for n in range(3):
        file(frontline, title=f"Waiting {n}")
    assert "<strong>3</strong> reports without an owner" in client.get(reverse("home")).text

    file(frontline, title="One more")

    page = client.get(reverse("home"))
    assert page.context["frictions"]["untriaged"] == 4
    assert "<strong>more than 3</strong> reports without an owner" in page.text
