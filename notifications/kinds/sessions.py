"""Sessions and Officer of the Day shifts; see kinds/__init__.py."""

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


def _reminder_obsolete(notification, session) -> str | None:
    if session is None:
        return SESSION_GONE_REASON
    if session.status == Session.Status.CANCELLED:
        return SESSION_CANCELLED_REASON
    if session.starts_at.isoformat() != notification.data.get("starts_at"):
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
        batchable=True,
        context=_reminder_context,
        attachments=_invite,
        obsolete=_reminder_obsolete,
    )
)
