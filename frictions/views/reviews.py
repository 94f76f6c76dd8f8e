"""The weekly friction review: the CX lead prepares the agenda and records the minutes;
everyone who reads the board reads them."""

from datetime import timedelta
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.http import error_text, form_action
from core.permissions import permission_required
from immersion.models import Session

from ..forms import ReviewItemForm
from ..models import FrictionReview, ReviewItem
from ..services.reviews import REVIEW_ACTIVITY, friction_review_prepare, review_item_record
from .reports import TRIAGE, VIEW


@permission_required(VIEW)
def review_list(request):
    """Reviews of the last two months and the next month, newest first."""
    now = timezone.now()
    sessions = (
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
    return render(request, "frictions/review_list.html", {"sessions": sessions})


@require_POST
@permission_required(TRIAGE)
def review_prepare(request, session_pk: int):
    session = get_object_or_404(Session.objects.select_related("activity_type"), pk=session_pk)
    try:
        review = friction_review_prepare(session=session, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("frictions:reviews")
    messages.success(request, "The agenda is ready.")
    return redirect(review.get_absolute_url())


def _review_page(request, review, *, bound=None, status=200):
    items = list(
        review.items.select_related("report__owner", "owner").annotate(
            support_count=Count("report__supports", distinct=True)
        )
    )
    if request.user.has_perm(TRIAGE):
        owner_choices = ReviewItemForm.owner_choices()
        for item in items:
            if bound is not None and bound[0] == item.pk:
                item.form = bound[1]
            else:
                item.form = ReviewItemForm(
                    initial={
                        "decision": item.decision,
                        "owner": item.owner_id or item.report.owner_id,
                        "committed_date": item.committed_date or item.report.decide_by,
                    },
                    prefix=f"item-{item.pk}",
                    owner_choices=owner_choices,
                )
    return render(
        request,
        "frictions/review_detail.html",
        {"review": review, "items": items, "reasons": ReviewItem.Reason},
        status=status,
    )


@permission_required(VIEW)
def review_detail(request, pk: int):
    review = get_object_or_404(
        FrictionReview.objects.select_related("session__activity_type", "prepared_by"), pk=pk
    )
    return _review_page(request, review)


@require_POST
@permission_required(TRIAGE)
def review_item(request, pk: int):
    """The CX lead records the minutes of one item."""
    item = get_object_or_404(ReviewItem.objects.select_related("review__session", "report"), pk=pk)
    form = ReviewItemForm(request.POST, prefix=f"item-{item.pk}")
    done = form_action(
        request,
        form,
        partial(review_item_record, item=item, by=request.user),
        success=f"Minutes recorded for “{item.report}”.",
        done_url=f"{item.review.get_absolute_url()}#item-{item.pk}",
    )
    return done or _review_page(request, item.review, bound=(item.pk, form))
