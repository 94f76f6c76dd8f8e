"""After a session: confirming attendance, writing the reflection, keeping commitments."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.http import action_redirect, errors_onto, form_page, next_url, posted
from core.paging import page_by_keys
from core.permissions import permission_required

from ..filters import ReflectionFilter
from ..forms import AttendanceForm, CommitmentFormSet, ReflectionForm
from ..forms.followthrough import FrictionLineFormSet
from ..models import Commitment, Participant, Reflection
from ..selectors import executive_options_html, participant_for, reflection_search
from ..services.followthrough import (
    CommitmentInput,
    FrictionLine,
    attendance_record,
    commitment_set_done,
    minutes_limit,
    reflection_closes,
    reflection_due,
    reflection_is_locked,
    reflection_locks,
    reflection_save,
)
from . import ATTEND, MANAGE, VIEW

SHARED = "immersion.view_shared_reflections"
# A reflection is a card of text to read: 50 a page was 100 KB and most of the page's time.
REFLECTIONS_PER_PAGE = 20
# The reflections page counts (and pages through) at most this many of a list, and of a
# search the second; past it, it says so. Counting all 140,000 was 20 ms of every view of the
# list, and all 9,400 matches of "price" 40 ms. Counting a search tests each row it passes (the
# first 1,000 matches of "price" were 14,000 rows, 8 ms); ten pages of matches are as many as a
# search is read through before another word narrows it. The list keeps fifty pages: it has
# no other way back to an executive's older reflections.
REFLECTIONS_ROWS_MAX = 1_000
REFLECTIONS_SEARCH_ROWS_MAX = 200


@permission_required(ATTEND, MANAGE)
def attendance_view(request, pk: int):
    """The executive, for their own place, or the CX lead, for anyone's: attended or missed,
    minutes, interactions observed."""
    place = participant_for(user=request.user, pk=pk)
    if place is None:
        raise Http404
    session = place.session
    initial = {}
    if place.confirmed_at:
        initial = {
            "attended": "yes" if place.attendance == Participant.Attendance.ATTENDED else "no",
            "minutes": place.actual_minutes,
            "interactions": place.interactions_observed,
        }
    form = AttendanceForm(posted(request), initial=initial, limit=minutes_limit(session))

    def then(_place) -> str:
        """Their own attended exposure with nothing written yet: on to the reflection."""
        if (
            place.person_id == request.user.pk
            and form.cleaned_data["attended"]
            and session.activity_type.is_exposure
            and not hasattr(place, "reflection")
        ):
            return reverse("immersion:reflection", kwargs={"pk": place.pk})
        return session.get_absolute_url()

    return form_page(
        request,
        form,
        partial(attendance_record, participant=place, by=request.user),
        template="immersion/attendance_form.html",
        success=f"Attendance recorded for {place.person}.",
        done_url=then,
        context={"place": place, "session": session},
    )


def _friction_initial(reflection: Reflection | None) -> list[dict]:
    if reflection is None:
        return []
    return [{"id": f.pk, "text": f.text} for f in reflection.frictions.all()]


def _beside_fieldsets(exc: ValidationError) -> tuple[ValidationError, dict[str, list[str]]]:
    """A refusal split in two: what goes on the form, and the frictions' and commitments'
    messages, shown in their own fieldsets (they are formsets, not fields of the form)."""
    if not hasattr(exc, "error_dict"):
        return exc, {}
    errors = exc.message_dict
    beside = {name: errors.pop(name, []) for name in ("frictions", "commitments")}
    return ValidationError(errors), beside


def _commitment_initial(reflection: Reflection | None) -> list[dict]:
    if reflection is None:
        return []
    return [
        {"text": c.text, "due_date": c.due_date}
        for c in reflection.commitments.all()
        if c.done_at is None
    ]


@permission_required(ATTEND)
def reflection_view(request, pk: int):
    """Its author only: write or change their reflection on a session, until it locks."""
    place = participant_for(user=request.user, pk=pk)
    if place is None or place.person_id != request.user.pk:
        raise Http404
    reflection = getattr(place, "reflection", None)
    locked = reflection is not None and reflection_is_locked(reflection)
    initial = {}
    if reflection is not None:
        initial = {
            "surprised": reflection.surprised,
            "would_change": reflection.would_change,
            "customer_quote": reflection.customer_quote,
            "visibility": reflection.visibility,
        }
    form = ReflectionForm(posted(request), initial=initial)
    frictions = FrictionLineFormSet(
        posted(request), initial=_friction_initial(reflection), prefix="frictions"
    )
    commitments = CommitmentFormSet(
        posted(request), initial=_commitment_initial(reflection), prefix="commitments"
    )
    beside = {}
    if (
        request.method == "POST"
        and form.is_valid()
        and frictions.is_valid()
        and commitments.is_valid()
    ):
        try:
            reflection = reflection_save(
                participant=place,
                by=request.user,
                # A line emptied is a line taken out.
                frictions=[
                    FrictionLine(item["text"], item.get("id"))
                    for item in frictions.cleaned_data
                    if item.get("text")
                ],
                commitments=[
                    CommitmentInput(item["text"], item["due_date"])
                    for item in commitments.cleaned_data
                    if item.get("text")
                ],
                **form.cleaned_data,
            )
        except ValidationError as exc:  # not form_action: the refusal is split over two formsets
            on_form, beside = _beside_fieldsets(exc)
            errors_onto(form, on_form)
        else:
            messages.success(request, "Reflection saved. Thank you.")
            return redirect(place.session.get_absolute_url())
    session = place.session
    return render(
        request,
        "immersion/reflection_form.html",
        {
            "form": form,
            "frictions": frictions,
            "frictions_errors": beside.get("frictions", []),
            "commitments": commitments,
            "commitments_errors": beside.get("commitments", []),
            "done_commitments": [c for c in reflection.commitments.all() if c.done_at]
            if reflection
            else [],
            "place": place,
            "session": session,
            "reflection": reflection,
            "locked": locked,
            "locks_at": reflection_locks(reflection) if reflection else None,
            "closes_at": reflection_closes(session),
            "due_at": reflection_due(session),
            "edit_days": settings.REFLECTION_EDIT_DAYS,
        },
    )


@require_POST
@permission_required(ATTEND)
def commitment_done(request, pk: int):
    """Its author: mark a commitment done, or not done after all."""
    commitment = get_object_or_404(Commitment, pk=pk, person=request.user)
    done = request.POST.get("done", "yes") != "no"
    return action_redirect(
        request,
        partial(commitment_set_done, commitment=commitment, by=request.user, done=done),
        success=f"“{commitment.text}” {'done' if done else 'is open again'}.",
        done_url=next_url(request, reverse("home")),
    )


@permission_required(ATTEND, MANAGE, SHARED)
def reflection_list(request):
    """Executives read their own; the CX lead all; leadership those shared with it."""
    filters = ReflectionFilter(request.GET, user=request.user)
    if "person" in filters.form.fields:  # those who may pick an executive
        filters.form.fields["person"].widget.options_html = executive_options_html()
    # A value it cannot read (a person since removed) is left out; the others still count.
    valid = filters.is_valid()
    searched = bool(filters.form.cleaned_data.get("q"))
    rows_max = REFLECTIONS_SEARCH_ROWS_MAX if searched else REFLECTIONS_ROWS_MAX
    page = page_by_keys(
        request,
        reflection_search(user=request.user, filters=request.GET),
        per_page=min(settings.PAGE_SIZE, REFLECTIONS_PER_PAGE),
        rows_max=rows_max,
    )
    return render(
        request,
        "immersion/reflection_list.html",
        {
            "filters": filters.form,
            "filtered": valid and any(filters.form.cleaned_data.values()),
            "page": page,
            "rows_max": rows_max if page.paginator.capped else None,
            "is_reader": request.user.has_perm(MANAGE)
            or request.user.has_perm(SHARED)
            or request.user.has_perm(VIEW),
        },
    )
