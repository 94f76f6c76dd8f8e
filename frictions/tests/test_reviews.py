"""The weekly friction review: the agenda built for it, and its minutes."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from frictions.models import FrictionEvent, FrictionReport, ReviewItem
from frictions.reviews import (
    DECISION_REQUIRED_MESSAGE,
    NOT_A_REVIEW_MESSAGE,
    friction_review_prepare,
    review_item_record,
)
from frictions.services import friction_report_support
from frictions.tests.factories import file
from immersion.tests.factories import SessionFactory, activity

pytestmark = pytest.mark.django_db


def review_session(days_from_now: float):
    starts_at = (timezone.now() + timedelta(days=days_from_now)).replace(second=0, microsecond=0)
    return SessionFactory(activity_type=activity("friction-review"), starts_at=starts_at)


def test_the_agenda_has_new_overdue_and_most_supported_reports_each_once(
    frontline, cx_lead, make_user
):
    last_week = friction_review_prepare(session=review_session(-7), by=cx_lead)
    old_overdue, _ = file(frontline, title="Old and overdue")
    FrictionReport.objects.filter(pk=old_overdue.pk).update(
        created_at=timezone.now() - timedelta(days=20),
        acknowledge_by=timezone.localdate() - timedelta(days=3),
    )
    old_supported, _ = file(frontline, title="Old and supported")
    FrictionReport.objects.filter(pk=old_supported.pk).update(
        created_at=timezone.now() - timedelta(days=20)
    )
    friction_report_support(report=old_supported, supporter=make_user(roles=[Role.FRONTLINE]))
    fresh, _ = file(frontline, title="Fresh")
    friction_report_support(report=fresh, supporter=make_user(roles=[Role.FRONTLINE]))
    old_quiet, _ = file(frontline, title="Old and quiet")
    FrictionReport.objects.filter(pk=old_quiet.pk).update(
        created_at=timezone.now() - timedelta(days=20)
    )

    review = friction_review_prepare(session=review_session(1), by=cx_lead)

    agenda = {item.report.title: item.reason for item in review.items.all()}
    assert agenda == {
        "Fresh": ReviewItem.Reason.NEW,
        "Old and overdue": ReviewItem.Reason.OVERDUE,
        "Old and supported": ReviewItem.Reason.SUPPORTED,
    }
    assert last_week.items.count() == 0
    friction_review_prepare(session=review.session, by=cx_lead)
    assert review.items.count() == 3, "refreshing keeps the agenda, adds nothing twice"


def test_only_a_friction_review_session_gets_an_agenda(cx_lead):
    with pytest.raises(ValidationError, match=NOT_A_REVIEW_MESSAGE):
        friction_review_prepare(session=SessionFactory(), by=cx_lead)


def test_minutes_record_the_decision_owner_and_date_on_the_report(frontline, cx_lead, executive):
    report, _ = file(frontline)
    review = friction_review_prepare(session=review_session(1), by=cx_lead)
    item = review.items.get()
    with pytest.raises(ValidationError) as caught:
        review_item_record(item=item, by=cx_lead, decision=" ")
    assert caught.value.message_dict == {"decision": [DECISION_REQUIRED_MESSAGE]}
    committed = timezone.localdate() + timedelta(days=14)
    review_item_record(
        item=item,
        by=cx_lead,
        decision="Finance reviews the refund limit.",
        owner=executive,
        committed_date=committed,
    )
    report.refresh_from_db()
    assert (report.owner, report.decide_by) == (executive, committed)
    response = report.events.get(kind=FrictionEvent.Kind.RESPONSE)
    assert response.public
    assert "Finance reviews the refund limit." in response.text


def test_the_minutes_form_keeps_the_decision_when_the_date_is_missing(
    client, frontline, cx_lead, executive
):
    file(frontline)
    review = friction_review_prepare(session=review_session(1), by=cx_lead)
    item = review.items.get()
    client.force_login(cx_lead)
    prefix = f"item-{item.pk}"
    response = client.post(
        reverse("frictions:review_item", args=[item.pk]),
        {f"{prefix}-decision": "Ask finance", f"{prefix}-owner": executive.pk},
    )
    assert response.status_code == 200
    assert "Give both the owner and the date committed, or neither." in response.content.decode()
    assert "Ask finance" in response.content.decode()


@pytest.mark.parametrize("name", ["frictions:reviews", "frictions:review"])
def test_review_pages_take_the_same_queries_for_few_and_many(
    client, frontline, cx_lead, django_assert_max_num_queries, name
):
    client.force_login(cx_lead)
    counts = []
    for size in (2, 12):
        FrictionReport.objects.all().delete()
        for n in range(size):
            file(frontline, title=f"Report {n}")
        review = None
        for week in range(size):
            review = friction_review_prepare(
                session=review_session(-7 * week - 1 - size), by=cx_lead
            )
        url = reverse(name, args=[review.pk]) if name == "frictions:review" else reverse(name)
        with django_assert_max_num_queries(14) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
