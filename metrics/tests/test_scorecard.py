"""The executive scorecard (/metrics/executives/<id>/) and the list it is reached from
(/metrics/executives/): figures computed by hand on a small fixed quarter and compared, who may
read whose, bad addresses, and a constant number of queries whatever the data's size.

Today is 26 November 2026 (2026Q4, UTC). The quarter read is 2026Q3 (July to September). Ana
and Bo are Operations' executives; Fay files the reports."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory
from frictions.models import Decision, FrictionEvent, FrictionReport
from frictions.tests.factories import file
from immersion.models import Reflection
from immersion.tests.factories import SessionFactory, activity
from metrics.models import QuarterFigure, QuarterRollup
from metrics.quarters import Quarter
from metrics.scorecard import executive_scorecard
from metrics.services import quarter_rollup_compute
from metrics.views.scorecard import (
    FUTURE_MESSAGE,
    NO_EXECUTIVES_MESSAGE,
    NOT_COMPUTED_MESSAGE,
    NOT_MEASURED_MESSAGE,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def at(month, day, hour=0, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def org(make_user):
    ops = DepartmentFactory(name="Operations")
    return {
        "ana": make_user(roles=[Role.EXECUTIVE], department=ops, display_name="Ana Alves"),
        "bo": make_user(roles=[Role.EXECUTIVE], department=ops, display_name="Bo Berg"),
        "fay": make_user(roles=[Role.FRONTLINE]),
        "ops": ops,
    }


def attended(person, starts, *, minutes=60, **fields):
    session = SessionFactory(
        people=[person],
        activity_type=activity("call-listening"),
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
    )
    session.participants.update(attendance="attended", **fields)
    return session


def reflect(session, *, shared):
    return Reflection.objects.create(
        participant=session.participants.get(),
        surprised="How long customers wait for a refund.",
        would_change="The refund limit.",
        visibility="leadership" if shared else "private",
    )


def owned_report(org, *, owner, filed, acknowledge_by, status="new", **fields):
    made, _ = file(org["fay"])
    FrictionReport.objects.filter(pk=made.pk).update(
        owner=owner,
        created_at=filed,
        acknowledge_by=acknowledge_by,
        decide_by=fields.pop("decide_by", date(2026, 12, 31)),
        status=status,
        **fields,
    )
    return FrictionReport.objects.get(pk=made.pk)


def answered(report, when, status="acknowledged"):
    FrictionEvent.objects.create(
        report=report, kind=FrictionEvent.Kind.STATUS, changes={"status": ["New", status]}
    )
    FrictionEvent.objects.filter(report=report, kind="status").update(created_at=when)


def decision(owner, **fields):
    return Decision.objects.create(
        title=fields.pop("title", "Refund limit"),
        area="policy",
        context="Agents cannot refund above 50 euros.",
        decision="Raise the limit to 200 euros.",
        owner=owner,
        created_by=owner,
        **fields,
    )


ASSESSED = {"impact_who": "Refund callers", "impact_effect": "No callback", "impact_evidence": "x"}


@pytest.fixture
def quarter(org):
    """The fixed data set: 2026Q2 and 2026Q3 rolled up, and Ana's own records."""
    ana, bo = org["ana"], org["bo"]
    # Hours: Ana 90 recorded + 60 scheduled minutes in Q3 (2.5 h), 1 h in Q2; Bo 0.5 h in Q3.
    first = attended(ana, at(7, 1, 10), actual_minutes=90, interactions_observed=4)
    second = attended(ana, at(8, 5, 10), interactions_observed=2)
    spring = attended(ana, at(5, 1, 10))
    attended(bo, at(7, 2, 10), minutes=30)
    # Reflections: shared on Q3's first session (counted), private on the second, shared in Q2.
    counted = reflect(first, shared=True)
    reflect(second, shared=False)
    reflect(spring, shared=True)
    # Reports Ana owns.
    r1 = owned_report(org, owner=ana, filed=at(7, 1), acknowledge_by=date(2026, 7, 3))
    answered(r1, at(7, 2, 12))  # 1.5 days, on time
    FrictionReport.objects.filter(pk=r1.pk).update(
        status="resolved",
        resolution="process_change",
        closed_at=at(7, 11),  # 10 days
    )
    r2 = owned_report(org, owner=ana, filed=at(7, 10), acknowledge_by=date(2026, 7, 12))
    answered(r2, at(7, 14))  # 4 days, late
    FrictionReport.objects.filter(pk=r2.pk).update(status="in_progress")
    # Never answered, its acknowledge-by date long past: overdue now.
    owned_report(org, owner=ana, filed=at(8, 1), acknowledge_by=date(2026, 8, 3))
    # Filed and answered in Q2, declined in Q3 after 61 days: closed in Q3, not answered in it.
    r4 = owned_report(org, owner=ana, filed=at(6, 1), acknowledge_by=date(2026, 6, 3))
    answered(r4, at(6, 2))
    FrictionReport.objects.filter(pk=r4.pk).update(
        status="declined", decline_reason="Out of scope", closed_at=at(8, 1)
    )
    # Bo's report: not Ana's.
    owned_report(org, owner=bo, filed=at(7, 1), acknowledge_by=date(2026, 7, 2))
    # Decisions Ana owns changed in Q3: one on exposure from before (the July session), one on
    # none; one changed in Q4 and one of Bo's do not count.
    reversed_ = decision(ana, title="Refund callback", status="reversed", changed_at=at(8, 10))
    reversed_.sessions.add(first)
    plain = decision(ana, title="Chat hours", status="approved", changed_at=at(9, 1), **ASSESSED)
    decision(ana, title="Later", status="reversed", changed_at=at(10, 5))
    decision(bo, title="Bo's", status="reversed", changed_at=at(8, 1))
    quarter_rollup_compute(quarter=Q2)
    quarter_rollup_compute(quarter=Q3)
    return {"reflection": counted, "reversed": reversed_, "plain": plain}


