"""The weekly friction review: the CX lead prepares the agenda and records the minutes;
everyone who reads the board reads them."""

from functools import partial

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.http import action_redirect, form_action
from core.permissions import permission_required

from ..forms import ReviewItemForm
from ..models import ReviewItem
from ..selectors import (
    friction_review_for,
    review_item_for,
    review_items_for,
    review_session_for,
    review_sessions_recent,
)
from ..services.reviews import friction_review_prepare, review_item_record
from . import TRIAGE, VIEW


def _found(record):
    if record is None:
        raise Http404
    return record


@permission_required(VIEW)
def review_list(request):
    """Reviews of the last two months and the next month, newest first."""
    return render(request, "frictions/review_list.html", {"sessions": review_sessions_recent()})


@require_POST
@permission_required(TRIAGE)
def review_prepare(request, session_pk: int):
    session = _found(review_session_for(pk=session_pk))
    return action_redirect(
        request,
        partial(friction_review_prepare, session=session, by=request.user),
        success="The agenda is ready.",
        done_url=lambda review: review.get_absolute_url(),
        refused_url=reverse("frictions:reviews"),
    )


def _review_page(request, review, *, bound=None, status=200):
    items = review_items_for(review=review)
    owners = None
    if request.user.has_perm(TRIAGE):
        owners = ReviewItemForm.owner_datalist()
        for item in items:
            if bound is not None and bound[0] == item.pk:
                item.form = bound[1]
            else:
                item.form = ReviewItemForm(
                    initial={
                        "decision": item.decision,
                        "owner": item.owner or item.report.owner,
                        "committed_date": item.committed_date or item.report.decide_by,
                    },
                    prefix=f"item-{item.pk}",
                )
    return render(
        request,
        "frictions/review_detail.html",
        {
            "review": review,
            "items": items,
            "reasons": ReviewItem.Reason,
            "owners": owners,
        },
        status=status,
    )


@permission_required(VIEW)
def review_detail(request, pk: int):
    return _review_page(request, _found(friction_review_for(pk=pk)))


@require_POST
@permission_required(TRIAGE)
def review_item(request, pk: int):
    """The CX lead records the minutes of one item."""
    item = _found(review_item_for(pk=pk))
    form = ReviewItemForm(request.POST, prefix=f"item-{item.pk}")
    done = form_action(
        request,
        form,
        partial(review_item_record, item=item, by=request.user),
        success=f"Minutes recorded for “{item.report}”.",
        done_url=f"{item.review.get_absolute_url()}#item-{item.pk}",
    )
    return done or _review_page(request, item.review, bound=(item.pk, form))
