"""The benchmark volume's generator (demo/scale/), at a tiny size: it still writes rows every
table's constraints accept as the models change, and every metric has a figure from them."""

from datetime import UTC, datetime

import pytest
import time_machine

from demo.scale import Volume, generate
from frictions.models import Decision, FrictionReport, FrictionSupport
from immersion.models import Participant, Reflection, Session
from metrics.definitions import METRICS, MetricFamily
from metrics.models import QuarterFigure
from metrics.quarters import Quarter
from metrics.services import quarter_rollup_compute

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
TINY = Volume(executives=6, agents=40, years=1, reports=300, supports=600, decisions=60)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_generate_writes_the_volume_asked_for():
    written = generate(volume=TINY, log=lambda *_: None)

    assert FrictionReport.objects.count() == written["frictions_frictionreport"][0] >= 300
    assert Decision.objects.count() == 60
    assert FrictionSupport.objects.count() >= 600 * 0.8
    assert FrictionReport.objects.filter(is_anonymous=True, reporter=None).exists()
    assert Session.objects.filter(starts_at__gt=NOW).exists()  # planned, not yet held
    assert Participant.objects.filter(attendance=Participant.Attendance.ATTENDED).exists()
    assert Reflection.objects.exists()
    # The ids it chose itself are behind the sequences: the application inserts after them.
    assert FrictionReport.objects.create(
        title="t", description="d", area="policy", channel="phone", customers_per_week=1,
        severity="low", acknowledge_by=NOW.date(), decide_by=NOW.date(),
    ).pk > max(FrictionReport.objects.exclude(title="t").values_list("pk", flat=True))  # fmt: skip


def test_every_metric_has_a_figure_in_the_last_full_quarter():
    generate(volume=TINY, log=lambda *_: None)
    quarter = Quarter.current().previous

    rollup = quarter_rollup_compute(quarter=quarter)

    figures = {
        f.metric: f.value for f in rollup.figures.filter(scope=QuarterFigure.Scope.ORGANISATION)
    }
    expected = [key for key, m in METRICS.items() if not isinstance(m, MetricFamily)]
    missing = [key for key in expected if figures.get(key) is None]
    assert missing == []
    assert figures["exposure_hours"] > 0
    assert figures["interactions_observed"] > 0
    assert figures["reviews_held"] > 0
    assert any(key.startswith("compliance:") for key in figures)


def test_decisions_change_after_exposure_over_the_year():
    generate(volume=TINY, log=lambda *_: None)

    changed = 0.0
    for quarter in Quarter.current().previous.last(4):
        rollup = quarter_rollup_compute(quarter=quarter)
        changed += rollup.figures.get(
            metric="decisions_changed_after_exposure", scope=QuarterFigure.Scope.ORGANISATION
        ).value

    assert changed > 0
