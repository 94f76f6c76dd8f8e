"""The weekly friction review: its agenda, built from the board, and its minutes."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.ranges import date_range_check
from immersion.models import Session

from ..models import OPEN_STATUSES, FrictionEvent, FrictionReport, FrictionReview, ReviewItem
from ..selectors import friction_board
from ..selectors.reviews import REVIEW_ACTIVITY
from ..signals import report_updated
from .triage import friction_report_triage

NOT_A_REVIEW_MESSAGE = "Only a session of the weekly friction review can have an agenda."
CANCELLED_MESSAGE = "This session was cancelled."
DECISION_REQUIRED_MESSAGE = "Write what was decided."
MOST_SUPPORTED = 5


@transaction.atomic
def friction_review_prepare(*, session: Session, by: User) -> FrictionReview:
    """Build (or bring up to date) a review's agenda: reports new since the previous review,
    the overdue ones, and the most supported open ones; each report once, for its first
    reason. Items already on the agenda, and their minutes, stay."""
    if session.activity_type.slug != REVIEW_ACTIVITY:
        raise ValidationError(NOT_A_REVIEW_MESSAGE)
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(CANCELLED_MESSAGE)
    review, _ = FrictionReview.objects.get_or_create(session=session, defaults={"prepared_by": by})
    previous = (
        FrictionReview.objects.filter(session__starts_at__lt=session.starts_at)
        .select_related("session")
        .order_by("-session__starts_at")
        .first()
    )
    new = FrictionReport.objects.filter(created_at__lt=session.starts_at)
    if previous is not None:
        new = new.filter(created_at__gte=previous.session.starts_at)
    wanted = [(report, ReviewItem.Reason.NEW) for report in new.order_by("created_at", "pk")]
    overdue = friction_board(filters={"overdue": True, "sort": "overdue"})
    wanted += [(report, ReviewItem.Reason.OVERDUE) for report in overdue]
    supported = (
        FrictionReport.objects.filter(status__in=OPEN_STATUSES)
        .filter(support_count__gt=0)
        .order_by("-support_count", "pk")[:MOST_SUPPORTED]
    )
    wanted += [(report, ReviewItem.Reason.SUPPORTED) for report in supported]
    present = set(review.items.values_list("report_id", flat=True))
    position = review.items.count()
    for report, reason in wanted:
        if report.pk in present:
            continue
        ReviewItem.objects.create(review=review, report=report, reason=reason, position=position)
        present.add(report.pk)
        position += 1
    return review


@transaction.atomic
def review_item_record(
    *,
    item: ReviewItem,
    by: User,
    decision: str,
    owner: User | None = None,
    committed_date: date | None = None,
) -> ReviewItem:
    """The minutes of one agenda item: what was decided, the owner, the date committed. The
    decision is a public response on the report's timeline; the owner and date become the
    report's (as triage would set them)."""
    if not decision.strip():
        raise ValidationError({"decision": DECISION_REQUIRED_MESSAGE})
    date_range_check(committed_date=committed_date)
    report = item.report
    if owner is not None and committed_date is not None:
        friction_report_triage(
            report=report,
            by=by,
            owner=owner,
            acknowledge_by=min(report.acknowledge_by, committed_date),
            decide_by=committed_date,
        )
    item.decision = decision.strip()
    item.owner = owner
    item.committed_date = committed_date
    item.recorded_at = timezone.now()
    item.save()
    event = FrictionEvent.objects.create(
        report=report,
        kind=FrictionEvent.Kind.RESPONSE,
        actor=by,
        text=f"{item.review}: {item.decision}",
    )
    report_updated.send(sender=FrictionReport, event=event)
    return item
