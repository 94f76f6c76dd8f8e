"""The quarterly dashboard at /metrics/: who may read it, what it shows for a quarter and a
department, what it says when there is nothing to show, and that it reads only the roll-ups.

Today is 26 November 2026 (2026Q4) throughout. Most tests store roll-up rows by hand, since the
page reads nothing else; one computes a roll-up from real sessions and reads it back.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, FrontlineTeamFactory
from metrics.anonymity import (
    MIN_ANONYMOUS_REPORTS,
    team_figure_suppressed,
)
from metrics.definitions import (
    compliance_targets_applying,
    figure_metrics,
    funnel_key,
    theme_key,
)
from metrics.formatting import change_text, done_text, figure_number, figure_text, target_met
from metrics.models import QuarterRollup
from metrics.quarters import QUARTER_FORMAT_MESSAGE, QUARTER_RANGE_MESSAGE, Quarter
from metrics.services import quarter_rollup_compute
from metrics.tests.theme_factories import friction_theme_for_matrix
from metrics.views.dashboard import (
    FUTURE_MESSAGE,
    NOT_COMPUTED_MESSAGE,
    NOT_MEASURED_MESSAGE,
)

from .figures import NOW, ORG, Q3_ORG, Q4_ORG, decision_changed_after, listened, store

pytestmark = pytest.mark.django_db

Q4 = Quarter(2026, 4)
URL = "/metrics/"
HINT = "python manage.py rollup --quarter"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def shown(page) -> dict[str, tuple[str, str | None]]:
    """{metric: (figure, change)} as the page's cards show them."""
    return {card["key"]: (card["value"], card["change"]) for card in page.context["cards"]}


def trend(page) -> dict:
    html = page.content.decode()
    start = html.index('<script id="trend-data" type="application/json">')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


@pytest.mark.parametrize("role", ["leadership", "cx_lead"])
def test_the_dashboard_shows_the_current_quarters_figures_and_the_change_from_the_last(
    client, user_for_role, role
):
    store("2026Q3", {ORG: Q3_ORG}, closed=True)
    store("2026Q4", {ORG: Q4_ORG}, computed_at=datetime(2026, 11, 26, 2, 15, tzinfo=UTC))
    client.force_login(user_for_role(role))
    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["quarter"] == Quarter(2026, 4)
    assert shown(page) == {
        "exposure_hours": ("12.5 hours", "+2.5 hours"),
        "interactions_observed": ("15", "+3"),
        "journey_completion": ("63%", "+13 points"),
        "reviews_held": ("4", "no change"),
        "decisions_changed_after_exposure": ("3", "+2"),
        "policies_changed_from_feedback": ("1", "\N{MINUS SIGN}1"),
        "decisions_with_impact_assessment": ("no figure", None),
        "reports_past_due": ("0", "\N{MINUS SIGN}3"),
        "resolution_days_median": ("3.0 days", "\N{MINUS SIGN}1.3 days"),
        "resolution_days_p90": ("8.3 days", "\N{MINUS SIGN}0.7 days"),
    }
    assert len(page.context["cards"]) == len(figure_metrics())
    text = page.content.decode()
    assert "Figures computed 26 November 2026, 02:15." in text
    assert "its figures are computed again every night" in text
    assert "+2.5 hours on 2026Q3" in text
    assert "no figure for 2026Q3 to compare" in text
    assert "What is counted" in text


def test_a_closed_quarter_is_chosen_by_the_address_and_says_its_figures_are_final(
    client, leadership
):
    store("2026Q2", {ORG: {"exposure_hours": 4.0}}, closed=True)
    store("2026Q3", {ORG: Q3_ORG}, closed=True)
    client.force_login(leadership)
    page = client.get(URL, {"quarter": "2026q3"})
    assert page.context["quarter"] == Quarter(2026, 3)
    assert shown(page)["exposure_hours"] == ("10.0 hours", "+6.0 hours")
    assert "The quarter is closed: these are its final figures." in page.content.decode()
    # The filter bar offers the stored quarters and the current one, newest first.
    choices = [value for value, _ in page.context["filters"].fields["quarter"].choices]
    assert choices == ["2026Q4", "2026Q3", "2026Q2"]
    assert page.context["next_url"] == "/metrics/?quarter=2026Q4"
    assert page.context["previous_url"] == "/metrics/?quarter=2026Q2"


