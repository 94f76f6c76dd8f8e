"""Every metric computed by hand on a small fixed quarter, and compared with the roll-up.

2026Q2 (April to June 2026, UTC here). Operations: Ana and Bo; Product: Cy; Dee is an
executive with no department; Fay is a frontline agent (never counted).
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory
from frictions.models import FrictionReview
from immersion.models import JourneyExercise, JourneyTemplate, Participant, Session
from immersion.tests.factories import SessionFactory, activity
from metrics.definitions import METRICS
from metrics.models import QuarterFigure, QuarterRollup
from metrics.quarters import Quarter
from metrics.services import FUTURE_QUARTER_MESSAGE, quarter_rollup_compute

pytestmark = pytest.mark.django_db

Q2 = Quarter(2026, 2)
ORG = ("org", None)


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=UTC)


def held(person, slug, starts, *, minutes=60, attendance="attended", **fields):
    session = SessionFactory(
        people=[person],
        activity_type=activity(slug),
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
    )
    session.participants.update(attendance=attendance, **fields)
    return session


@pytest.fixture
def org(make_user):
    ops, product = DepartmentFactory(name="Operations"), DepartmentFactory(name="Product")
    people = {
        "ana": make_user(roles=[Role.EXECUTIVE], department=ops),
        "bo": make_user(roles=[Role.EXECUTIVE], department=ops),
        "cy": make_user(roles=[Role.EXECUTIVE], department=product),
        "dee": make_user(roles=[Role.EXECUTIVE]),
        "fay": make_user(roles=[Role.FRONTLINE], department=ops),
    }
    ana, bo, cy, fay = people["ana"], people["bo"], people["cy"], people["fay"]
    # Ana: 50 recorded minutes of listening, 4 calls; a 2-hour journey with no minutes
    # recorded (its scheduled 120 count), completed in the quarter.
    held(ana, "call-listening", at(4, 10), actual_minutes=50, interactions_observed=4)
    journey = held(ana, "customer-journey", at(5, 5), minutes=120)
    template = JourneyTemplate.objects.create(name="Buy and onboard", kind="purchase")
    JourneyExercise.objects.create(
        participant=journey.participants.get(), template=template, completed_at=at(5, 5, 12)
    )
    # Not counted: Ana's attended session that was then cancelled; Bo's missed one; QA review
    # (not customer time) by Bo, 3 interactions (counted as interactions, not hours).
    cancelled = held(ana, "call-listening", at(4, 20), actual_minutes=60, interactions_observed=9)
    Session.objects.filter(pk=cancelled.pk).update(status=Session.Status.CANCELLED)
    held(bo, "call-listening", at(6, 2), attendance="missed", actual_minutes=60)
    held(bo, "qa-review", at(6, 3), actual_minutes=60, interactions_observed=3)
    # Cy: an hour of listening, 2 calls; one in July (Q3), not counted in Q2.
    held(cy, "call-listening", at(4, 20), actual_minutes=60, interactions_observed=2)
    held(cy, "call-listening", at(7, 2), actual_minutes=60, interactions_observed=5)
    # A frontline agent's hours are never an executive's.
    held(fay, "call-listening", at(4, 21), actual_minutes=60, interactions_observed=8)
    # One review held (Ana attended, Bo invited); one cancelled; one where nobody came.
    review = held(ana, "friction-review", at(5, 12))
    Participant.objects.create(
        session=review, person=bo, starts_at=review.starts_at, ends_at=review.ends_at
    )
    FrictionReview.objects.create(session=review, prepared_by=ana)
    called_off = held(bo, "friction-review", at(5, 19))
    Session.objects.filter(pk=called_off.pk).update(status=Session.Status.CANCELLED)
    FrictionReview.objects.create(session=called_off, prepared_by=ana)
    empty = held(cy, "friction-review", at(5, 26), attendance="invited")
    FrictionReview.objects.create(session=empty, prepared_by=ana)
    return {**people, "ops": ops, "product": product}


def figures(metric: str) -> dict:
    return METRICS[metric].compute(Q2)


def test_exposure_hours_by_hand(org):
    got = figures("exposure_hours")
    assert got[ORG] == pytest.approx((50 + 120 + 60) / 60)
    assert got[("department", org["ops"].pk)] == pytest.approx(170 / 60)
    assert got[("department", org["product"].pk)] == pytest.approx(1.0)
    assert got[("executive", org["ana"].pk)] == pytest.approx(170 / 60)
    assert got[("executive", org["cy"].pk)] == pytest.approx(1.0)
    assert ("executive", org["fay"].pk) not in got


def test_interactions_observed_by_hand(org):
    got = figures("interactions_observed")
    assert got[ORG] == 4 + 3 + 2
    assert got[("department", org["ops"].pk)] == 4 + 3
    assert got[("executive", org["bo"].pk)] == 3
    assert got[("executive", org["cy"].pk)] == 2


def test_journey_completion_by_hand(org):
    got = figures("journey_completion")
    assert got[ORG] == pytest.approx(1 / 4)
    assert got[("department", org["ops"].pk)] == pytest.approx(1 / 2)
    assert got[("department", org["product"].pk)] == 0
    assert got[("executive", org["ana"].pk)] == 1
    assert got[("executive", org["dee"].pk)] == 0


def test_reviews_held_by_hand(org):
    got = figures("reviews_held")
    assert got[ORG] == 1
    assert got[("department", org["ops"].pk)] == 1
    assert got[("executive", org["ana"].pk)] == 1
    assert ("executive", org["bo"].pk) not in got  # invited, not there


def test_a_department_with_no_executives_has_no_figure_not_a_division_by_zero(org):
    empty = DepartmentFactory(name="Legal")
    assert ("department", empty.pk) not in figures("journey_completion")


def test_the_rollup_stores_what_the_definitions_compute_and_twice_is_the_same(org):
    rollup = quarter_rollup_compute(quarter=Q2)
    assert rollup.closed, "Q2 2026 has ended"
    stored = {
        (f.metric, f.scope, f.scope_id): f.value
        for f in QuarterFigure.objects.filter(rollup=rollup)
    }
    for key, metric in METRICS.items():
        for (scope, scope_id), value in metric.compute(Q2).items():
            assert stored[(key, scope, scope_id)] == pytest.approx(value)
    again = quarter_rollup_compute(quarter=Q2)
    assert QuarterRollup.objects.count() == 1
    assert {
        (f.metric, f.scope, f.scope_id): f.value for f in QuarterFigure.objects.filter(rollup=again)
    } == stored


def test_a_future_quarter_is_refused_with_a_plain_message():
    with pytest.raises(ValueError, match=FUTURE_QUARTER_MESSAGE):
        quarter_rollup_compute(quarter=Quarter.current().next)


@pytest.mark.parametrize("text", ["2026Q5", "26Q1", "2026-Q1", "", "Q3 2026", "9999Q1"])
def test_a_malformed_or_out_of_range_quarter_is_refused(text):
    with pytest.raises(ValueError, match="quarter"):
        Quarter.parse(text)


def test_quarters_parse_and_step():
    quarter = Quarter.parse("2026q1")
    assert str(quarter) == "2026Q1"
    assert str(quarter.previous) == "2025Q4"
    assert str(quarter.previous.next) == "2026Q1"
    assert [str(q) for q in Quarter(2026, 2).last(3)] == ["2025Q4", "2026Q1", "2026Q2"]
    assert Quarter.of(at(6, 30).date()) == Q2


def test_a_rollup_takes_the_same_queries_for_a_few_executives_and_for_many(make_user):
    """Database aggregates, not a loop over rows: more people and sessions, the same queries."""
    quarter_rollup_compute(quarter=Q2)  # the first run creates the roll-up: both below replace
    counts, stored = [], []
    for added in (2, 10):
        for _ in range(added):
            person = make_user(roles=[Role.EXECUTIVE], department=DepartmentFactory())
            held(person, "call-listening", at(4, 10), actual_minutes=30, interactions_observed=1)
            held(person, "customer-journey", at(5, 5), minutes=120)
        with CaptureQueriesContext(connection) as queries:
            rollup = quarter_rollup_compute(quarter=Q2)
        counts.append(len(queries))
        stored.append(rollup.figures.count())
    assert stored[0] < stored[1], f"the data did not grow: {stored}"
    assert counts[0] == counts[1], f"{counts} queries for {stored} figures"
