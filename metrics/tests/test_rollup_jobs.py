"""The roll-up as it is run: beat's nightly task, and `manage.py rollup`."""

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from accounts.roles import Role
from immersion.tests.factories import SessionFactory
from metrics.models import QuarterRollup
from metrics.tasks import rollup_current_quarter

pytestmark = pytest.mark.django_db


def test_beat_closes_the_quarter_just_ended_once_then_refreshes_only_the_current_one(make_user):
    make_user(roles=[Role.EXECUTIVE])
    with time_machine.travel(datetime(2026, 10, 2, 2, 15, tzinfo=UTC), tick=False):
        assert rollup_current_quarter() == ["2026Q3", "2026Q4"]
        assert rollup_current_quarter() == ["2026Q4"], "2026Q3 is closed: left alone"
    rollups = dict(QuarterRollup.objects.values_list("quarter", "closed"))
    assert rollups == {"2026Q3": True, "2026Q4": False}


def test_rollup_all_computes_every_quarter_since_the_first_session(make_user):
    person = make_user(roles=[Role.EXECUTIVE])
    with time_machine.travel(datetime(2026, 11, 26, 9, tzinfo=UTC), tick=False):
        SessionFactory(people=[person], starts_at=datetime(2026, 2, 3, 10, tzinfo=UTC))
        out = StringIO()
        call_command("rollup", "--all", stdout=out)
    assert sorted(QuarterRollup.objects.values_list("quarter", flat=True)) == [
        "2026Q1",
        "2026Q2",
        "2026Q3",
        "2026Q4",
    ]
    assert "2026Q4: " in out.getvalue()
    assert "(in progress)" in out.getvalue()


@pytest.mark.parametrize(
    ("given", "said"),
    [("2026Q9", "A quarter is written like 2026Q3."), ("2099Q1", "out of range")],
)
def test_rollup_refuses_a_malformed_or_far_quarter_with_its_reason(given, said):
    with pytest.raises(CommandError, match=said):
        call_command("rollup", "--quarter", given)


def test_rollup_refuses_a_quarter_that_has_not_started():
    with (
        time_machine.travel(datetime(2026, 11, 26, 9, tzinfo=UTC), tick=False),
        pytest.raises(CommandError, match="has not started yet"),
    ):
        call_command("rollup", "--quarter", "2027Q1")