def test_the_scorecard_reads_the_stored_figures_against_the_previous_quarter_and_the_average(
    org, quarter
):
    card = executive_scorecard(executive=org["ana"], quarter=Q3)
    assert card.measured
    lines = {line.key: line for line in card.figures}
    hours = lines["exposure_hours"]
    assert (hours.value, hours.previous, hours.average) == (2.5, 1.0, 1.5)  # (2.5 + 0.5) / 2
    interactions = lines["interactions_observed"]
    assert (interactions.value, interactions.previous, interactions.average) == (6.0, 0.0, 3.0)
    changed = lines["decisions_changed_after_exposure"]
    assert (changed.value, changed.average) == (1.0, 0.5)
    # Call listening asks 2 hours a month: 6 in the quarter. Ana did 2.5; nobody met it.
    listening = next(c for c in card.compliance if "Call listening" in c.label)
    assert listening.share == pytest.approx(2.5 / 6)
    assert listening.previous == pytest.approx(1 / 6)
    assert listening.met is False
    assert listening.met_by == 0.0


def test_the_scorecard_reads_the_executives_own_records_live(org, quarter):
    card = executive_scorecard(executive=org["ana"], quarter=Q3)
    assert card.reflections_shared == 1
    assert card.reflections_latest == [quarter["reflection"]]
    f = card.frictions
    assert (f.open_now, f.overdue_now) == (2, 1)
    assert (f.acknowledged, f.acknowledged_on_time, f.acknowledged_late) == (2, 1, 1)
    assert f.days_to_acknowledge == pytest.approx((1.5 + 4) / 2)
    assert f.closed == 2
    assert f.days_to_close == pytest.approx((10 + 61) / 2)
    assert card.decisions_changed == 2
    assert card.decisions_changed_after_exposure == 1
    assert [(d.decision, d.after_exposure) for d in card.decisions] == [
        (quarter["plain"], False),
        (quarter["reversed"], True),
    ]


