"""Reads of the weekly friction review: the review sessions around now, an agenda and its
items.

The sessions are read from immersion's models here: immersion.selectors has no read of the
sessions of one activity with their reviews' counts."""

from datetime import datetime, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from immersion.models import Session

from ..models import FrictionReview, ReviewItem

REVIEW_ACTIVITY = "friction-review"


def review_sessions_recent(*, now: datetime | None = None) -> QuerySet[Session]:
    """Sessions of the weekly review from two months ago to a month ahead (cancelled ones left
    out), newest first, each with its review and how many items it has and has minutes for."""
    now = now or timezone.now()
    return (
        Session.objects.filter(
            activity_type__slug=REVIEW_ACTIVITY,
            starts_at__gte=now - timedelta(days=60),
            starts_at__lte=now + timedelta(days=31),
        )
        .exclude(status=Session.Status.CANCELLED)
        .select_related("friction_review")
        .annotate(
            item_count=Count("friction_review__items", distinct=True),
            recorded_count=Count(
                "friction_review__items",
                filter=Q(friction_review__items__recorded_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("-starts_at")
    )


def review_session_for(*, pk: int) -> Session | None:
    """A session with its activity, to prepare a review's agenda for (the service says whether
    it can have one)."""
    return Session.objects.select_related("activity_type").filter(pk=pk).first()


def friction_review_for(*, pk: int) -> FrictionReview | None:
    """A review with its session and who prepared it."""
    return (
        FrictionReview.objects.select_related("session__activity_type", "prepared_by")
        .filter(pk=pk)
        .first()
    )


def review_items_for(*, review: FrictionReview) -> list[ReviewItem]:
    """A review's agenda in order, each item with its report, owners and the report's support
    count (one query)."""
    return list(
        review.items.select_related("report__owner", "owner").annotate(
            support_count=F("report__support_count")
        )
    )


def review_item_for(*, pk: int) -> ReviewItem | None:
    """One agenda item with its review's session and its report, to record its minutes."""
    return ReviewItem.objects.select_related("review__session", "report").filter(pk=pk).first()
