"""The friction funnel computed by hand on 2026Q2 (UTC), on SQLite and PostgreSQL: what became
of the reports filed in the quarter, per owner and per frontline team, and the anonymity rule
that hides a team's figures below 5 anonymous reports."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, FrontlineTeamFactory
from frictions.models import FrictionReport
from frictions.tests.factories import file
from metrics.definitions import FUNNEL_STAGES, friction_funnel, funnel_key, teams_hidden
from metrics.models import QuarterFigure
from metrics.quarters import Quarter
from metrics.services import quarter_rollup_compute

pytestmark = pytest.mark.django_db

Q2 = Quarter(2026, 2)
ORG = ("org", None)


def at(month, day):
    return datetime(2026, month, day, 10, tzinfo=UTC)


@pytest.fixture
def world(make_user):
    ops = DepartmentFactory(name="Operations")
    return {
        "ana": make_user(roles=[Role.EXECUTIVE], department=ops),
        "fay": make_user(roles=[Role.FRONTLINE]),
        "ops": ops,
        "billing": FrontlineTeamFactory(name="Billing"),
        "care": FrontlineTeamFactory(name="Care"),
    }


def report(world, *, created, anonymous=False, team="billing", **fields):
    made, _ = file(None if anonymous else world["fay"], anonymous=anonymous)
    FrictionReport.objects.filter(pk=made.pk).update(
        created_at=created, team=world[team] if team else None, **fields
    )
    return made


def stages(found, key) -> dict:
    return {stage: found[funnel_key(stage)].get(key) for stage, _ in FUNNEL_STAGES}


@time_machine.travel(datetime(2026, 8, 1, 12, tzinfo=UTC), tick=False)
def test_the_funnel_follows_the_reports_filed_in_the_quarter_by_hand(world):
    ana = world["ana"]
    # Filed in Q2, owned by Ana: one new and late, one acknowledged on time, one resolved,
    # one declined.
    report(world, created=at(4, 2), owner=ana, acknowledge_by=date(2026, 4, 5))
    report(
        world,
        created=at(4, 3),
        owner=ana,
        status="acknowledged",
        acknowledge_by=date(2026, 4, 5),
        decide_by=date(2026, 9, 1),
    )
    report(
        world,
        created=at(5, 1),
        owner=ana,
        status="resolved",
        resolution="no_change",
        closed_at=at(5, 20),
    )
    report(
        world,
        created=at(6, 1),
        owner=ana,
        status="declined",
        decline_reason="Out of scope",
        closed_at=at(6, 2),
    )
    # Nobody owns it yet: the organisation's only. Care filed it.
    report(world, created=at(6, 30), team="care", acknowledge_by=date(2026, 9, 1))
    # Not counted: a duplicate (merged into the one answered), and reports of Q1 and Q3.
    original = report(world, created=at(1, 10))
    report(world, created=at(5, 5), status="duplicate", duplicate_of=original)
    report(world, created=at(7, 1))

    found = friction_funnel(Q2)

    assert stages(found, ORG) == {
        "filed": 5,
        "acknowledged": 3,
        "resolved": 1,
        "declined": 1,
        "overdue": 1,
    }
    assert stages(found, ("executive", ana.pk)) == {
        "filed": 4,
        "acknowledged": 3,
        "resolved": 1,
        "declined": 1,
        "overdue": 1,
    }
    assert stages(found, ("department", world["ops"].pk))["filed"] == 4


@time_machine.travel(datetime(2026, 8, 1, 12, tzinfo=UTC), tick=False)
def test_a_team_with_fewer_than_five_anonymous_reports_has_its_funnel_hidden(world):
    # Field: 7 anonymous and 1 named, shown. Care: 4 anonymous and 9 named, hidden (four
    # anonymous reports could be narrowed down to a few colleagues). Billing: 5 anonymous and 2
    # named would be shown, but then the organisation's 28 minus Billing's 7 and Field's 8
    # would give Care's 13: hidden with it, the fewest anonymous reports of those shown.
    field = FrontlineTeamFactory(name="Field")
    world["field"] = field
    for n in range(7):
        report(world, created=at(4, 1 + n), anonymous=True, team="field")
    report(world, created=at(4, 20), team="field")
    for n in range(5):
        report(world, created=at(4, 1 + n), anonymous=True)
    for n in range(2):
        report(world, created=at(5, 1 + n))
    for n in range(4):
        report(world, created=at(4, 10 + n), anonymous=True, team="care")
    for n in range(9):
        report(world, created=at(5, 10 + n), team="care")

    rollup = quarter_rollup_compute(quarter=Q2)

    team = {
        (row.scope_id, row.metric): row.value
        for row in QuarterFigure.objects.filter(rollup=rollup, scope="team")
    }
    assert team[(field.pk, funnel_key("filed"))] == 8
    for hidden in (world["care"], world["billing"]):
        assert all(team[(hidden.pk, funnel_key(stage))] is None for stage, _ in FUNNEL_STAGES)
    # The organisation's figures count every report, the hidden teams' included; what they
    # leave once the shown teams are taken away is two teams' figures, never one's.
    organisation = QuarterFigure.objects.get(rollup=rollup, scope="org", metric=funnel_key("filed"))
    assert organisation.value == 28
    assert organisation.value - 8 not in (7, 13)


@pytest.mark.parametrize(
    ("anonymous", "hidden"),
    [
        ({"a": 9, "b": 7}, []),
        ({"a": 9, "b": 7, "c": 4}, ["c", "b"]),  # c alone would be given away by subtraction
        ({"a": 9, "b": 3, "c": 4}, ["b", "c"]),  # two hidden, 7 anonymous between them
        ({"a": 9, "b": 1, "c": 2, "d": 6}, ["b", "c", "d"]),  # 3 between b and c: one more
        ({"a": 2}, ["a"]),  # everyone hidden: the organisation's figure is all there is
    ],
)
def test_enough_teams_are_hidden_that_subtraction_gives_none_away(anonymous, hidden):
    assert teams_hidden(anonymous) == hidden