def test_the_scorecard_page_shows_the_figures_and_links_each_decision_to_its_evidence(
    client, org, quarter
):
    client.force_login(org["ana"])
    page = client.get(f"/metrics/executives/{org['ana'].pk}/", {"quarter": "2026q3"})
    assert page.status_code == 200
    text = page.content.decode()
    figures = {f["key"]: f for f in page.context["figures"]}
    assert figures["exposure_hours"]["value"] == "2.5 hours"
    assert figures["exposure_hours"]["change"] == "+1.5 hours"
    assert figures["exposure_hours"]["average"] == "1.5 hours"
    # Ana changed one decision after exposure, Bo none: the average executive half of one.
    assert figures["decisions_changed_after_exposure"]["average"] == "0.5"
    assert f'href="/frictions/decisions/{quarter["reversed"].pk}/"' in text
    assert "after customer exposure" in text
    assert "1: 1 on time, 1 late" not in text  # two acknowledged
    assert "2: 1 on time, 1 late" in text
    assert "35.5 days" in text
    assert quarter["reflection"].get_absolute_url() in text
    assert 'media="print"' in text


@pytest.mark.parametrize("role", ["leadership", "cx_lead", "superuser"])
def test_leadership_and_the_cx_lead_read_every_executives_scorecard(
    client, org, user_for_role, role
):
    client.force_login(user_for_role(role))
    assert client.get(f"/metrics/executives/{org['bo'].pk}/").status_code == 200


def test_an_executive_reads_only_their_own_scorecard(client, org):
    client.force_login(org["ana"])
    assert client.get(f"/metrics/executives/{org['ana'].pk}/").status_code == 200
    # Another's answers as if there were no such executive: ids cannot be probed.
    assert client.get(f"/metrics/executives/{org['bo'].pk}/").status_code == 404
    assert client.get("/metrics/executives/987654/").status_code == 404


def test_a_frontline_agent_may_not_read_a_scorecard(client, org, frontline):
    client.force_login(frontline)
    assert client.get(f"/metrics/executives/{org['ana'].pk}/").status_code == 403
    assert client.get("/metrics/executives/").status_code == 403


def test_someone_who_is_not_an_executive_has_no_scorecard(client, org, leadership, cx_lead):
    client.force_login(leadership)
    assert client.get(f"/metrics/executives/{cx_lead.pk}/").status_code == 404
    assert client.get(f"/metrics/executives/{org['fay'].pk}/").status_code == 404


@pytest.mark.parametrize("text", ["2026Q5", "Q3-2026", "1999Q1", "2026Q"])
def test_a_malformed_or_unknown_quarter_is_404(client, org, leadership, text):
    client.force_login(leadership)
    assert client.get(f"/metrics/executives/{org['ana'].pk}/", {"quarter": text}).status_code == 404
    assert client.get("/metrics/executives/", {"quarter": text}).status_code == 404


def test_a_future_quarter_says_so_plainly(client, org):
    client.force_login(org["ana"])
    page = client.get(f"/metrics/executives/{org['ana'].pk}/", {"quarter": "2027Q2"})
    assert page.status_code == 200
    assert FUTURE_MESSAGE.format(quarter="2027Q2") in page.content.decode()
    assert "card" not in page.context


def test_a_quarter_not_computed_says_so_and_still_reads_the_records(client, org):
    reflect(attended(org["ana"], at(7, 1, 10)), shared=True)
    client.force_login(org["ana"])
    page = client.get(f"/metrics/executives/{org['ana'].pk}/", {"quarter": "2026Q3"})
    assert NOT_COMPUTED_MESSAGE.format(quarter="2026Q3") in page.content.decode()
    assert page.context["card"].reflections_shared == 1