def test_the_trend_holds_eight_quarters_with_gaps_where_nothing_was_computed(client, leadership):
    store("2025Q2", {ORG: {"exposure_hours": 1.0, "journey_completion": 0.333}}, closed=True)
    store("2026Q3", {ORG: Q3_ORG}, closed=True)
    store("2026Q4", {ORG: Q4_ORG})
    client.force_login(leadership)
    data = trend(client.get(URL))
    assert data["quarters"][:-1] == [str(q) for q in Quarter(2026, 3).last(7)]
    assert data["quarters"][0] == "2025Q1"
    assert data["quarters"][-1] == "2026Q4 (so far)", "today is in 2026Q4"
    hours = data["series"]["exposure_hours"]
    assert hours["values"] == [None, 1.0, None, None, None, None, 10.0, 12.5]
    assert hours["label"] == "Hours in direct customer interaction"
    # Shares go to the chart as the percents the page shows.
    assert data["series"]["journey_completion"]["values"][1] == 33.0
    assert data["series"]["journey_completion"]["values"][-1] == 63.0


def test_every_chart_has_its_numbers_in_a_table_with_a_caption(client, leadership):
    store("2026Q3", {ORG: Q3_ORG}, closed=True)
    store("2026Q4", {ORG: Q4_ORG})
    client.force_login(leadership)
    text = client.get(URL).content.decode()
    assert text.count("<canvas") == len(figure_metrics())
    assert text.count('aria-hidden="true"></canvas>') == len(figure_metrics())
    assert text.count("<caption>") == len(figure_metrics())
    assert "<caption>Hours in direct customer interaction, 2025Q1 to 2026Q4</caption>" in text
    assert '<th scope="row">2026Q3</th><td>10.0 hours</td>' in text
    assert '<th scope="row">2026Q2</th><td>no figure</td>' in text
    # Chart.js and our script come from our own origin; no inline script (the CSP).
    assert "vendor/chartjs/chart.umd.min.js" in text
    assert "js/metrics-dashboard.js" in text


def test_the_department_filter_shows_that_departments_figures(client, leadership):
    ops = DepartmentFactory(name="Operations")
    store(
        "2026Q3",
        {ORG: Q3_ORG, ("department", ops.pk): {"exposure_hours": 2.0, "journey_completion": 0.0}},
        closed=True,
    )
    store(
        "2026Q4",
        {
            ORG: Q4_ORG,
            # Operations' executives observed nothing and changed nothing this quarter: the
            # roll-up holds no row for those, which reads as 0 (counts), or no figure (shares).
            ("department", ops.pk): {
                "exposure_hours": 3.5,
                "journey_completion": 1.0,
                "decisions_with_impact_assessment": 0.5,
            },
        },
    )
    client.force_login(leadership)
    page = client.get(URL, {"department": ops.pk, "quarter": ""})
    assert page.status_code == 200
    assert page.context["department"] == ops
    figures = shown(page)
    assert figures["exposure_hours"] == ("3.5 hours", "+1.5 hours")
    assert figures["journey_completion"] == ("100%", "+100 points")
    assert figures["interactions_observed"] == ("0", "no change")
    assert figures["decisions_with_impact_assessment"] == ("50%", None)
    assert figures["resolution_days_median"] == ("no figure", None)
    assert "Quarterly dashboard: 2026Q4, Operations" in page.content.decode()
    assert page.context["previous_url"] == f"/metrics/?quarter=2026Q3&department={ops.pk}"
    department_choices = dict(page.context["filters"].fields["department"].choices)
    assert department_choices[""] == "The whole organisation"
    assert department_choices[ops.pk] == "Operations"


def test_a_department_without_executives_shows_an_empty_state(client, leadership):
    empty = DepartmentFactory(name="Legal")
    store("2026Q4", {ORG: Q4_ORG})
    client.force_login(leadership)
    page = client.get(URL, {"department": empty.pk})
    assert page.status_code == 200
    assert page.context["notice"] == NOT_MEASURED_MESSAGE.format(department=empty, quarter="2026Q4")
    text = page.content.decode()
    assert "Legal had no executive when the figures for 2026Q4 were computed" in text
    assert "<canvas" not in text
    assert 'data-figure="' not in text


