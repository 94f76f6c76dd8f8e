"""Sessions and Officer of the Day shifts; see kinds/__init__.py."""

from datetime import datetime

from django.utils import timezone

from immersion.ical import session_invite
from immersion.models import Participant, Session

from . import Kind, register

SESSION_GONE_REASON = "The session no longer exists."
SESSION_CANCELLED_REASON = "The session was cancelled after this was written."
SESSION_MOVED_REASON = (
    "The session moved after this was written; a reminder for the new time goes instead."
)
NOT_IN_SESSION_REASON = "They no longer have a place in this session."
SESSION_STARTED_REASON = "The session had started by the time this could be sent."


def _place(notification, session):
    return Participant.objects.filter(
        session=session, person_id=notification.recipient_id, is_active=True
    ).first()


def _starts_as_written(notification, session) -> bool:
    """The session still starts when the row says: the same instant, whatever zone either was
    written in (the edit page makes the start in the CX lead's zone, the database gives UTC)."""
    written = notification.data.get("starts_at")
    try:
        return written is not None and datetime.fromisoformat(written) == session.starts_at
    except ValueError:
        return False


def _reminder_obsolete(notification, session) -> str | None:
    if session is None:
        return SESSION_GONE_REASON
    if session.status == Session.Status.CANCELLED:
        return SESSION_CANCELLED_REASON
    if not _starts_as_written(notification, session):
        return SESSION_MOVED_REASON
    if session.starts_at <= timezone.now():
        return SESSION_STARTED_REASON
    if _place(notification, session) is None:
        return NOT_IN_SESSION_REASON
    return None


def _reminder_context(notification, session) -> dict:
    return {
        "session": session,
        "starts_local": session.starts_at.astimezone(notification.recipient.zone),
        "ends_local": session.ends_at.astimezone(notification.recipient.zone),
        "hours": notification.data.get("hours"),
    }


def _invite(notification, session) -> list:
    return [
        (
            "invite.ics",
            session_invite(session=session, person=notification.recipient),
            "text/calendar; method=REQUEST",
        )
    ]


SESSION_REMINDER = register(
    Kind(
        key="session_reminder",
        label="A session or Officer of the Day shift of yours is coming",
        # Each with its own invitation: calendar clients act on one per message, so these are
        # never folded into a digest.
        batchable=False,
        context=_reminder_context,
        attachments=_invite,
        obsolete=_reminder_obsolete,
    )
)


# Places, moves and cancellations: each carries an invitation for the calendar, made at send
# time from the session as it is then (the feed's UID, the session's SEQUENCE by then), so a
# message delayed by quiet hours or a mail server never puts an old version in the calendar.

MOVED_AGAIN_REASON = "The session moved again after this was written; the newer message goes."
PLACE_BACK_REASON = "They have their place in this session again."
SWAP_GONE_REASON = "The swap request no longer exists."
SWAP_ANSWERED_REASON = "The swap request was answered or withdrawn before this could be sent."
ESCALATION_GONE_REASON = "The escalation no longer exists."
ESCALATION_RESOLVED_REASON = "The escalation was resolved before this could be sent."


# The templates show times with {% timezone recipient.time_zone %}: the date filter would turn
# a datetime already in the recipient's zone back into the server's.


def _session_context(notification, session) -> dict:
    return {"session": session, "change": notification.data}


def _request(notification, session) -> list:
    return [
        (
            "invite.ics",
            session_invite(session=session, person=notification.recipient),
            "text/calendar; method=REQUEST",
        )
    ]


def _cancel(notification, session) -> list:
    return [
        (
            "cancel.ics",
            session_invite(session=session, person=notification.recipient, cancel=True),
            "text/calendar; method=CANCEL",
        )
    ]


def _open_session_obsolete(notification, session) -> str | None:
    """A message that puts the session in their calendar: only while they are still in it."""
    if session is None:
        return SESSION_GONE_REASON
    if session.status == Session.Status.CANCELLED:
        return SESSION_CANCELLED_REASON
    if _place(notification, session) is None:
        return NOT_IN_SESSION_REASON
    return None


def _moved_obsolete(notification, session) -> str | None:
    reason = _open_session_obsolete(notification, session)
    if reason is None and not _starts_as_written(notification, session):
        return MOVED_AGAIN_REASON
    return reason


def _relieved_obsolete(notification, session) -> str | None:
    if session is None:
        return SESSION_GONE_REASON
    if _place(notification, session) is not None:
        return PLACE_BACK_REASON
    return None


def _gone_obsolete(notification, subject) -> str | None:
    return SESSION_GONE_REASON if subject is None else None


PLACE_GIVEN = register(
    Kind(
        key="place_given",
        label="You were given a place in a session (a swap or a reassignment)",
        context=_session_context,
        attachments=_request,
        obsolete=_open_session_obsolete,
    )
)

PLACE_RELIEVED = register(
    Kind(
        key="place_relieved",
        label="Your place in a session went to someone else",
        context=_session_context,
        attachments=_cancel,
        obsolete=_relieved_obsolete,
    )
)

SESSION_MOVED = register(
    Kind(
        key="session_moved",
        label="A session of yours moved to another time",
        context=_session_context,
        attachments=_request,
        obsolete=_moved_obsolete,
    )
)

SESSION_CANCELLED = register(
    Kind(
        key="session_cancelled",
        label="A session of yours was cancelled",
        context=_session_context,
        attachments=_cancel,
        obsolete=_gone_obsolete,
    )
)


# Swaps: the subject is the SwapRequest.


def _swap_context(notification, swap) -> dict:
    return {"swap": swap, "session": swap.session}


def _swap_asked_obsolete(notification, swap) -> str | None:
    if swap is None:
        return SWAP_GONE_REASON
    if swap.status != swap.Status.PENDING:
        return SWAP_ANSWERED_REASON
    return None


def _swap_gone(notification, swap) -> str | None:
    return SWAP_GONE_REASON if swap is None else None


SWAP_ASKED = register(
    Kind(
        key="swap_asked",
        label="A colleague asks you to take their place in a session",
        context=_swap_context,
        obsolete=_swap_asked_obsolete,
    )
)

SWAP_ANSWERED = register(
    Kind(
        key="swap_answered",
        label="Your swap request was accepted or declined",
        context=_swap_context,
        obsolete=_swap_gone,
    )
)

SWAP_CANCELLED = register(
    Kind(
        key="swap_cancelled",
        label="The CX lead cancelled your swap request",
        context=_swap_context,
        obsolete=_swap_gone,
    )
)


# Officer of the Day: the subject is the Escalation.


def _escalation_context(notification, escalation) -> dict:
    return {"escalation": escalation, "on_shift": escalation.shift_id is not None}


def _escalation_obsolete(notification, escalation) -> str | None:
    if escalation is None:
        return ESCALATION_GONE_REASON
    if escalation.status == escalation.Status.RESOLVED:
        return ESCALATION_RESOLVED_REASON
    return None


ESCALATION_ROUTED = register(
    Kind(
        key="escalation_routed",
        label="A customer escalation was routed to you",
        # The customer is waiting: at once, quiet hours or not, and the officer on shift cannot
        # turn it off.
        urgent=True,
        optional=False,
        context=_escalation_context,
        obsolete=_escalation_obsolete,
    )
)
