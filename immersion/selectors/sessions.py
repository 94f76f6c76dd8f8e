"""Reads for one session's page and an executive's own sessions: who takes part, what
changed, what each participant did there; their places, swaps and time off."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User

from ..models import (
    CustomerCall,
    JourneyExercise,
    Participant,
    Reflection,
    Session,
    SessionChange,
    SwapRequest,
    TimeOff,
)
from .followthrough import MANAGE, REFLECTION_CARD_LINES, reflections_visible_to


def session_participants(*, session: Session) -> QuerySet[Participant]:
    """Everyone who has or had a place in the session: those still in first, by name, with
    their reflection (if any) loaded."""
    return session.participants.select_related("person", "reflection").order_by(
        "-is_active", "person__display_name"
    )


def session_changes(*, session: Session) -> QuerySet[SessionChange]:
    """The session's history, oldest first, with who made each change."""
    return session.changes.select_related("changed_by")


def session_journeys(
    *, session: Session, participant: Participant | None = None
) -> QuerySet[JourneyExercise]:
    """Journey exercises walked in the session: everyone's, or only `participant`'s (an
    executive sees their own; the CX lead and leadership everyone's)."""
    journeys = JourneyExercise.objects.filter(participant__session=session).select_related(
        "template", "participant__person"
    )
    return journeys if participant is None else journeys.filter(participant=participant)


def session_calls(
    *, session: Session, participant: Participant | None = None
) -> QuerySet[CustomerCall]:
    """Customer calls drawn in the session: everyone's, or only `participant`'s (customers'
    details are for the CX lead and the executive a call is assigned to)."""
    calls = CustomerCall.objects.filter(participant__session=session).select_related(
        "customer", "participant__person"
    )
    return calls if participant is None else calls.filter(participant=participant)


def session_reflections(*, session: Session, user: User) -> QuerySet[Reflection]:
    """The reflections on the session that `user` may read (`reflections_visible_to`), with
    their friction lines and commitments."""
    return (
        reflections_visible_to(user=user)
        .filter(participant__session=session)
        .prefetch_related(*REFLECTION_CARD_LINES)
    )


def session_has_participant(*, session: Session, person: User) -> bool:
    """Whether `person` has a place in the session now (not one given away)."""
    return session.participants.filter(person=person, is_active=True).exists()


def participant_own(*, person: User, session_pk: int) -> Participant | None:
    """`person`'s current place in a session, or None (not theirs, given away, or no such
    session), so the page answers 404."""
    return (
        Participant.objects.select_related("session__activity_type")
        .filter(session_id=session_pk, person=person, is_active=True)
        .first()
    )


def swap_requests_answerable_by(*, user: User) -> QuerySet[SwapRequest]:
    """Swap requests `user` may act on: asked of them, open to anyone, or their own."""
    return SwapRequest.objects.filter(
        Q(offered_to=user) | Q(offered_to__isnull=True) | Q(requested_by=user)
    ).select_related("session")


def swap_requests_pending() -> QuerySet[SwapRequest]:
    """Every swap request still waiting for an answer, for sessions yet to start, soonest first:
    what the programme's owner watches."""
    return (
        SwapRequest.objects.filter(
            status=SwapRequest.Status.PENDING, session__starts_at__gt=timezone.now()
        )
        .select_related("session__activity_type", "requested_by", "offered_to")
        .order_by("session__starts_at", "created_at")
    )


def time_off_removable_by(*, user: User) -> QuerySet[TimeOff]:
    """Time off `user` may remove: anyone's for the CX lead, their own otherwise."""
    entries = TimeOff.objects.all()
    return entries if user.has_perm(MANAGE) else entries.filter(person=user)
