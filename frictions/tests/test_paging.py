"""The board and the decision log page by keys from the nearer end: every page lists what the
order says, a page past the end is the last, and the board counts no further than its limit."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frictions.models import Decision, FrictionReport
from frictions.selectors import friction_board
from frictions.services import friction_report_transition
from frictions.services.decisions import decision_link_evidence, decision_save
from frictions.tests.factories import file
from immersion.tests.factories import past_place

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [str(row) for row in response.context["page"]]


def five_reports(frontline):
    for n in range(5):
        report, _ = file(frontline, title=f"Report {n}")
        FrictionReport.objects.filter(pk=report.pk).update(
            created_at=timezone.now() - timedelta(days=n)
        )


@pytest.mark.parametrize("sort", ["supported", "newest", "overdue"])
def test_every_page_of_the_board_lists_the_reports_in_the_board_order(
    client, frontline, leadership, settings, sort
):
    settings.PAGE_SIZE = 2
    five_reports(frontline)
    client.force_login(leadership)
    board = reverse("frictions:board")
    seen = [t for n in (1, 2, 3) for t in titles(client.get(board, {"sort": sort, "page": n}))]
    assert seen == [r.title for r in friction_board(filters={"sort": sort})]
    assert len(set(seen)) == 5


# Not named `page`: that is pytest-playwright's fixture, and a parameter of that name tied these
# tests to its browser and pulled every browser test (which flush the database) in among them.
@pytest.mark.parametrize("number", ["99", "999999999999999999999", "-1"])
def test_a_board_page_past_the_end_is_the_last(client, frontline, leadership, settings, number):
    settings.PAGE_SIZE = 2
    five_reports(frontline)
    client.force_login(leadership)
    response = client.get(reverse("frictions:board"), {"sort": "newest", "page": number})
    assert response.status_code == 200
    assert response.context["page"].number == 3
    assert titles(response) == ["Report 4"]


def test_a_board_page_that_is_not_a_number_is_not_found(client, frontline, leadership, settings):
    settings.PAGE_SIZE = 2
    five_reports(frontline)
    client.force_login(leadership)
    for word in ("abc", "2.5", "x" * 10_000):
        response = client.get(reverse("frictions:board"), {"sort": "newest", "page": word})
        assert response.status_code == 404
    first = client.get(reverse("frictions:board"), {"sort": "newest", "page": ""})
    assert titles(first) == ["Report 0", "Report 1"]


def test_the_board_counts_no_further_than_its_limit_and_says_so(
    client, frontline, leadership, settings, monkeypatch
):
    monkeypatch.setattr("frictions.views.reports.BOARD_ROWS_MAX", 3)
    settings.PAGE_SIZE = 2
    five_reports(frontline)
    client.force_login(leadership)
    board = reverse("frictions:board")
    response = client.get(board, {"sort": "newest", "page": "99"})
    assert response.context["page"].paginator.num_pages == 2
    assert titles(response) == ["Report 2"], "the last page within the limit"
    assert "More than 3 reports match" in response.content.decode()
    narrowed = client.get(board, {"sort": "newest", "area": "pricing"})
    assert "More than" not in narrowed.content.decode()


def test_the_overdue_sort_puts_open_reports_first_the_longest_overdue_at_the_top(
    frontline, cx_lead
):
    today = timezone.localdate()
    due = {"Closed long ago": -30, "Overdue a week": -7, "Overdue a day": -1, "Due soon": 3}
    for title, days in due.items():
        report, _ = file(frontline, title=title)
        FrictionReport.objects.filter(pk=report.pk).update(
            acknowledge_by=today + timedelta(days=days), decide_by=today + timedelta(days=days)
        )
    closed = FrictionReport.objects.get(title="Closed long ago")
    friction_report_transition(
        report=closed, by=cx_lead, status="declined", response="No.", decline_reason="No."
    )
    board = [r.title for r in friction_board(filters={"sort": "overdue"})]
    assert board == ["Overdue a week", "Overdue a day", "Due soon", "Closed long ago"]


def test_the_decision_log_past_its_end_is_its_last_page_with_its_evidence_counted(
    client, executive, leadership, frontline, settings
):
    settings.PAGE_SIZE = 2
    decisions = [
        decision_save(
            by=executive,
            owner=executive,
            title=f"Decision {n}",
            area="policy",
            context="Agents cannot refund above 50 euros.",
            decision="Agents may refund up to 200 euros.",
        )
        for n in range(3)
    ]
    oldest = decisions[0]
    report, _ = file(frontline)
    decision_link_evidence(decision=oldest, by=executive, kind="friction_report", target=report)
    for session in (past_place(executive, hours_ago=h).session for h in (30, 60)):
        decision_link_evidence(decision=oldest, by=executive, kind="session", target=session)
    Decision.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(days=1))
    client.force_login(leadership)
    response = client.get(reverse("frictions:decisions"), {"page": "7"})
    assert response.context["page"].number == 2
    [last] = response.context["page"]
    assert (last.title, last.evidence_count) == ("Decision 0", 3)
