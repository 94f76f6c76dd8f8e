"""An executive's own pages: schedule and progress, time off, swaps, calendar address; and the
CX lead's list of pending swaps, where one can be cancelled."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.http import action_redirect, errors_onto, form_page, next_url, posted
from core.permissions import permission_required

from ..forms import SwapRequestForm, TimeOffForm
from ..models import SwapRequest
from ..selectors import (
    participant_own,
    progress_of,
    sessions_upcoming,
    swap_requests_answerable_by,
    swap_requests_for,
    swap_requests_pending,
    time_off_conflicts,
    time_off_removable_by,
    time_off_upcoming,
)
from ..services.feeds import calendar_feed_get, calendar_feed_regenerate
from ..services.swaps import (
    swap_request_accept,
    swap_request_cancel,
    swap_request_create,
    swap_request_decline,
    swap_request_withdraw,
)
from ..services.time_off import (
    time_off_create,
    time_off_delete,
)
from . import ATTEND, MANAGE


@permission_required(ATTEND)
def my_schedule(request):
    """Executives: what is coming, how far along each target is, what needs an answer."""
    person = request.user
    feed = calendar_feed_get(person=person)
    return render(
        request,
        "immersion/schedule.html",
        {
            "upcoming": sessions_upcoming(person=person, limit=15),
            "progress": progress_of(person=person),
            "swaps": swap_requests_for(person=person),
            "time_off": time_off_upcoming(person=person),
            "feed_url": request.build_absolute_uri(reverse("immersion:feed", args=[feed.token])),
        },
    )


@require_POST
@permission_required(ATTEND, MANAGE)
def feed_regenerate(request):
    """Anyone with a feed: a new secret address; the old one stops working."""
    calendar_feed_regenerate(person=request.user)
    messages.success(
        request,
        "Your calendar has a new address. Subscribe to it again; the old one no longer works.",
    )
    return redirect(next_url(request, reverse("immersion:schedule")))


@permission_required(ATTEND, MANAGE)
def time_off_view(request):
    """Executives record their own time off; the CX lead records anyone's and sees all."""
    manager = request.user.has_perm(MANAGE)
    form = TimeOffForm(posted(request), for_others=manager)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data.get("person") or request.user
        try:
            entry = time_off_create(
                person=person,
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:  # not form_page: success adds a warning of the clashes
            errors_onto(form, exc)
        else:
            clashes = time_off_conflicts(time_off=entry)
            messages.success(request, f"Time off recorded for {person}.")
            if clashes:
                listed = "; ".join(
                    f"{p.session.activity_type} on {p.starts_at:%a %d %b}" for p in clashes
                )
                messages.warning(
                    request,
                    f"{person} still has {len(clashes)} session(s) then: {listed}. "
                    "Offer them for a swap, or the CX lead can reassign them.",
                )
            return redirect("immersion:time_off")
    entries = time_off_upcoming(person=None if manager else request.user)
    return render(
        request, "immersion/time_off.html", {"form": form, "entries": entries, "manager": manager}
    )


@require_POST
@permission_required(ATTEND, MANAGE)
def time_off_remove(request, pk: int):
    time_off_delete(time_off=get_object_or_404(time_off_removable_by(user=request.user), pk=pk))
    messages.success(request, "Time off removed.")
    return redirect("immersion:time_off")


@permission_required(ATTEND)
def swap_create(request, session_pk: int):
    """Executives: offer their place in one of their own upcoming sessions."""
    place = participant_own(person=request.user, session_pk=session_pk)
    if place is None:
        raise Http404
    session = place.session
    form = SwapRequestForm(posted(request), requested_by=request.user)
    return form_page(
        request,
        form,
        partial(swap_request_create, session=session, requested_by=request.user),
        template="immersion/swap_form.html",
        success=lambda _swap: (
            f"Swap request sent to {form.cleaned_data['offered_to'] or 'anyone'}. "
            "You keep the session until someone accepts."
        ),
        done_url=session.get_absolute_url(),
        context={"session": session},
    )


def _answer(request, pk: int, action, success: str):
    swap = get_object_or_404(swap_requests_answerable_by(user=request.user), pk=pk)
    return action_redirect(
        request,
        partial(action, swap=swap, by=request.user),
        success=success,
        done_url=reverse("immersion:schedule"),
    )


@require_POST
@permission_required(ATTEND)
def swap_accept(request, pk: int):
    return _answer(
        request, pk, swap_request_accept, "You took the session; it is on your schedule."
    )


@require_POST
@permission_required(ATTEND)
def swap_decline(request, pk: int):
    return _answer(request, pk, swap_request_decline, "Declined; they have been told.")


@require_POST
@permission_required(ATTEND)
def swap_withdraw(request, pk: int):
    return _answer(request, pk, swap_request_withdraw, "Swap request withdrawn.")


@permission_required(MANAGE)
def swaps_pending(request):
    """CX lead: every swap request waiting for an answer (session, who asked, to whom)."""
    return render(request, "immersion/swap_list.html", {"swaps": swap_requests_pending()})


@require_POST
@permission_required(MANAGE)
def swap_cancel(request, pk: int):
    """CX lead: cancel a pending swap request; the requester keeps their place."""
    swap = get_object_or_404(SwapRequest, pk=pk)
    return action_redirect(
        request,
        partial(swap_request_cancel, swap=swap, by=request.user),
        success="Swap request cancelled; the person who asked has been told.",
        done_url=reverse("immersion:swaps"),
    )
