"""seed_demo's eight quarters of history: the dashboard's charts show the programme working."""

from datetime import UTC, datetime, time
from io import StringIO
from itertools import pairwise

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import User
from core.calendar import org_today, org_zone
from frictions.models import Decision, DecisionEvent, FrictionEvent, FrictionReport, ReviewItem
from immersion.models import JourneyExercise, Participant, Reflection, Session
from metrics.models import QuarterFigure, QuarterRollup
from metrics.quarters import Quarter

pytestmark = pytest.mark.django_db


def _seed(settings) -> str:
    settings.DEBUG = True  # seed_demo refuses to run without it (a published password)
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _figures(scope: str = QuarterFigure.Scope.ORGANISATION, scope_id: int | None = None):
    """Each metric's figure for one scope, over the eight quarters, oldest first."""
    quarters = [str(q) for q in Quarter.current().last(8)]
    rows = QuarterFigure.objects.filter(scope=scope, scope_id=scope_id).values_list(
        "metric", "rollup__quarter", "value"
    )
    figures: dict[str, list[float | None]] = {}
    for metric, quarter, value in rows:
        figures.setdefault(metric, [None] * len(quarters))[quarters.index(quarter)] = value
    return figures


def _assert_the_story() -> None:
    figures = _figures()
    # The current quarter holds only what lies before this month (and nothing in its first
    # month), so the trend is read up to the last quarter that has ended.
    first, ended = 0, 6
    assert figures["exposure_hours"][ended] > figures["exposure_hours"][first] > 0
    assert figures["interactions_observed"][ended] > figures["interactions_observed"][first]
    assert figures["journey_completion"][ended] > figures["journey_completion"][first]
    assert figures["reviews_held"][ended] > figures["reviews_held"][first]
    changed = figures["decisions_changed_after_exposure"]
    assert sum(changed[4:]) > sum(changed[:4])
    policies = figures["policies_changed_from_feedback"]
    assert sum(policies[4:]) > sum(policies[:4])
    assessed = figures["decisions_with_impact_assessment"]
    assert assessed[ended] > assessed[first]
    assert figures["resolution_days_median"][ended] < figures["resolution_days_median"][first]
    assert figures["resolution_days_p90"][ended] < figures["resolution_days_p90"][first]
    assert figures["reports_past_due"][ended] < figures["reports_past_due"][first]
    # One executive's participation fades two quarters running: the fade the CX lead is shown.
    fading = User.objects.get(email="james.whitfield@example.com")
    hours = _figures(QuarterFigure.Scope.EXECUTIVE, fading.pk)["exposure_hours"]
    assert hours[ended - 2] > hours[ended - 1] > hours[ended] > 0


def _nobody_in_two_places_at_once() -> None:
    """SQLite has no exclusion constraint: the history's bulk inserts keep the rule themselves."""
    places: dict[int, list[tuple[datetime, datetime]]] = {}
    for person, starts_at, ends_at in Participant.objects.filter(is_active=True).values_list(
        "person_id", "starts_at", "ends_at"
    ):
        places.setdefault(person, []).append((starts_at, ends_at))
    for person, spans in places.items():
        spans.sort()
        for (_, ends_at), (starts_at, _) in pairwise(spans):
            assert starts_at >= ends_at, User.objects.get(pk=person)


def test_seed_demo_history_shows_participation_rising_and_decisions_citing_exposure(settings):
    out = _seed(settings)

    quarters = Quarter.current().last(8)
    assert sorted(QuarterRollup.objects.values_list("quarter", flat=True)) == [
        str(q) for q in quarters
    ]
    assert f"Roll-ups computed for 8 quarters, {quarters[0]} to {quarters[-1]}" in out
    _assert_the_story()
    _nobody_in_two_places_at_once()
    changed = Decision.objects.filter(changed_at__isnull=False)
    assert changed.filter(sessions__isnull=False).exists()
    assert changed.filter(reflections__isnull=False).exists()
    assert changed.filter(friction_reports__isnull=False).exists()
    # The history lies before this month, clocks included, so the month's story is as it was.
    month_start = datetime.combine(org_today().replace(day=1), time(0), tzinfo=org_zone())
    history = {"created_at__lt": month_start}
    assert not FrictionReport.objects.filter(**history, closed_at__gte=month_start)
    assert not Decision.objects.filter(**history, changed_at__gte=month_start)
    assert not DecisionEvent.objects.filter(
        decision__created_at__lt=month_start, created_at__gte=month_start
    )
    assert not Session.objects.filter(**history, starts_at__gte=month_start)


def test_seed_demo_twice_changes_nothing(settings):
    def state():
        return {
            "counts": [
                model.objects.count()
                for model in (
                    Session,
                    Participant,
                    Reflection,
                    JourneyExercise,
                    FrictionReport,
                    FrictionEvent,
                    ReviewItem,
                    Decision,
                    DecisionEvent,
                )
            ],
            "figures": sorted(
                QuarterFigure.objects.values_list(
                    "rollup__quarter", "metric", "scope", "scope_id", "value"
                ),
                key=str,
            ),
        }

    _seed(settings)
    first = state()
    assert all(first["counts"])
    assert len(first["figures"]) > 8 * 10, "eight quarters of ten metrics, and more per scope"
    _seed(settings)
    assert state() == first


@pytest.mark.parametrize(
    "now",
    [
        datetime(2027, 4, 1, 0, 30, tzinfo=UTC),  # a quarter's first hour: nothing of it yet
        datetime(2027, 3, 1, 9, tzinfo=UTC),  # a quarter's last month
    ],
)
def test_seed_demo_history_holds_whatever_the_day(settings, now):
    with time_machine.travel(now, tick=False):
        _seed(settings)
        _assert_the_story()
        _nobody_in_two_places_at_once()
