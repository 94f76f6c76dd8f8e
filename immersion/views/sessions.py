"""One session: who, when, its history; the CX lead schedules, moves, cancels, reassigns."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.http import error_text, errors_onto, form_action, posted
from core.permissions import permission_required

from ..forms import (
    DrawCustomersForm,
    JourneyStartForm,
    ReassignForm,
    SessionCreateForm,
    SessionEditForm,
)
from ..models import ActivityType, CustomerCall, JourneyExercise, Session, SessionChange
from ..selectors import reflections_visible_to, session_for_viewer
from ..services.followthrough import reflection_due
from ..services.sessions import (
    participant_replace,
    session_cancel,
    session_confirm,
    session_create,
    session_reschedule,
    session_update_details,
)
from . import ATTEND, MANAGE, VIEW


def session_detail(request, pk: int):
    """Anyone signed in who takes part, hosts it, or sees the programme; 404 for others."""
    session = session_for_viewer(user=request.user, pk=pk)
    if session is None:
        raise Http404
    return _session_page(request, session)


def _session_page(request, session, *, reassign_form=None):
    """The session page; a refused form comes back with what was typed and why."""
    participants = session.participants.select_related("person", "reflection").order_by(
        "-is_active", "person__display_name"
    )
    mine = next((p for p in participants if p.person_id == request.user.pk and p.is_active), None)
    manager = request.user.has_perm(MANAGE)
    started = session.starts_at <= timezone.now()
    is_open = session.status != Session.Status.CANCELLED
    context = {
        "session": session,
        "participants": participants,
        "mine": mine,
        "manager": manager,
        "started": started,
        "changes": session.changes.select_related("changed_by"),
        "reassign_form": reassign_form or (ReassignForm(session=session) if manager else None),
        "open": is_open,
        "reflections": reflections_visible_to(user=request.user)
        .filter(participant__session=session)
        .prefetch_related("frictions", "commitments"),
    }
    exercise = session.activity_type.exercise
    sees_all = manager or request.user.has_perm(VIEW)
    if exercise == ActivityType.Exercise.JOURNEY and (mine or sees_all):
        journeys = JourneyExercise.objects.filter(participant__session=session).select_related(
            "template", "participant__person"
        )
        context["journeys"] = journeys if sees_all else journeys.filter(participant=mine)
        context["journey_form"] = JourneyStartForm() if mine and is_open else None
    if exercise == ActivityType.Exercise.CUSTOMER_CALLS and (mine or manager):
        calls = CustomerCall.objects.filter(participant__session=session).select_related(
            "customer", "participant__person"
        )
        context["calls"] = calls if manager else calls.filter(participant=mine)
        context["draw_form"] = DrawCustomersForm() if mine and is_open else None
    if mine is not None:
        context["my_reflection"] = getattr(mine, "reflection", None)
        context["reflection_due"] = reflection_due(session)
    return render(request, "immersion/session_detail.html", context)


@permission_required(MANAGE)
def session_create_view(request):
    form = SessionCreateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        activity = form.cleaned_data["activity_type"]
        starts_at, ends_at = form.when(activity.default_duration_minutes)
        try:
            session = session_create(
                activity_type=activity,
                starts_at=starts_at,
                ends_at=ends_at,
                participants=form.cleaned_data["participants"],
                host_team=form.cleaned_data["host_team"],
                host_agent=form.cleaned_data["host_agent"],
                notes=form.cleaned_data["notes"],
                created_by=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"{session.activity_type} scheduled.")
            return redirect(session.get_absolute_url())
    return render(request, "immersion/session_form.html", {"form": form, "session": None})


def _form_errors(form, exc: ValidationError) -> None:
    """Service errors onto the form: time errors onto the day field, the rest on top."""
    errors_onto(form, exc, fields={"starts_at": "day", "ends_at": "day"})


@permission_required(MANAGE)
def session_edit(request, pk: int):
    session = get_object_or_404(Session.objects.select_related("activity_type"), pk=pk)
    local = timezone.localtime(session.starts_at)
    initial = {
        "day": local.date(),
        "start_time": local.time(),
        "duration_minutes": session.duration_minutes,
        "host_team": session.host_team,
        "host_agent": session.host_agent,
        "notes": session.notes,
    }
    form = SessionEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.when(session.duration_minutes)
        try:
            if (starts_at, ends_at) != (session.starts_at, session.ends_at):
                session_reschedule(
                    session=session, starts_at=starts_at, ends_at=ends_at, by=request.user
                )
                session.refresh_from_db()
            session_update_details(
                session=session,
                by=request.user,
                host_team=form.cleaned_data["host_team"],
                host_agent=form.cleaned_data["host_agent"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Session saved; participants' calendars will update.")
            return redirect(session.get_absolute_url())
    return render(request, "immersion/session_form.html", {"form": form, "session": session})


@require_POST
@permission_required(MANAGE)
def session_cancel_view(request, pk: int):
    session = get_object_or_404(Session, pk=pk)
    try:
        session_cancel(session=session, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Session cancelled; participants' calendars will show it.")
    return redirect(session.get_absolute_url())


@require_POST
@permission_required(MANAGE, ATTEND)
def session_confirm_view(request, pk: int):
    """The CX lead, or a participant, confirms the session will happen."""
    session = session_for_viewer(user=request.user, pk=pk)
    if session is None or not (
        request.user.has_perm(MANAGE)
        or session.participants.filter(person=request.user, is_active=True).exists()
    ):
        raise Http404
    try:
        session_confirm(session=session, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Confirmed.")
    return redirect(session.get_absolute_url())


@require_POST
@permission_required(MANAGE)
def session_reassign(request, pk: int):
    """The CX lead gives one participant's place to another executive."""
    session = get_object_or_404(Session, pk=pk)
    form = ReassignForm(request.POST, session=session)
    done = form_action(
        request,
        form,
        partial(
            participant_replace,
            session=session,
            by=request.user,
            kind=SessionChange.Kind.REASSIGNED,
        ),
        success="Place given; both were told.",
        done_url=session.get_absolute_url(),
    )
    return done or _session_page(request, session, reassign_form=form)
