"""A target's progress as a person sees it: native progress bars that say their numbers."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from immersion.models import CadenceTarget
from immersion.selectors import Progress

pytestmark = pytest.mark.django_db


def _progress(**amounts) -> Progress:
    target = CadenceTarget.objects.select_related("activity_type").get(
        activity_type__slug="call-listening"
    )
    return Progress(person=None, target=target, period_label="November", **amounts)


def test_progress_draws_done_over_done_or_planned_and_says_both():
    html = render_to_string(
        "immersion/_progress.html",
        {"progress": _progress(needed=Decimal(2), done=Decimal(1), planned=Decimal("0.5"))},
    )
    assert '<progress class="progress-scheduled" max="100" value="75"' in html
    assert '<progress class="progress-done" max="100" value="50"' in html
    assert "Call listening: 50% done, 25% planned" in html
    assert "bar-w-" not in html


@pytest.mark.parametrize(
    ("needed", "done", "planned", "shown"),
    [
        (Decimal(2), Decimal(5), Decimal(1), (100, 0)),  # more than needed: full, nothing over
        (Decimal(0), Decimal(0), Decimal(1), (100, 0)),  # nothing needed this period
    ],
)
def test_progress_never_passes_a_full_bar(needed, done, planned, shown):
    progress = _progress(needed=needed, done=done, planned=planned)
    assert (progress.percent_done, progress.percent_planned) == shown
    assert progress.percent_scheduled == 100
