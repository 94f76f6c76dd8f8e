"""The outcome metrics computed by hand on a small fixed quarter (2026Q2, UTC), on SQLite and
PostgreSQL. Ana (Operations) and Cy (Product) are executives; Fay files the reports."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory
from frictions.models import Decision, FrictionReport
from frictions.tests.factories import file
from immersion.models import Escalation
from immersion.tests.factories import SessionFactory
from metrics.definitions import METRICS
from metrics.quarters import Quarter

pytestmark = pytest.mark.django_db

Q2 = Quarter(2026, 2)
ORG = ("org", None)


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def people(make_user):
    ops, product = DepartmentFactory(name="Operations"), DepartmentFactory(name="Product")
    return {
        "ana": make_user(roles=[Role.EXECUTIVE], department=ops),
        "cy": make_user(roles=[Role.EXECUTIVE], department=product),
        "fay": make_user(roles=[Role.FRONTLINE]),
        "ops": ops,
        "product": product,
    }


def decision(owner, **fields):
    return Decision.objects.create(
        title=fields.pop("title", "Refund limit"),
        area=fields.pop("area", "policy"),
        context="Agents cannot refund above 50 euros.",
        decision="Raise the limit to 200 euros.",
        owner=owner,
        created_by=owner,
        **fields,
    )


def report(people, *, owner, created, **fields):
    made, _ = file(people["fay"])
    FrictionReport.objects.filter(pk=made.pk).update(owner=owner, created_at=created, **fields)
    return FrictionReport.objects.get(pk=made.pk)


def figures(metric: str) -> dict:
    return METRICS[metric].compute(Q2)


def test_decisions_changed_after_exposure_by_hand(people):
    ana, cy = people["ana"], people["cy"]
    listened = SessionFactory(people=[ana], starts_at=at(4, 1))
    # Counted: changed in May, resting on a session in April.
    counted = decision(ana, status="reversed", changed_at=at(5, 1))
    counted.sessions.add(listened)
    # Counted: Cy's, resting on an escalation logged before the change.
    escalation = Escalation.objects.create(
        logged_by=people["fay"],
        customer_reference="ACME-1",
        what_happened="Billed twice",
        urgency="high",
        channel="phone",
        routed_to=cy,
    )
    Escalation.objects.filter(pk=escalation.pk).update(logged_at=at(4, 2))
    by_escalation = decision(cy, title="Billing run", area="platform", changed_at=at(6, 1))
    by_escalation.escalations.add(escalation)
    # Not counted: evidence dated after the change; changed with no evidence; changed in Q3.
    late = decision(ana, title="Late", changed_at=at(3, 30))
    late.sessions.add(listened)
    decision(ana, title="Bare", changed_at=at(5, 2))
    q3 = decision(ana, title="Next quarter", changed_at=at(7, 2))
    q3.sessions.add(listened)

    got = figures("decisions_changed_after_exposure")
    assert got[ORG] == 2
    assert got[("executive", ana.pk)] == 1
    assert got[("department", people["product"].pk)] == 1


def test_policies_changed_from_feedback_by_hand(people):
    ana = people["ana"]
    report(
        people,
        owner=ana,
        created=at(4, 1),
        status="resolved",
        resolution="policy_modified",
        closed_at=at(4, 9),
    )
    report(
        people,
        owner=None,
        created=at(4, 1),
        status="resolved",
        resolution="policy_eliminated",
        closed_at=at(5, 9),
    )
    # Not counted: a product change; a policy change closed in Q3; declined.
    report(
        people,
        owner=ana,
        created=at(4, 1),
        status="resolved",
        resolution="product_change",
        closed_at=at(5, 9),
    )
    report(
        people,
        owner=ana,
        created=at(4, 1),
        status="resolved",
        resolution="policy_modified",
        closed_at=at(7, 9),
    )
    report(
        people,
        owner=ana,
        created=at(4, 1),
        status="declined",
        decline_reason="Out of scope",
        closed_at=at(5, 9),
    )
    got = figures("policies_changed_from_feedback")
    assert got[ORG] == 2
    assert got[("executive", ana.pk)] == 1
    assert got[("department", people["ops"].pk)] == 1


def test_resolution_days_median_and_90th_percentile_by_hand(people):
    ana, cy = people["ana"], people["cy"]
    for owner, days in ((ana, 2), (ana, 4), (cy, 10)):
        report(
            people,
            owner=owner,
            created=at(4, 1),
            status="resolved",
            resolution="process_change",
            closed_at=at(4, 1) + timedelta(days=days),
        )
    # Not counted: a duplicate; one still open; one closed in Q3.
    original = report(people, owner=ana, created=at(3, 1))
    report(
        people,
        owner=ana,
        created=at(4, 1),
        status="duplicate",
        duplicate_of=original,
        closed_at=at(4, 2),
    )
    report(people, owner=ana, created=at(4, 1))
    report(
        people,
        owner=ana,
        created=at(4, 1),
        status="declined",
        decline_reason="Out of scope",
        closed_at=at(7, 5),
    )
    median, p90 = figures("resolution_days_median"), figures("resolution_days_p90")
    assert median[ORG] == pytest.approx(4)
    assert p90[ORG] == pytest.approx(4 + (10 - 4) * 0.8)
    assert median[("executive", ana.pk)] == pytest.approx(3)
    assert p90[("executive", ana.pk)] == pytest.approx(2 + 2 * 0.9)
    assert median[("department", people["product"].pk)] == pytest.approx(10)


def test_reports_past_due_by_hand(people):
    ana = people["ana"]
    due = {"acknowledge_by": date(2026, 5, 4), "decide_by": date(2026, 5, 20)}
    report(people, owner=ana, created=at(4, 1), **due)  # new, never acknowledged: late
    report(
        people,
        owner=ana,
        created=at(4, 1),
        status="resolved",
        resolution="no_change",
        closed_at=at(5, 25),
        **due | {"acknowledge_by": date(2026, 4, 10)},
    )  # decided late
    # Not counted: closed on its day; due in Q3.
    report(
        people,
        owner=ana,
        created=at(4, 1),
        status="resolved",
        resolution="no_change",
        closed_at=at(5, 20, 18),
        **due,
    )
    report(
        people,
        owner=ana,
        created=at(4, 1),
        acknowledge_by=date(2026, 7, 3),
        decide_by=date(2026, 7, 20),
    )
    got = figures("reports_past_due")
    assert got[ORG] == 2
    assert got[("executive", ana.pk)] == 2


def test_decisions_with_impact_assessment_by_hand(people):
    ana, cy = people["ana"], people["cy"]
    decision(ana, decided_on=date(2026, 4, 5), impact_who="Agents", impact_effect="Fewer calls")
    decision(ana, title="Half", decided_on=date(2026, 4, 6), impact_who="Agents")
    decision(cy, title="Cy's", decided_on=date(2026, 5, 6))
    decision(ana, title="Undecided")
    got = figures("decisions_with_impact_assessment")
    assert got[ORG] == pytest.approx(1 / 3)
    assert got[("executive", ana.pk)] == pytest.approx(1 / 2)
    assert got[("executive", cy.pk)] == 0


def test_nobody_decided_anything_is_no_figure_not_zero(people):
    assert figures("decisions_with_impact_assessment")[ORG] is None


def test_a_committed_date_still_to_come_is_not_past_due_yet(people):
    """In the quarter in progress, a report due next week is not late (the demo's helper saw
    the current quarter count them)."""
    today = Quarter.current().first_day + timedelta(days=20)
    with time_machine.travel(datetime.combine(today, datetime.min.time(), tzinfo=UTC)):
        report(
            people,
            owner=people["ana"],
            created=at(4, 1),
            acknowledge_by=today + timedelta(days=7),
            decide_by=today + timedelta(days=20),
        )
        report(
            people,
            owner=people["ana"],
            created=at(4, 1),
            acknowledge_by=today - timedelta(days=2),
            decide_by=today + timedelta(days=20),
        )
        got = METRICS["reports_past_due"].compute(Quarter.current())
    assert got[ORG] == 1