@pytest.mark.parametrize("role", ["executive", "frontline"])
def test_executives_and_frontline_agents_may_not_read_the_dashboard(client, user_for_role, role):
    store("2026Q4", {ORG: Q4_ORG})
    client.force_login(user_for_role(role))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ({"quarter": "2026Q9"}, QUARTER_FORMAT_MESSAGE),
        ({"quarter": "abc"}, QUARTER_FORMAT_MESSAGE),
        ({"quarter": "2099Q1"}, QUARTER_RANGE_MESSAGE),
        ({"department": "abc"}, None),
        ({"department": "999999"}, None),
    ],
)
def test_a_quarter_or_department_the_address_cannot_name_is_not_found(
    client, leadership, address, reason
):
    client.force_login(leadership)
    page = client.get(URL, address)
    assert page.status_code == 404
    if reason:
        assert page.context["exception"] == reason


def test_a_future_quarter_is_a_plain_message_and_the_cx_lead_is_told_when_it_is_computed(
    client, leadership, cx_lead
):
    client.force_login(leadership)
    page = client.get(URL, {"quarter": "2027Q1"})
    assert page.status_code == 200
    message = FUTURE_MESSAGE.format(quarter="2027Q1")
    assert message == "2027Q1 has not started yet: there are no figures for it."
    assert message in page.content.decode()
    assert "computed every night" not in page.content.decode()
    assert page.context["next_url"] is None, "no link further into the future"
    client.force_login(cx_lead)
    text = client.get(URL, {"quarter": "2027Q1"}).content.decode()
    assert message in text
    assert "Its figures are computed every night from its first day." in text


def test_a_quarter_not_computed_yet_says_so_and_the_cx_lead_gets_the_command(
    client, leadership, cx_lead
):
    message = NOT_COMPUTED_MESSAGE.format(quarter="2026Q4")
    client.force_login(leadership)
    page = client.get(URL)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert HINT not in page.content.decode()
    client.force_login(cx_lead)
    text = client.get(URL).content.decode()
    assert message in text
    assert "python manage.py rollup --quarter 2026Q4" in text


def test_a_roll_up_computed_from_sessions_is_what_the_dashboard_shows(
    client, leadership, make_user
):
    person = make_user(roles=[Role.EXECUTIVE], department=DepartmentFactory(name="Product"))
    listened(person)
    quarter_rollup_compute(quarter=Quarter(2026, 4))
    client.force_login(leadership)
    figures = shown(client.get(URL))
    assert figures["exposure_hours"] == ("1.5 hours", None)
    assert figures["interactions_observed"] == ("6", None)
    assert figures["journey_completion"] == ("0%", None)
    product = shown(client.get(URL, {"department": person.department_id}))
    assert product["exposure_hours"] == ("1.5 hours", None)


def test_the_dashboard_reads_the_same_queries_however_much_is_stored(
    client, leadership, make_user, queries_at_two_sizes
):
    """More departments, executives, teams, decisions and quarters stored: the same queries,
    more shown (trend points, departments, compliance rows, team rows, decisions)."""
    client.force_login(leadership)
    each_executive = [key for key, _, for_each in compliance_targets_applying(Q4) if for_each]
    assert each_executive, "the migrations' cadence targets give the grid its columns"

    def build(size):
        QuarterRollup.objects.all().delete()
        departments = [DepartmentFactory(name=f"Size {size} dept {n}") for n in range(size)]
        people = [make_user(roles=[Role.EXECUTIVE]) for _ in range(size)]
        teams = [FrontlineTeamFactory() for _ in range(size)]
        themes = [friction_theme_for_matrix(terms=(f"term{size}", f"n{n}")) for n in range(size)]
        for person in people:
            changed = decision_changed_after(person, NOW - timedelta(days=3))
            assert changed.changed_at >= Q4.starts_at
        for quarter in Quarter(2026, 4).last(size):
            figures = {ORG: Q4_ORG}
            for department in departments:
                figures[("department", department.pk)] = Q4_ORG
            for person in people:
                figures[("executive", person.pk)] = Q4_ORG | dict.fromkeys(each_executive, 0.5)
            for team in teams:
                figures[("team", team.pk)] = {funnel_key("filed"): 6.0}
            # Every theme grows by one report a quarter.
            grown = {theme_key(t.pk): float(quarter.year * 4 + quarter.number) for t in themes}
            figures[ORG] = figures[ORG] | grown
            store(str(quarter), figures)
        return reverse("metrics:dashboard")

    def what_is_shown(page):
        data = trend(page)
        charted = sum(v is not None for s in data["series"].values() for v in s["values"])
        return (
            charted,
            len(page.context["filters"].fields["department"].choices),
            len(page.context["grid"].page.object_list),
            len(page.context["funnel"]["teams"]),
            len(page.context["decisions"]),
            len(page.context["growing_themes"]),
        )

    queries_at_two_sizes(build, what_is_shown, ceiling=19, sizes=(2, 8))


