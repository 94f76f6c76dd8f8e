"""One session: who, when, its history; the CX lead schedules, moves, cancels, reassigns."""

from functools import partial

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.http import action_redirect, form_action, form_page, posted
from core.permissions import permission_required

from ..forms import (
    DrawCustomersForm,
    JourneyStartForm,
    ReassignForm,
    SessionCreateForm,
    SessionEditForm,
)
from ..models import ActivityType, Session, SessionChange
from ..selectors import (
    session_calls,
    session_changes,
    session_for_viewer,
    session_has_participant,
    session_journeys,
    session_participants,
    session_reflections,
)
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
    participants = session_participants(session=session)
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
        "changes": session_changes(session=session),
        "reassign_form": reassign_form or (ReassignForm(session=session) if manager else None),
        "open": is_open,
        "reflections": session_reflections(session=session, user=request.user),
    }
    exercise = session.activity_type.exercise
    sees_all = manager or request.user.has_perm(VIEW)
    if exercise == ActivityType.Exercise.JOURNEY and (mine or sees_all):
        context["journeys"] = session_journeys(
            session=session, participant=None if sees_all else mine
        )
        context["journey_form"] = JourneyStartForm() if mine and is_open else None
    if exercise == ActivityType.Exercise.CUSTOMER_CALLS and (mine or manager):
        context["calls"] = session_calls(session=session, participant=None if manager else mine)
        context["draw_form"] = DrawCustomersForm() if mine and is_open else None
    if mine is not None:
        context["my_reflection"] = getattr(mine, "reflection", None)
        context["reflection_due"] = reflection_due(session)
    return render(request, "immersion/session_detail.html", context)


# A service's refusal about the times goes beside the day the form asks for.
TIMES_ON_DAY = {"starts_at": "day", "ends_at": "day"}


@permission_required(MANAGE)
def session_create_view(request):
    form = SessionCreateForm(posted(request))

    def schedule(*, activity_type, participants, host_team, host_agent, notes, desk, **_when):
        starts_at, ends_at = form.when(activity_type.default_duration_minutes)
        return session_create(
            activity_type=activity_type,
            starts_at=starts_at,
            ends_at=ends_at,
            participants=participants,
            host_team=host_team,
            host_agent=host_agent,
            notes=notes,
            desk=desk,
            created_by=request.user,
        )

    return form_page(
        request,
        form,
        schedule,
        template="immersion/session_form.html",
        success=lambda session: f"{session.activity_type} scheduled.",
        done_url=lambda session: session.get_absolute_url(),
        context={"session": None},
        fields=TIMES_ON_DAY,
    )


@permission_required(MANAGE)
def session_edit(request, pk: int):
    session = session_for_viewer(user=request.user, pk=pk)
    if session is None:
        raise Http404
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

    def save(*, host_team, host_agent, notes, **_when):
        starts_at, ends_at = form.when(session.duration_minutes)
        if (starts_at, ends_at) != (session.starts_at, session.ends_at):
            session_reschedule(
                session=session, starts_at=starts_at, ends_at=ends_at, by=request.user
            )
            session.refresh_from_db()
        session_update_details(
            session=session,
            by=request.user,
            host_team=host_team,
            host_agent=host_agent,
            notes=notes,
        )

    return form_page(
        request,
        form,
        save,
        template="immersion/session_form.html",
        success="Session saved; participants' calendars will update.",
        done_url=session.get_absolute_url(),
        context={"session": session},
        fields=TIMES_ON_DAY,
    )


@require_POST
@permission_required(MANAGE)
def session_cancel_view(request, pk: int):
    session = get_object_or_404(Session, pk=pk)
    return action_redirect(
        request,
        partial(
            session_cancel, session=session, by=request.user, reason=request.POST.get("reason", "")
        ),
        success="Session cancelled; participants' calendars will show it.",
        done_url=session.get_absolute_url(),
    )


@require_POST
@permission_required(MANAGE, ATTEND)
def session_confirm_view(request, pk: int):
    """The CX lead, or a participant, confirms the session will happen."""
    session = session_for_viewer(user=request.user, pk=pk)
    if session is None or not (
        request.user.has_perm(MANAGE)
        or session_has_participant(session=session, person=request.user)
    ):
        raise Http404
    return action_redirect(
        request,
        partial(session_confirm, session=session, by=request.user),
        success="Confirmed.",
        done_url=session.get_absolute_url(),
    )


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
