"""Is it working? (/metrics/evidence/): decisions before and after each executive's
participation started, the lag from a friction report to its decision, and the fade flags,
each computed by hand on a small fixed data set and compared (SQLite and PostgreSQL).

Today is 26 November 2026 (2026Q4, UTC). Ana first attended a session on 1 July 2026 at 10:00;
Bo never attended one. Fay files the reports."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory
from frictions.models import Decision, FrictionReport
from frictions.tests.factories import file
from immersion.models import Session
from immersion.tests.factories import SessionFactory, activity
from metrics.evidence import (
    before_and_after,
    decisions_reverted,
    fade_flag_count,
    fade_flags,
    fade_quarter,
    friction_to_decision_lag,
    participation_fading,
)
from metrics.models import QuarterFigure, QuarterRollup
from metrics.quarters import Quarter
from metrics.views.scorecard import NO_EXECUTIVES_MESSAGE

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
Q1, Q2, Q3, Q4 = (Quarter(2026, n) for n in (1, 2, 3, 4))
ASSESSED = {"impact_who": "Refund callers", "impact_effect": "No callback"}
APPROVABLE = {**ASSESSED, "impact_evidence": "Listening sessions"}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def at(month, day, hour=0):
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def org(make_user):
    ops, product = DepartmentFactory(name="Operations"), DepartmentFactory(name="Product")
    return {
        "ana": make_user(roles=[Role.EXECUTIVE], department=ops, display_name="Ana Alves"),
        "bo": make_user(roles=[Role.EXECUTIVE], department=product, display_name="Bo Berg"),
        "fay": make_user(roles=[Role.FRONTLINE]),
        "ops": ops,
        "product": product,
    }


def place(person, starts, *, attendance="attended", status=None):
    session = SessionFactory(
        people=[person],
        activity_type=activity("call-listening"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    session.participants.update(attendance=attendance)
    if status:
        Session.objects.filter(pk=session.pk).update(status=status)
    return session


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


def report(org, *, filed, led_to=None):
    made, _ = file(org["fay"])
    FrictionReport.objects.filter(pk=made.pk).update(created_at=filed, decision=led_to)
    return FrictionReport.objects.get(pk=made.pk)


def test_decisions_before_and_after_participation_started_by_hand(org):
    ana, bo = org["ana"], org["bo"]
    # Neither a cancelled session nor a missed one starts participation: 1 July does.
    place(ana, at(6, 1, 10), status=Session.Status.CANCELLED)
    place(ana, at(6, 10, 10), attendance="missed")
    first = place(ana, at(7, 1, 10))
    place(ana, at(8, 1, 10))
    # Before: three decided (one assessed); one changed on a frontline report from before the
    # change, in June, before Ana's participation started.
    decision(ana, title="e1", decided_on=date(2026, 6, 1), **ASSESSED)
    decision(ana, title="e2", decided_on=date(2026, 5, 1))
    e5 = decision(
        ana, title="e5", decided_on=date(2026, 3, 1), status="reversed", changed_at=at(6, 15)
    )
    e5.friction_reports.add(report(org, filed=at(6, 1)))
    # After: decided on the day participation started (assessed), and one decided in August
    # and changed in September on the July session.
    decision(ana, title="e3", decided_on=date(2026, 7, 1), **ASSESSED)
    e4 = decision(
        ana, title="e4", decided_on=date(2026, 8, 1), status="reversed", changed_at=at(9, 1)
    )
    e4.sessions.add(first)
    # Not counted: never decided; changed with no exposure behind it.
    decision(ana, title="e6")
    decision(ana, title="e7", decided_on=date(2026, 8, 2), status="reversed", changed_at=at(9, 2))
    # Bo has not started: everything is before.
    decision(bo, title="b1", decided_on=date(2026, 8, 1), **ASSESSED)

    rows = {row.executive: row for row in before_and_after(people=[ana, bo])}
    a = rows[ana]
    assert a.started == at(7, 1, 10)
    assert (a.before.decided, a.before.assessed, a.before.changed_after_exposure) == (3, 1, 1)
    assert (a.after.decided, a.after.assessed, a.after.changed_after_exposure) == (3, 1, 1)
    assert a.before.assessed_text == "33%"
    assert a.after.assessed_share == pytest.approx(1 / 3)
    b = rows[bo]
    assert b.started is None
    assert (b.before.decided, b.before.assessed_share, b.after.decided) == (1, 1.0, 0)
    assert b.after.assessed_text == "no figure"


def test_the_lag_from_a_friction_report_to_its_decision_by_hand(org):
    ana = org["ana"]
    # 2026Q3: 10 days (decided after filing), 30 days (decided before, changed after), 0 days.
    report(org, filed=at(7, 1, 10), led_to=decision(ana, decided_on=date(2026, 7, 11)))
    changed = decision(ana, decided_on=date(2026, 6, 1), status="reversed", changed_at=at(8, 4, 9))
    report(org, filed=at(7, 5, 10), led_to=changed)
    report(org, filed=at(7, 20, 10), led_to=decision(ana, decided_on=date(2026, 7, 20)))
    # Not counted: decided before the report and never changed since.
    report(org, filed=at(9, 1, 10), led_to=decision(ana, decided_on=date(2026, 8, 1)))
    # 2026Q2: 2 days. Not counted at all: no decision.
    report(org, filed=at(4, 1, 10), led_to=decision(ana, decided_on=date(2026, 4, 3)))
    report(org, filed=at(7, 1, 10))

    lag = friction_to_decision_lag(quarter=Q3)
    assert lag.quarters == [Quarter(2025, 4), Q1, Q2, Q3]
    assert lag.by_quarter == {Quarter(2025, 4): None, Q1: None, Q2: 2.0, Q3: 10.0}
    assert lag.overall == 6.0  # 0, 2, 10, 30
    assert lag.overall_reports == 4
    assert friction_to_decision_lag(quarter=Q2).overall == 2.0


def store(quarter: Quarter, hours: dict, *, closed=True) -> QuarterRollup:
    rollup = QuarterRollup.objects.create(quarter=str(quarter), computed_at=NOW, closed=closed)
    QuarterFigure.objects.bulk_create(
        QuarterFigure(
            rollup=rollup, metric="exposure_hours", scope="executive", scope_id=pk, value=value
        )
        for pk, value in hours.items()
    )
    return rollup


@pytest.fixture
def fading(org, make_user):
    ana, bo = org["ana"], org["bo"]
    cy = make_user(roles=[Role.EXECUTIVE], department=org["ops"], display_name="Cy")
    dee = make_user(roles=[Role.EXECUTIVE], department=org["ops"], display_name="Dee")
    eve = make_user(roles=[Role.EXECUTIVE], department=org["product"], display_name="Eve")
    # No longer an executive: their fall is nobody's to act on here.
    gone = make_user(roles=[Role.LEADERSHIP], display_name="Gone")
    store(Q1, {ana.pk: 5, bo.pk: 5, cy.pk: 3, dee.pk: 2, eve.pk: 4, gone.pk: 9})
    store(Q2, {ana.pk: 3, bo.pk: 3, cy.pk: 4, eve.pk: 2, gone.pk: 5})
    # Eve and Dee did nothing in Q3: no row, 0 hours.
    store(Q3, {ana.pk: 1, bo.pk: 3, cy.pk: 1, gone.pk: 1})
    store(Q4, {ana.pk: 0.5}, closed=False)
    return {"cy": cy, "dee": dee, "eve": eve}


def test_participation_that_fell_two_quarters_running_is_flagged(org, fading):
    # Q4 is still running: it is judged at Q3, the last quarter that ended.
    assert fade_quarter(Q4) == Q3
    quarters, found = participation_fading(quarter=Q4)
    assert quarters == [Q1, Q2, Q3]
    assert found == {org["ana"].pk: (5.0, 3.0, 1.0), fading["eve"].pk: (4.0, 2.0, 0.0)}
    assert participation_fading(quarter=Q3)[1] == found
    # Without one of the three roll-ups nothing is judged.
    QuarterRollup.objects.filter(quarter="2026Q1").delete()
    assert participation_fading(quarter=Q3)[1] == {}


def test_a_change_its_outcome_check_found_undone_is_flagged(org):
    ana = org["ana"]
    didnt_hold = decision(
        ana,
        title="Callback promise",
        status="approved",
        outcome_verdict="reverted",
        outcome_checked_at=at(11, 1),
        **APPROVABLE,
    )
    # Not flagged: a check that found it held or partly held; reversed by its owner with no
    # such check (a change, not a fade); found undone by a check in Q3.
    checked = {"status": "approved", **APPROVABLE}
    decision(ana, outcome_verdict="held", outcome_checked_at=at(11, 2), **checked)
    decision(ana, outcome_verdict="partly", outcome_checked_at=at(11, 3), **checked)
    decision(ana, status="reversed", changed_at=at(11, 10))
    decision(ana, outcome_verdict="reverted", outcome_checked_at=at(8, 1), **checked)
    assert list(decisions_reverted(quarter=Q4)) == [didnt_hold]
    assert decisions_reverted(quarter=Q3).count() == 1


def test_the_fade_flags_by_department_and_the_count_on_the_cx_leads_home(
    client, org, fading, cx_lead, leadership
):
    decision(
        org["bo"],
        title="Callback promise",
        status="approved",
        outcome_verdict="reverted",
        outcome_checked_at=at(11, 1),
        **APPROVABLE,
    )
    flags = fade_flags(quarter=Q4)
    assert [f.executive for f in flags.executives] == [org["ana"], fading["eve"]]
    assert flags.count == 3
    product = fade_flags(quarter=Q4, department_id=org["product"].pk)
    assert [f.executive for f in product.executives] == [fading["eve"]]
    assert len(product.decisions) == 1
    assert fade_flag_count() == 3
    client.force_login(cx_lead)
    assert "<strong>3</strong> fade flags</a>" in client.get("/").content.decode()
    # Leadership reads the flags on the evidence page; the line on home is the CX lead's.
    client.force_login(leadership)
    assert "fade flag" not in client.get("/").content.decode()


def test_the_evidence_page_shows_the_table_the_lag_and_the_flags(client, org, fading, leadership):
    place(org["ana"], at(7, 1, 10))
    decision(org["ana"], decided_on=date(2026, 8, 1), **ASSESSED)
    report(org, filed=at(7, 1, 10), led_to=decision(org["bo"], decided_on=date(2026, 7, 11)))
    client.force_login(leadership)
    page = client.get("/metrics/evidence/", {"quarter": "2026Q3"})
    assert page.status_code == 200
    text = page.content.decode()
    rows = {row.executive: row for row in page.context["rows"]}
    assert rows[org["ana"]].after.decided == 1
    assert '<strong id="lag-overall">10.0 days</strong>' in text
    assert "Ana Alves</a>: 5.0 → 3.0 → 1.0 hours with customers" in text
    assert page.context["totals"]["after"].decided == 1


def test_the_evidence_page_filters_by_department_and_says_when_one_has_no_executives(
    client, org, cx_lead
):
    client.force_login(cx_lead)
    page = client.get("/metrics/evidence/", {"department": org["product"].pk})
    assert [row.executive for row in page.context["rows"]] == [org["bo"]]
    legal = DepartmentFactory(name="Legal")
    page = client.get("/metrics/evidence/", {"department": legal.pk})
    assert page.status_code == 200
    assert NO_EXECUTIVES_MESSAGE.format(department="Legal") in page.content.decode()
    assert page.context["totals"]["before"].assessed_text == "no figure"


@pytest.mark.parametrize("text", ["2026Q0", "soon", "2099Q1"])
def test_a_malformed_or_unknown_quarter_is_404(client, cx_lead, text):
    client.force_login(cx_lead)
    assert client.get("/metrics/evidence/", {"quarter": text}).status_code == 404


def test_a_future_quarter_says_so_plainly(client, org, cx_lead):
    client.force_login(cx_lead)
    page = client.get("/metrics/evidence/", {"quarter": "2027Q1"})
    assert page.status_code == 200
    assert "2027Q1 has not started yet: there are no figures for it." in page.content.decode()


@pytest.mark.parametrize("role", ["executive", "frontline"])
def test_only_leadership_and_the_cx_lead_read_the_evidence(client, user_for_role, role):
    client.force_login(user_for_role(role))
    assert client.get("/metrics/evidence/").status_code == 403


def test_the_evidence_page_costs_the_same_queries_at_two_sizes(
    client, org, leadership, make_user, queries_at_two_sizes
):
    client.force_login(leadership)
    made = []

    def build(size):
        for _ in range(size):
            person = make_user(roles=[Role.EXECUTIVE], department=org["ops"])
            made.append(person)
            place(person, at(7, 1, 10))
            decision(person, decided_on=date(2026, 6, 1), **ASSESSED)
            changed = decision(
                person,
                decided_on=date(2026, 8, 1),
                status="reversed",
                changed_at=at(9, 1),
                outcome_verdict="reverted",
                outcome_checked_at=at(8, 20),
            )
            report(org, filed=at(7, 1, 10), led_to=changed)
        QuarterRollup.objects.all().delete()
        for quarter, hours in ((Q1, 3), (Q2, 2), (Q3, 1)):
            store(quarter, {p.pk: hours for p in made})
        return "/metrics/evidence/?quarter=2026Q3"

    def shown(page):
        return (
            len(page.context["rows"]),
            page.context["lag"].overall_reports,
            page.context["flags"].count,
        )

    queries_at_two_sizes(build, shown, ceiling=25, sizes=(2, 12))


def test_the_homes_fade_count_follows_the_roll_ups_the_executives_and_the_checks(
    client, org, fading, cx_lead
):
    """The fading executives' count is remembered between views of the CX lead's home; a roll-up
    computed again, an executive who leaves the role and a new outcome check all show at once."""
    client.force_login(cx_lead)

    def shown() -> int:
        return client.get("/").context["fade_flags"]

    assert shown() == shown() == 2  # Ana and Eve
    # Q3's roll-up stored again with Bo fallen too (5, 3, then 1).
    QuarterRollup.objects.filter(quarter="2026Q3").delete()
    store(Q3, {org["ana"].pk: 1, org["bo"].pk: 1})
    assert shown() == 3
    fading["eve"].groups.clear()  # no longer an executive
    assert shown() == 2
    decision(
        org["bo"],
        title="Callback promise",
        status="approved",
        outcome_verdict="reverted",
        outcome_checked_at=at(11, 1),
        **APPROVABLE,
    )
    assert shown() == 3
