"""After a session: attendance, reflections, commitments; see kinds/__init__.py.

What counts as done is immersion's (selectors.followthrough.todos_for): attendance is confirmed
once it is no longer "invited"; a reflection is due on an exposure (customer or frontline time)
not recorded as missed or excused, until reflections on the session close; it is overdue
REFLECTION_DUE_DAYS after the session ends. A commitment is done once it has `done_at`.
Each reminder is checked again when it is sent: one whose thing was done since is skipped.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from immersion.models import Commitment, Participant, Session
from immersion.services.followthrough import reflection_closes, reflection_due

from . import Kind, register
from .sessions import NOT_IN_SESSION_REASON, SESSION_CANCELLED_REASON

PLACE_GONE_REASON = "Their place in the session no longer exists."
FOLLOWED_THROUGH_REASON = (
    "Attendance was confirmed since this was written, and no reflection is waiting."
)
REFLECTION_WRITTEN_REASON = "The reflection was written since this was written."
NO_REFLECTION_NEEDED_REASON = "The session is now recorded as missed: no reflection is due."
REFLECTIONS_CLOSED_REASON = "Reflections on this session have closed."
COMMITMENT_GONE_REASON = "The commitment was taken out of its reflection."
COMMITMENT_DONE_REASON = "The commitment was marked done since this was written."
COMMITMENT_MOVED_REASON = (
    "The commitment's due date changed; a reminder for the new date goes instead."
)

REFLECTING = (Participant.Attendance.INVITED, Participant.Attendance.ATTENDED)


@dataclass(frozen=True)
class PlaceTodo:
    """What a person still has to do for their place in a session that ended."""

    attendance: bool
    reflection: bool

    def __bool__(self) -> bool:
        return self.attendance or self.reflection


def place_todo(place: Participant, *, now: datetime) -> PlaceTodo:
    """Attendance not confirmed; a reflection due and not written (the same rules as the
    home page's to-dos). Reads `place.session.activity_type` and `place.reflection`."""
    written = hasattr(place, "reflection")
    return PlaceTodo(
        attendance=place.attendance == Participant.Attendance.INVITED,
        reflection=(
            place.session.activity_type.is_exposure
            and place.attendance in REFLECTING
            and not written
            and now < reflection_closes(place.session)
        ),
    )


def _place_gone(place: Participant | None) -> str | None:
    if place is None:
        return PLACE_GONE_REASON
    if place.session.status == Session.Status.CANCELLED:
        return SESSION_CANCELLED_REASON
    if not place.is_active:
        return NOT_IN_SESSION_REASON
    return None


def _attendance_obsolete(notification, place: Participant | None) -> str | None:
    if reason := _place_gone(place):
        return reason
    if not place_todo(place, now=timezone.now()):
        return FOLLOWED_THROUGH_REASON
    return None


def _reflection_obsolete(notification, place: Participant | None) -> str | None:
    if reason := _place_gone(place):
        return reason
    if hasattr(place, "reflection"):
        return REFLECTION_WRITTEN_REASON
    if place.attendance not in REFLECTING:
        return NO_REFLECTION_NEEDED_REASON
    if timezone.now() >= reflection_closes(place.session):
        return REFLECTIONS_CLOSED_REASON
    return None


def _place_context(notification, place: Participant | None) -> dict:
    if place is None:
        return {}
    zone = notification.recipient.zone
    session = place.session
    return {
        "session": session,
        "starts_local": session.starts_at.astimezone(zone),
        "todo": place_todo(place, now=timezone.now()),
        "due_local": reflection_due(session).astimezone(zone),
        "closes_local": reflection_closes(session).astimezone(zone),
    }


def _commitment_obsolete(notification, commitment: Commitment | None) -> str | None:
    if commitment is None:
        return COMMITMENT_GONE_REASON
    if commitment.done_at is not None:
        return COMMITMENT_DONE_REASON
    if commitment.due_date.isoformat() != notification.data.get("due_date"):
        return COMMITMENT_MOVED_REASON
    return None


def _commitment_context(notification, commitment: Commitment | None) -> dict:
    if commitment is None:
        return {}
    session = commitment.reflection.participant.session
    return {
        "commitment": commitment,
        "session": session,
        "starts_local": session.starts_at.astimezone(notification.recipient.zone),
    }


ATTENDANCE_DUE = register(
    Kind(
        key="attendance_due",
        label="A session of yours ended: confirm your attendance and write your reflection",
        batchable=True,
        context=_place_context,
        obsolete=_attendance_obsolete,
    )
)

REFLECTION_OVERDUE = register(
    Kind(
        key="reflection_overdue",
        label="Your reflection on a session is overdue",
        batchable=True,
        context=_place_context,
        obsolete=_reflection_obsolete,
    )
)

COMMITMENT_DUE = register(
    Kind(
        key="commitment_due",
        label="Something you committed to in a reflection is due",
        batchable=True,
        context=_commitment_context,
        obsolete=_commitment_obsolete,
    )
)
