"""Calendar feeds (RFC 5545, with the icalendar library).

Each session is one event whose UID never changes; SEQUENCE is the session's, raised on every
change, so calendar clients replace rather than duplicate. A session that is cancelled, or that
the person was swapped or reassigned out of, stays in their feed as STATUS:CANCELLED so their
calendar removes it. Times carry the viewer's time zone with its VTIMEZONE.
"""

from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from icalendar import Calendar, Event

from core.calendar import org_zone

from .models import Participant, Session

HISTORY = timedelta(days=60)
PRODID = "-//Proximity//Executive immersion//EN"


def _event(session: Session, *, zone, cancelled: bool, summary: str, site: str) -> Event:
    description = [session.notes] if session.notes else []
    description.append(f"{site}{session.get_absolute_url()}")
    return Event.new(
        uid=f"{session.uid}@proximity",
        sequence=session.sequence,
        summary=summary,
        start=session.starts_at.astimezone(zone),
        end=session.ends_at.astimezone(zone),
        stamp=session.updated_at,
        last_modified=session.updated_at,
        status="CANCELLED"
        if cancelled
        else "CONFIRMED"
        if session.status == Session.Status.CONFIRMED
        else "TENTATIVE",
        location=str(session.host_team) if session.host_team_id else None,
        description="\n\n".join(description),
        url=f"{site}{session.get_absolute_url()}",
    )


def _calendar(name: str, events) -> bytes:
    calendar = Calendar.new(prodid=PRODID, name=name, refresh_interval=timedelta(hours=1))
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def person_feed(*, person) -> bytes:
    """A person's sessions from two months back on, including the ones they left."""
    zone = person.zone
    site = settings.SITE_URL.rstrip("/")
    places = (
        Participant.objects.filter(person=person, ends_at__gte=timezone.now() - HISTORY)
        .select_related("session__activity_type", "session__host_team")
        .order_by("starts_at")
    )
    events = []
    for place in places:
        session = place.session
        summary = _summary(session)
        cancelled = not place.is_active or session.status == Session.Status.CANCELLED
        events.append(_event(session, zone=zone, cancelled=cancelled, summary=summary, site=site))
    return _calendar(f"Proximity — {person.display_name}", events)


def programme_feed() -> bytes:
    """Every session of the programme from two months back on (for the CX lead)."""
    zone = org_zone()
    site = settings.SITE_URL.rstrip("/")
    sessions = (
        Session.objects.filter(ends_at__gte=timezone.now() - HISTORY)
        .select_related("activity_type", "host_team")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.filter(is_active=True).select_related("person"),
                to_attr="active_participants",
            )
        )
        .order_by("starts_at")
    )
    events = []
    for session in sessions:
        people = ", ".join(p.person.display_name for p in session.active_participants)
        summary = f"{session.activity_type}: {people}" if people else str(session.activity_type)
        events.append(
            _event(
                session,
                zone=zone,
                cancelled=session.status == Session.Status.CANCELLED,
                summary=summary,
                site=site,
            )
        )
    return _calendar("Proximity — the programme", events)


def _summary(session: Session) -> str:
    summary = str(session.activity_type)
    if session.host_team_id:
        summary = f"{summary} with {session.host_team}"
    return summary


def session_invite(*, session: Session, person, cancel: bool = False) -> bytes:
    """One session as an e-mailed invitation for `person` (RFC 5546): METHOD:REQUEST, or
    METHOD:CANCEL when it was cancelled or their place went to someone else. The UID and
    SEQUENCE are the feed's, so a client that has the event from either updates that event."""
    site = settings.SITE_URL.rstrip("/")
    event = _event(
        session,
        zone=person.zone,
        cancelled=cancel or session.status == Session.Status.CANCELLED,
        summary=_summary(session),
        site=site,
    )
    organizer = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    event.add("organizer", f"mailto:{organizer}", parameters={"CN": "Proximity"})
    event.add(
        "attendee",
        f"mailto:{person.email}",
        parameters={"CN": person.display_name, "ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"},
    )
    calendar = Calendar.new(prodid=PRODID, method="CANCEL" if cancel else "REQUEST")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
