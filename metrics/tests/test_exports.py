"""The quarter's two CSV files (/metrics/export/metrics.csv and …/executives.csv): what they
hold, read from the stored roll-ups only; who may have them; what a wrong quarter gets; and
that no cell is run as a formula by a spreadsheet.

Today is 26 November 2026 (2026Q4) throughout. Most tests store roll-up rows by hand, as the
exports read nothing else; one computes a roll-up from real sessions and exports it.
"""

import csv
import io

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory
from metrics.definitions import compliance_targets, figure_metrics
from metrics.exports import BOM, csv_cell
from metrics.quarters import QUARTER_FORMAT_MESSAGE, QUARTER_RANGE_MESSAGE, Quarter
from metrics.services import quarter_rollup_compute
from metrics.tests.figures import (
    NOW,
    ORG,
    Q3_ORG,
    Q4_ORG,
    listened,
    listening,
    store,
    store_organisation_of,
)
from metrics.views.exports import FUTURE_MESSAGE, NOT_COMPUTED_MESSAGE

pytestmark = pytest.mark.django_db

METRICS_URL = "/metrics/export/metrics.csv"
EXECUTIVES_URL = "/metrics/export/executives.csv"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def read_csv(response) -> list[dict]:
    text = response.content.decode()
    assert text.startswith(BOM), "Excel reads UTF-8 only after a byte order mark"
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


@pytest.fixture
def quarter_stored(make_user):
    """2026Q3 (closed) and 2026Q4 (running): the organisation, Operations with two executives
    and Legal (measured in Q4 only), and one compliance target."""
    ops = DepartmentFactory(name="Operations")
    legal = DepartmentFactory(name="Legal")
    ana = make_user(
        roles=[Role.EXECUTIVE], department=ops, display_name="Ana Ortiz", email="ana@example.com"
    )
    bo = make_user(roles=[Role.EXECUTIVE], department=ops, display_name="Bo Berg")
    target = listening()
    store(
        "2026Q3",
        {
            ORG: {**Q3_ORG, target: 0.5},
            ("department", ops.pk): {"exposure_hours": 6.0, target: 0.5},
            ("executive", ana.pk): {"exposure_hours": 6.0, target: 1.0},
        },
        closed=True,
    )
    store(
        "2026Q4",
        {
            ORG: {**Q4_ORG, target: 1.0},
            ("department", ops.pk): {
                "exposure_hours": 7.25,
                "journey_completion": 0.5,
                target: 1.0,
            },
            ("department", legal.pk): {"exposure_hours": 0.0},
            ("executive", ana.pk): {"exposure_hours": 4.0, "journey_completion": 1.0, target: 1.5},
            ("executive", bo.pk): {"exposure_hours": 3.25, "journey_completion": 0.0, target: 0.6},
        },
    )
    return {"ops": ops, "legal": legal, "ana": ana, "bo": bo, "target": target}


