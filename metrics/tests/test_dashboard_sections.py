"""The dashboard's sections below the cards, computed from real records by the roll-up and read
back as leadership reads them: the decisions changed after exposure (each a link to its
evidence), the friction funnel with its teams (hidden below 5 anonymous reports), and the
compliance grid of executives × targets. Today is 26 November 2026 (2026Q4); the sections
show 2026Q3."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, FrontlineTeamFactory
from frictions.models import FrictionReport
from frictions.tests.factories import file
from immersion.models import CadenceTarget, Participant
from immersion.services.targets import cadence_target_save
from immersion.tests.factories import SessionFactory, activity
from metrics.quarters import Quarter
from metrics.selectors import DECISIONS_SHOWN
from metrics.services import quarter_rollup_compute

from .figures import decision_changed_after

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
Q3 = Quarter(2026, 3)
URL = "/metrics/?quarter=2026Q3"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def at(month, day):
    return datetime(2026, month, day, 10, tzinfo=UTC)


@pytest.fixture
def org(make_user):
    ops, product = DepartmentFactory(name="Operations"), DepartmentFactory(name="Product")
    return {
        "ana": make_user(roles=[Role.EXECUTIVE], department=ops, display_name="Ana Ops"),
        "cy": make_user(roles=[Role.EXECUTIVE], department=product, display_name="Cy Product"),
        "fay": make_user(roles=[Role.FRONTLINE]),
        "ops": ops,
        "product": product,
    }


def test_the_decisions_changed_after_exposure_link_to_their_evidence(client, leadership, org):
    refunds = decision_changed_after(org["ana"], at(8, 3), title="Refund limit raised")
    billing = decision_changed_after(org["cy"], at(9, 1), title="Billing run moved")
    # Not listed: changed in Q3 with no exposure; changed after exposure in Q2.
    decision_changed_after(org["ana"], at(5, 1), title="Older change")
    bare = decision_changed_after(org["ana"], at(8, 10), title="No evidence")
    bare.sessions.clear()
    quarter_rollup_compute(quarter=Q3)
    client.force_login(leadership)

    page = client.get(URL)

    assert [d.title for d in page.context["decisions"]] == [billing.title, refunds.title]
    html = page.content.decode()
    assert f'href="/frictions/decisions/{refunds.pk}/"' in html
    assert "2 in 2026Q3" in html
    by_ops = client.get(URL + f"&department={org['ops'].pk}")
    assert [d.title for d in by_ops.context["decisions"]] == [refunds.title]


def test_the_dashboard_names_at_most_a_few_decisions_and_says_how_many_there_are(
    client, leadership, org
):
    for n in range(DECISIONS_SHOWN + 2):
        decision_changed_after(org["ana"], at(8, 1 + n), title=f"Change {n}")
    quarter_rollup_compute(quarter=Q3)
    client.force_login(leadership)

    page = client.get(URL)

    assert len(page.context["decisions"]) == DECISIONS_SHOWN
    assert f"{DECISIONS_SHOWN + 2} in 2026Q3, the latest {DECISIONS_SHOWN} shown" in (
        page.content.decode()
    )


def filed(org, *, created, anonymous=False, team=None, **fields):
    made, _ = file(None if anonymous else org["fay"], anonymous=anonymous)
    FrictionReport.objects.filter(pk=made.pk).update(created_at=created, team=team, **fields)


def test_the_funnel_shows_what_became_of_the_quarters_reports_and_hides_small_teams(
    client, leadership, org
):
    billing, care = FrontlineTeamFactory(name="Billing"), FrontlineTeamFactory(name="Care")
    field = FrontlineTeamFactory(name="Field")
    # Field: 6 anonymous, shown. Billing (5) and Care (3) are hidden together: Care alone
    # would be the organisation's figure minus the shown teams'.
    for n in range(6):
        filed(org, created=at(9, 1 + n), anonymous=True, team=field)
    # Five anonymous reports to Ana, not acknowledged by their date in July: overdue.
    for n in range(5):
        filed(
            org,
            created=at(7, 1 + n),
            anonymous=True,
            team=billing,
            owner=org["ana"],
            acknowledge_by=date(2026, 7, 10),
        )
    filed(
        org,
        created=at(8, 1),
        team=billing,
        owner=org["cy"],
        status="resolved",
        resolution="no_change",
        closed_at=at(8, 5),
    )
    for n in range(3):
        filed(org, created=at(8, 10 + n), anonymous=True, team=care)
    quarter_rollup_compute(quarter=Q3)
    client.force_login(leadership)

    page = client.get(URL)

    funnel = page.context["funnel"]
    assert dict(funnel["stages"])["Filed"] == "15"
    assert dict(funnel["stages"])["Resolved"] == "1"
    teams = {team.name: (hidden, values) for team, hidden, values in funnel["teams"]}
    assert teams["Field"] == (False, ["6", "0", "0", "0", "0"])
    assert teams["Billing"][0] is True
    assert teams["Care"][0] is True
    html = page.content.decode()
    assert "Hidden (anonymity)" in html
    # A department's funnel is by owner and has no team rows.
    product = client.get(URL + f"&department={org['product'].pk}").context["funnel"]
    assert dict(product["stages"])["Filed"] == "1"
    assert product["teams"] == []


def test_the_compliance_grid_shows_each_executive_against_each_target(client, leadership, org):
    ana, cy = org["ana"], org["cy"]
    calls = cadence_target_save(
        target=CadenceTarget(
            activity_type=activity("customer-calls"), amount=2, unit="sessions", period="quarter"
        ),
        on=Quarter(2026, 1).first_day,
    )
    for day in (1, 8):
        session = SessionFactory(
            people=[ana], activity_type=activity("customer-calls"), starts_at=at(7, day)
        )
        session.participants.update(attendance=Participant.Attendance.ATTENDED)
    quarter_rollup_compute(quarter=Q3)
    client.force_login(leadership)

    page = client.get(URL)

    grid = page.context["grid"]
    column = [label for _, label in grid.targets].index(str(calls))
    rows = {row.executive.display_name: row.shares[column] for row in grid.page.object_list}
    assert rows == {"Ana Ops": 1.0, "Cy Product": 0.0}
    assert grid.met[column] == 0.5
    html = page.content.decode()
    assert "met</span>" in html
    assert "short</span>" in html
    only_product = client.get(URL + f"&department={org['product'].pk}").context["grid"]
    assert [row.executive for row in only_product.page.object_list] == [cy]
    assert only_product.met[column] == 0.0
    assert only_product.team == []


def test_the_compliance_grid_pages_its_executives(client, leadership, make_user):
    for n in range(30):
        make_user(roles=[Role.EXECUTIVE], display_name=f"Exec {n:02}")
    quarter_rollup_compute(quarter=Q3)
    client.force_login(leadership)

    first = client.get(URL).context["grid"].page
    second = client.get(URL + "&page=2").context["grid"].page

    assert len(first.object_list) == 25
    assert len(second.object_list) == 5
    assert first.object_list[0].executive.display_name == "Exec 00"
    assert "#compliance" in client.get(URL).content.decode()
    assert client.get(URL + "&page=99").context["grid"].page.number == 2
    assert client.get(URL + "&page=two").status_code == 404


def test_a_department_with_no_executives_shows_an_empty_state(client, leadership, org):
    empty = DepartmentFactory(name="Legal")
    quarter_rollup_compute(quarter=Q3)
    client.force_login(leadership)

    page = client.get(URL + f"&department={empty.pk}")

    assert page.status_code == 200
    assert "Legal had no executive" in page.content.decode()
    assert "grid" not in page.context


def test_the_sections_follow_the_quarter_chosen(client, leadership, org):
    decision_changed_after(org["ana"], at(11, 2), title="This quarter's change")
    quarter_rollup_compute(quarter=Q3)
    quarter_rollup_compute(quarter=Quarter(2026, 4))
    client.force_login(leadership)

    assert client.get(URL).context["decisions"] == []
    current = client.get("/metrics/").context["decisions"]
    assert [d.title for d in current] == ["This quarter's change"]
    assert timedelta(0) < NOW - current[0].changed_at


def test_a_former_executive_stays_in_the_grid_without_a_link_to_a_scorecard(
    client, leadership, org
):
    quarter_rollup_compute(quarter=Q3)
    org["cy"].groups.clear()  # Cy has left the executive team since
    client.force_login(leadership)

    page = client.get(URL)

    rows = {row.executive.display_name: row.current for row in page.context["grid"].page}
    assert rows == {"Ana Ops": True, "Cy Product": False}
    html = page.content.decode()
    assert f'href="/metrics/executives/{org["ana"].pk}/?quarter=2026Q3"' in html
    assert f"/metrics/executives/{org['cy'].pk}/" not in html
    assert "Cy Product <span" in html


def test_the_stored_sections_are_drawn_once_and_again_when_what_they_show_changes(
    client, leadership, cx_lead, org, django_assert_max_num_queries
):
    """The cards, funnel, themes, grid and trends come from the stored roll-ups: kept in the
    shared cache after the first view, drawn again when the roll-up is computed again or a name
    they print changes; the decisions between them stay live."""
    quarter_rollup_compute(quarter=Q3)
    client.force_login(leadership)
    first = client.get(URL)
    with django_assert_max_num_queries(100) as cold:
        client.get(URL + "&page=1")
    with django_assert_max_num_queries(100) as warm:
        again = client.get(URL + "&page=1")
    assert len(warm) < len(cold)
    assert again.context["fragments"] == client.get(URL + "&page=1").context["fragments"]
    assert "Ana Ops" in first.content.decode()

    # A name the grid prints: the programme's generation.
    org["ana"].display_name = "Ana Renamed"
    org["ana"].save()
    assert "Ana Renamed" in client.get(URL).content.decode()

    # New records count once the roll-up is computed again (each night), not before.
    decision_changed_after(org["cy"], at(9, 2), title="Refunds in one call")
    shown = client.get(URL).content.decode()
    assert "Refunds in one call" in shown, "the decisions are read live"
    assert 'data-figure="decisions_changed_after_exposure">1<' not in shown
    quarter_rollup_compute(quarter=Q3)
    shown = client.get(URL).content.decode()
    assert 'data-figure="decisions_changed_after_exposure">1<' in shown

    # Another reader is given the same figures, and their own page around them.
    client.force_login(cx_lead)
    theirs = client.get(URL).content.decode()
    assert 'data-figure="decisions_changed_after_exposure">1<' in theirs
    assert "Casey Lead" in theirs
    assert "Lee Board" not in theirs
