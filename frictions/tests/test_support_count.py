"""The support count kept on each report's row (FrictionReport.support_count), which the board
sorts by with an index: it follows every way a "me too" is added or taken away."""

import pytest

from frictions.models import FrictionReport, FrictionSupport
from frictions.selectors import friction_board
from frictions.services import friction_report_support
from frictions.services.supports import friction_support_counts_refresh
from frictions.tests.factories import file, release_anonymous

pytestmark = pytest.mark.django_db


def count(report) -> int:
    return FrictionReport.objects.values_list("support_count", flat=True).get(pk=report.pk)


def test_the_count_follows_named_anonymous_and_removed_support(frontline, executive, make_user):
    report, _ = file(frontline)
    friction_report_support(report=report, supporter=executive)
    assert count(report) == 1
    friction_report_support(report=report, supporter=make_user(), anonymous=True)
    assert count(report) == 1, "an anonymous one counts once released, not before"
    release_anonymous()
    assert count(report) == 2
    FrictionSupport.objects.filter(report=report, supporter=executive).delete()
    assert count(report) == 1


def test_a_count_gone_wrong_is_counted_again_from_the_supports(frontline, executive):
    report, _ = file(frontline)
    friction_report_support(report=report, supporter=executive)
    FrictionReport.objects.filter(pk=report.pk).update(support_count=99)
    assert friction_support_counts_refresh() == FrictionReport.objects.count()
    assert count(report) == 1


def test_the_board_sorts_by_the_kept_count(frontline, make_user):
    file(frontline, title="Quiet")
    loud, _ = file(frontline, title="Loud")
    for _ in range(3):
        friction_report_support(report=loud, supporter=make_user())
    assert [r.title for r in friction_board()][:2] == ["Loud", "Quiet"]
    assert friction_board()[0].support_count == 3
