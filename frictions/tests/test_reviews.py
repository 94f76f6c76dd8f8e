"""The weekly friction review: the agenda built for it, and its minutes."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from frictions.forms import REVIEW_OWNER_MESSAGE
from frictions.models import FrictionEvent, FrictionReport, FrictionReview, ReviewItem
from frictions.services import friction_report_support
from frictions.services.reviews import (
    DECISION_REQUIRED_MESSAGE,
    NOT_A_REVIEW_MESSAGE,
    friction_review_prepare,
    review_item_record,
)
from frictions.tests.factories import file
from immersion.models import Session
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
        {f"{prefix}-decision": "Ask finance", f"{prefix}-owner": executive.email},
    )
    assert response.status_code == 200
    assert "Give both the owner and the date committed, or neither." in response.content.decode()
    assert "Ask finance" in response.content.decode()


def _reviews(frontline, cx_lead, size):
    """`size` reviews held on the past days, then `size` reports filed since, so each one is
    on the agenda of tomorrow's review (which is returned)."""
    FrictionReview.objects.all().delete()
    Session.objects.filter(activity_type__slug="friction-review").delete()
    FrictionReport.objects.all().delete()
    for day in range(size):
        friction_review_prepare(session=review_session(-day - 1), by=cx_lead)
    for n in range(size):
        file(frontline, title=f"Report {n}")
    return friction_review_prepare(session=review_session(1), by=cx_lead)


def test_review_list_takes_the_same_queries_for_few_and_many(
    client, frontline, cx_lead, queries_at_two_sizes
):
    client.force_login(cx_lead)

    def build(size):
        _reviews(frontline, cx_lead, size)
        return reverse("frictions:reviews")

    queries_at_two_sizes(
        build, lambda page: page.content.decode().count('class="list-group-item'), ceiling=8
    )


def test_review_agenda_takes_the_same_queries_for_2_and_12_items(
    client, frontline, cx_lead, executive, queries_at_two_sizes
):
    """Each item has its own minutes form, all listing the executives: read them once."""
    client.force_login(cx_lead)

    def build(size):
        return reverse("frictions:review", args=[_reviews(frontline, cx_lead, size).pk])

    queries_at_two_sizes(
        build,
        lambda page: page.content.decode().count("Save the minutes<"),
        ceiling=8,
        sizes=(2, 12),
    )


def test_the_agenda_lists_the_executives_once_and_each_item_picks_its_owner_by_email(
    client, frontline, cx_lead, executive, make_user
):
    file(frontline, title="One")
    file(frontline, title="Two")
    review = friction_review_prepare(session=review_session(1), by=cx_lead)
    client.force_login(cx_lead)
    page = client.get(review.get_absolute_url()).content.decode()
    assert page.count('<datalist id="review-owners">') == 1
    assert page.count(f'<option value="{executive.email}">') == 1
    assert page.count('list="review-owners"') == 2
    # The list is remembered between views; a new executive is on it at once.
    newcomer = make_user(roles=[Role.EXECUTIVE], display_name="Nia New")
    again = client.get(review.get_absolute_url()).content.decode()
    assert f'<option value="{newcomer.email}">Nia New</option>' in again

    item = review.items.get(report__title="One")
    prefix = f"item-{item.pk}"
    url = reverse("frictions:review_item", args=[item.pk])
    committed = (timezone.localdate() + timedelta(days=10)).isoformat()
    unknown = client.post(
        url,
        {
            f"{prefix}-decision": "Ask finance",
            f"{prefix}-owner": "nobody@example.com",
            f"{prefix}-committed_date": committed,
        },
    )
    assert REVIEW_OWNER_MESSAGE in unknown.content.decode()
    done = client.post(
        url,
        {
            f"{prefix}-decision": "Ask finance",
            f"{prefix}-owner": executive.email.upper(),
            f"{prefix}-committed_date": committed,
        },
    )
    assert done.status_code == 302
    assert FrictionReport.objects.get(title="One").owner == executive


def test_the_agenda_shows_no_list_of_executives_to_who_cannot_record_minutes(
    client, frontline, cx_lead
):
    file(frontline)
    review = friction_review_prepare(session=review_session(1), by=cx_lead)
    client.force_login(frontline)
    assert "<datalist" not in client.get(review.get_absolute_url()).content.decode()
