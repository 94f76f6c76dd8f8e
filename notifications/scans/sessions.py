"""Reminders of sessions and Officer of the Day shifts that are coming (kind session_reminder).

For each lead time the CX lead set (/notifications/defaults/; 24 and 1 hours unless changed),
every active participant of a session that is not cancelled gets one reminder, due `hours`
before the start. The occasion carries the start ("24h@20261127T0900"), so a session moved
after its reminder was written is reminded again for its new time (the old reminder is skipped
when sent: kinds.sessions).

When several lead times have passed at once (a place given 30 minutes before the start), only
the shortest is written: one reminder, not a "24 hours" and a "1 hour" one in the same minute.
A longer lead whose moment had passed when the session last changed is not written either: the
move (or the place given) was announced a moment ago with its own invitation.
"""

from datetime import datetime, timedelta

from django.urls import reverse

from immersion.models import Participant, Session

from ..models import DEFAULT_LEAD_HOURS, NotificationSettings
from ..services import BEFORE_START, notification_prepare, notify_many
from . import SCAN_EVERY, scan
from .written import session_words, when_words, written_keys


def reminder_title(session: Session, zone) -> str:
    return f"Reminder: {session_words(session)}, {when_words(session.starts_at, zone)}"


@scan
def session_reminders(*, now: datetime) -> int:
    """Write the reminders due before the next scan: four queries, however many there are."""
    config = NotificationSettings.current()
    leads = sorted(config.lead_hours or DEFAULT_LEAD_HOURS)
    horizon = now + timedelta(hours=leads[-1]) + SCAN_EVERY
    coming = Session.objects.filter(starts_at__gt=now, starts_at__lte=horizon).exclude(
        status=Session.Status.CANCELLED
    )
    places = Participant.objects.filter(
        session__in=coming, is_active=True, person__is_active=True
    ).select_related("person", "session__activity_type", "session__host_team")
    written = written_keys(kind="session_reminder", subjects=coming)
    rows = []
    for place in places:
        session, person = place.session, place.person
        hours = next(h for h in leads if session.starts_at - timedelta(hours=h) <= now + SCAN_EVERY)
        occasion = f"{hours}h@{session.starts_at:%Y%m%dT%H%M}"
        if (session.pk, person.pk, occasion) in written:
            continue
        if session.starts_at - timedelta(hours=hours) < session.updated_at and hours != leads[0]:
            # Its moment had passed when the session last changed (moved, a place given): that
            # change's own message has just told them, and the shortest lead still will.
            continue
        rows.append(
            notification_prepare(
                kind="session_reminder",
                recipient=person,
                subject=session,
                occasion=occasion,
                title=reminder_title(session, person.zone),
                url=reverse("immersion:session_detail", kwargs={"pk": session.pk}),
                data={"starts_at": session.starts_at.isoformat(), "hours": hours},
                send_after=session.starts_at - timedelta(hours=hours),
                not_later_than=session.starts_at - BEFORE_START,
                quiet=config,
            )
        )
    return notify_many(rows)