def test_an_executive_the_rollup_did_not_measure_has_no_stored_figures(client, org, make_user):
    quarter_rollup_compute(quarter=Q3)
    newcomer = make_user(roles=[Role.EXECUTIVE], display_name="Nia New")
    client.force_login(newcomer)
    page = client.get(f"/metrics/executives/{newcomer.pk}/", {"quarter": "2026Q3"})
    text = page.content.decode()
    assert NOT_MEASURED_MESSAGE.format(executive=newcomer, quarter="2026Q3") in text
    assert all(line.value is None for line in page.context["card"].figures)


def test_the_executive_list_shows_each_executives_stored_figures(client, org, quarter, leadership):
    QuarterFigure.objects.filter(metric__startswith="compliance:", scope_id=org["ana"].pk).update(
        value=1.0
    )
    client.force_login(leadership)
    page = client.get("/metrics/executives/", {"quarter": "2026Q3", "department": org["ops"].pk})
    assert page.status_code == 200
    rows = {row["executive"]: row for row in page.context["rows"]}
    assert list(rows) == [org["ana"], org["bo"]]
    ana = rows[org["ana"]]
    assert (ana["hours"], ana["interactions"]) == ("2.5 hours", "6")
    assert ana["targets_met"] == ana["targets"] > 0
    assert rows[org["bo"]]["targets_met"] == 0
    assert ana["url"] == f"/metrics/executives/{org['ana'].pk}/?quarter=2026Q3"
    assert ana["fading"] is False


def test_a_department_with_no_executives_shows_an_empty_state(client, org, leadership):
    empty = DepartmentFactory(name="Legal")
    client.force_login(leadership)
    page = client.get("/metrics/executives/", {"department": empty.pk})
    assert page.status_code == 200
    assert NO_EXECUTIVES_MESSAGE.format(department="Legal") in page.content.decode()
    assert client.get("/metrics/executives/", {"department": "999999"}).status_code == 404


def test_the_executives_home_links_to_their_scorecard(client, org):
    client.force_login(org["ana"])
    assert f'href="/metrics/executives/{org["ana"].pk}/">My scorecard' in (
        client.get("/").content.decode()
    )


def test_the_scorecard_costs_the_same_queries_at_two_sizes(client, org, queries_at_two_sizes):
    ana = org["ana"]
    client.force_login(ana)
    quarter_rollup_compute(quarter=Q3)

    made = []  # sessions so far: each build's start after the last (one person, no overlap)

    def build(size):
        for n in range(size):
            session = attended(ana, at(7, 1, 0) + timedelta(hours=len(made)))
            made.append(session)
            reflect(session, shared=True)
            report = owned_report(org, owner=ana, filed=at(7, 1), acknowledge_by=date(2026, 7, 2))
            answered(report, at(7, 3))
            changed = decision(ana, title=f"Change {n}", status="reversed", changed_at=at(8, 1))
            changed.sessions.add(session)
        return f"/metrics/executives/{ana.pk}/?quarter=2026Q3"

    def shown(page):
        card = page.context["card"]
        return (card.reflections_shared, card.frictions.acknowledged, card.decisions_changed)

    queries_at_two_sizes(build, shown, ceiling=25, sizes=(2, 12))


def test_the_executive_list_costs_the_same_queries_at_two_sizes(
    client, org, leadership, make_user, queries_at_two_sizes, settings
):
    settings.PAGE_SIZE = 10
    client.force_login(leadership)

    def build(size):
        for _ in range(size):
            person = make_user(roles=[Role.EXECUTIVE], department=org["ops"])
            attended(person, at(7, 1, 10))
        QuarterRollup.objects.all().delete()
        quarter_rollup_compute(quarter=Q3)
        return "/metrics/executives/?quarter=2026Q3"

    def shown(page):
        return len(page.context["rows"]), page.context["page"].paginator.count

    queries_at_two_sizes(build, shown, ceiling=20, sizes=(3, 30))