@pytest.mark.parametrize(
    ("role", "listed"),
    [("leadership", True), ("cx_lead", True), ("executive", False), ("frontline", False)],
)
def test_the_dashboard_is_in_the_navigation_of_those_who_may_read_it(
    client, user_for_role, role, listed
):
    client.force_login(user_for_role(role))
    labels = [item["label"] for item in client.get("/").context["nav_items"]]
    assert ("Dashboard" in labels) is listed


def test_the_dashboard_is_marked_current_in_the_navigation(client, leadership):
    client.force_login(leadership)
    items = client.get(URL, {"quarter": "2026Q3"}).context["nav_items"]
    assert [item["label"] for item in items if item["current"]] == ["Dashboard"]


# How figures read


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (12.46, "hours", "12.5 hours"),
        (0.0, "hours", "0.0 hours"),
        (1234.0, "count", "1,234"),
        (0.625, "share", "63%"),
        (0.004, "share", "0%"),
        (1.0, "share", "100%"),
        (4.25, "days", "4.3 days"),
        (None, "share", "no figure"),
        (2.5, "ratio", "2.50"),
    ],
)
def test_a_figure_reads_by_its_unit(value, unit, text):
    assert figure_text(value, unit) == text


def test_the_change_is_the_difference_of_the_figures_as_shown():
    # 0.504 and 0.626 show as 50% and 63%: the change says +13 points, not +12.2.
    assert change_text(0.626, 0.504, "share") == "+13 points"
    assert change_text(3.0, 4.25, "days") == "\N{MINUS SIGN}1.3 days"
    assert change_text(5.04, 5.0, "hours") == "no change"
    assert change_text(None, 5.0, "hours") is None
    assert change_text(5.0, None, "hours") is None
    assert figure_number(0.3333, "share") == 33.0


# The anonymity rule for team-level figures


@pytest.mark.parametrize(
    ("anonymous_reports", "suppressed"), [(0, True), (1, True), (4, True), (5, False), (40, False)]
)
def test_a_team_figure_describing_fewer_than_five_anonymous_reports_is_suppressed(
    anonymous_reports, suppressed
):
    assert MIN_ANONYMOUS_REPORTS == 5
    assert team_figure_suppressed(anonymous_reports=anonymous_reports) is suppressed


def test_the_dashboard_links_to_the_quarters_pack_and_exports(client, leadership):
    store("2026Q3", {ORG: Q3_ORG}, closed=True)
    client.force_login(leadership)

    html = client.get(URL, {"quarter": "2026Q3"}).content.decode()

    assert 'href="/metrics/pack/?quarter=2026Q3"' in html
    assert 'href="/metrics/export/metrics.csv?quarter=2026Q3"' in html
    assert 'href="/metrics/export/executives.csv?quarter=2026Q3"' in html
    # Nothing computed, nothing to take away.
    assert "/metrics/pack/" not in client.get(URL, {"quarter": "2026Q1"}).content.decode()


@pytest.mark.parametrize(
    ("share", "text", "met"),
    [(None, "no figure", False), (0.0, "0%", False), (359 / 360, "99%", False), (1.0, "100%", True),
     (1.0625, "106%", True), (0.5, "50%", False)],
)  # fmt: skip
def test_a_target_reads_100_percent_only_when_it_is_met(share, text, met):
    assert done_text(share) == text
    assert target_met(share) is met


def test_a_refused_or_missing_page_says_so_in_the_sites_own_page(client, user_for_role):
    client.force_login(user_for_role("frontline"))
    refused = client.get(URL)
    assert refused.status_code == 403
    assert "This page is not for your role" in refused.content.decode()
    assert 'aria-label="Main"' in refused.content.decode(), "with the navigation, to go on"
    missing = client.get("/metrics/themes/999999/")
    assert missing.status_code in (403, 404)
    client.force_login(user_for_role("leadership"))
    missing = client.get(URL, {"quarter": "2026Q9"})
    assert missing.status_code == 404
    assert "There is nothing here" in missing.content.decode()
    assert "2026Q9" not in missing.content.decode(), "no detail of what was asked"