def test_the_metrics_csv_has_each_metric_and_target_for_the_organisation_and_each_department(
    client, leadership, quarter_stored
):
    client.force_login(leadership)
    response = client.get(METRICS_URL, {"quarter": "2026Q4"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="proximity-2026Q4-metrics.csv"'
    rows = read_csv(response)
    targets = compliance_targets(Quarter(2026, 4))
    metrics = len(figure_metrics()) + len(targets)
    # The organisation, then the departments measured by name: Legal, Operations.
    assert len(rows) == 3 * metrics
    assert [r["Department"] for r in rows[::metrics]] == ["", "Legal", "Operations"]
    assert {r["Quarter"] for r in rows} == {"2026Q4"}
    assert list(rows[0]) == [
        "Quarter",
        "Scope",
        "Department",
        "Metric key",
        "Metric",
        "Unit",
        "Value",
        "Previous quarter (2026Q3)",
    ]
    by = {(r["Department"], r["Metric key"]): r for r in rows}
    hours = by[("", "exposure_hours")]
    assert hours["Scope"] == "Organisation"
    assert hours["Metric"] == "Hours in direct customer interaction"
    assert (hours["Unit"], hours["Value"], hours["Previous quarter (2026Q3)"]) == (
        "hours",
        "12.5",
        "10.0",
    )
    # Shares are the dashboard's whole percents; no figure is an empty cell.
    share = by[("", "journey_completion")]
    assert (share["Unit"], share["Value"], share["Previous quarter (2026Q3)"]) == (
        "percent",
        "63",
        "50",
    )
    assert by[("", "decisions_with_impact_assessment")]["Value"] == ""
    assert by[("", "resolution_days_p90")]["Value"] == "8.3"
    # A department measured lacking a count did none (0); lacking a share, no figure.
    ops = by[("Operations", "interactions_observed")]
    assert (ops["Scope"], ops["Value"], ops["Previous quarter (2026Q3)"]) == (
        "Department",
        "0",
        "0",
    )
    assert by[("Operations", "exposure_hours")]["Value"] == "7.3"
    assert by[("Operations", "resolution_days_median")]["Value"] == ""
    # Legal was not measured in 2026Q3: nothing to compare.
    assert by[("Legal", "exposure_hours")]["Previous quarter (2026Q3)"] == ""
    # The compliance target, worded as it was in force, met by all of Operations.
    target = by[("Operations", quarter_stored["target"])]
    assert target["Metric"] == "2 hours of Call listening a month, each executive"
    assert (target["Unit"], target["Value"], target["Previous quarter (2026Q3)"]) == (
        "percent",
        "100",
        "50",
    )


def test_the_executives_csv_has_a_row_per_executive_with_every_metric_and_target_as_columns(
    client, cx_lead, quarter_stored
):
    client.force_login(cx_lead)
    response = client.get(EXECUTIVES_URL, {"quarter": "2026Q4"})
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="proximity-2026Q4-executives.csv"'
    )
    rows = read_csv(response)
    assert [r["Name"] for r in rows] == ["Ana Ortiz", "Bo Berg"]
    ana = rows[0]
    assert list(ana)[:4] == ["Quarter", "Name", "E-mail", "Department"]
    assert len(ana) == 4 + len(figure_metrics()) + len(compliance_targets(Quarter(2026, 4)))
    assert (ana["Quarter"], ana["E-mail"], ana["Department"]) == (
        "2026Q4",
        "ana@example.com",
        "Operations",
    )
    assert ana["Hours in direct customer interaction (hours)"] == "4.0"
    assert ana["Executives who completed the quarter's journey exercise (percent)"] == "100"
    assert ana["Calls or interactions observed (count)"] == "0"
    assert ana["Days from friction report to resolution (median) (days)"] == ""
    target = "2 hours of Call listening a month, each executive (percent)"
    assert (ana[target], rows[1][target]) == ("150", "60")


def test_the_csv_files_of_a_roll_up_computed_from_sessions_hold_its_figures(
    client, leadership, make_user
):
    product = DepartmentFactory(name="Product")
    person = make_user(roles=[Role.EXECUTIVE], department=product, display_name="Cy Chen")
    listened(person)
    quarter_rollup_compute(quarter=Quarter(2026, 4))
    client.force_login(leadership)
    rows = read_csv(client.get(METRICS_URL))
    by = {(r["Department"], r["Metric key"]): r["Value"] for r in rows}
    assert by[("", "exposure_hours")] == by[("Product", "exposure_hours")] == "1.5"
    assert by[("", "interactions_observed")] == "6"
    assert by[("Product", listening())] == "0", "1.5 of 6 hours: Cy did not meet it"
    (cy,) = read_csv(client.get(EXECUTIVES_URL))
    assert cy["Name"] == "Cy Chen"
    assert cy["Calls or interactions observed (count)"] == "6"
    assert cy["2 hours of Call listening a month, each executive (percent)"] == "25"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("  =1+1", "'  =1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("Ana Ortiz", "Ana Ortiz"),
        ("", ""),
        (-1.5, -1.5),
        (None, None),
    ],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_made_text(value, cell):
    assert csv_cell(value) == cell


def test_names_that_look_like_formulas_reach_the_csv_files_as_text(client, leadership, make_user):
    sneaky = DepartmentFactory(name="=cmd|' /C calc'!A0")
    person = make_user(roles=[Role.EXECUTIVE], department=sneaky, display_name="@Mallory")
    measured = {"exposure_hours": 1.0}
    store(
        "2026Q4",
        {ORG: Q4_ORG, ("department", sneaky.pk): measured, ("executive", person.pk): measured},
    )
    client.force_login(leadership)
    departments = {r["Department"] for r in read_csv(client.get(METRICS_URL))}
    assert departments == {"", "'=cmd|' /C calc'!A0"}
    (row,) = read_csv(client.get(EXECUTIVES_URL))
    assert (row["Name"], row["Department"]) == ("'@Mallory", "'=cmd|' /C calc'!A0")


@pytest.mark.parametrize("url", [METRICS_URL, EXECUTIVES_URL])
@pytest.mark.parametrize("role", ["executive", "frontline"])
def test_an_export_asked_for_without_access_is_refused(client, user_for_role, role, url):
    store("2026Q4", {ORG: Q4_ORG})
    client.force_login(user_for_role(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [METRICS_URL, EXECUTIVES_URL])
def test_an_export_needs_signing_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url", [METRICS_URL, EXECUTIVES_URL])
@pytest.mark.parametrize(
    ("quarter", "reason"),
    [
        ("2026Q9", QUARTER_FORMAT_MESSAGE),
        ("abc", QUARTER_FORMAT_MESSAGE),
        ("2099Q1", QUARTER_RANGE_MESSAGE),
    ],
)
def test_an_export_of_a_quarter_the_address_cannot_name_is_not_found(
    client, leadership, url, quarter, reason
):
    client.force_login(leadership)
    response = client.get(url, {"quarter": quarter})
    assert response.status_code == 404
    assert response.context["exception"] == reason


@pytest.mark.parametrize("url", [METRICS_URL, EXECUTIVES_URL])
def test_an_export_of_a_future_or_uncomputed_quarter_says_why_there_is_no_file(
    client, leadership, url
):
    client.force_login(leadership)
    future = client.get(url, {"quarter": "2027Q1"})
    assert future.status_code == 404, "no file: a script downloading it sees the failure"
    assert "Content-Disposition" not in future
    message = FUTURE_MESSAGE.format(quarter="2027Q1")
    assert message == "2027Q1 has not started yet: there are no figures for it."
    assert message in future.content.decode()
    missing = client.get(url, {"quarter": "2026Q2"})
    assert missing.status_code == 404
    assert NOT_COMPUTED_MESSAGE.format(quarter="2026Q2") in missing.content.decode()


@pytest.mark.parametrize("url", [METRICS_URL, EXECUTIVES_URL])
def test_an_export_reads_the_same_queries_however_many_departments_and_executives(
    client, leadership, make_user, queries_at_two_sizes, url
):
    client.force_login(leadership)

    def build(size):
        store_organisation_of(size, make_user)
        return f"{url}?quarter=2026Q4"

    def rows(response):
        return len(read_csv(response))

    # Session, user, permissions (2); then the roll-ups, their figures, the targets (2), the
    # departments and the executives.
    queries_at_two_sizes(build, rows, ceiling=10, sizes=(2, 8))
