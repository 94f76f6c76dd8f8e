"""Calendar feeds (RFC 5545, with the icalendar library).

Each session is one event whose UID never changes; SEQUENCE is the session's, raised on every
change, so calendar clients replace rather than duplicate. A session that is cancelled, or that
the person was swapped or reassigned out of, stays in their feed as STATUS:CANCELLED so their
calendar removes it. Times carry the viewer's time zone with its VTIMEZONE.

A feed holds the window a calendar client needs, three months back and a year ahead (every
session from two months back on was 26,000 events, 10 MB and 30 s for the programme at issue
14's volume). Each feed has a version (`FeedVersion`: an ETag and a Last-Modified) read in one
aggregate query, so a client's hourly poll is answered 304 without rendering when nothing
changed. The version changes whenever the body would:

- a session in the window added, moved, cancelled, confirmed, edited, a place given, relieved
  or swapped: every service that does so saves the session (SEQUENCE raised, `updated_at`
  now), so the window's latest `updated_at` moves; a session leaving or entering the window by
  a change does too, and one deleted lowers the count;
- the window itself: it runs from the start of the day (UTC), and the day is in the ETag;
- the names an event shows: activity types and frontline teams (a few hundred rows, read with
  the version), the person's own name and time zone. A participant renamed shows in the
  programme feed the next day.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Count, Max, Prefetch, QuerySet
from django.utils import timezone
from icalendar import Calendar, Event

from accounts.models import FrontlineTeam
from core.calendar import org_zone

from .models import ActivityType, Participant, Session

PAST = timedelta(days=92)  # three months back
AHEAD = timedelta(days=366)  # a year ahead
PRODID = "-//Proximity//Executive immersion//EN"
# Raised when the code changes what a feed says, so that clients' copies are replaced.
FORMAT = "2"


@dataclass(frozen=True)
class FeedVersion:
    """What a conditional GET compares: a strong ETag (quoted) and the time of the last change."""

    etag: str
    last_modified: datetime


def feed_window(*, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The sessions a feed holds: those ending after three months back and starting before a
    year ahead, counted from the start of today (UTC), so the window is the same all day."""
    now = now or timezone.now()
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - PAST, day + AHEAD


def _names() -> list:
    """The names events show beside a session's own fields (activity types, host teams)."""
    return [
        list(ActivityType.objects.order_by("pk").values_list("pk", "name")),
        list(FrontlineTeam.objects.order_by("pk").values_list("pk", "name")),
    ]


def _version(sessions: QuerySet, changed: str, *parts) -> FeedVersion:
    start, _ = feed_window()
    figures = sessions.aggregate(count=Count("pk"), changed=Max(changed))
    last = max(filter(None, [figures["changed"], start + PAST]))
    text = repr([FORMAT, settings.SITE_URL, start.date(), figures, _names(), *parts])
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return FeedVersion(etag=f'"{digest}"', last_modified=last)


def _person_places(person) -> QuerySet[Participant]:
    start, end = feed_window()
    return Participant.objects.filter(person=person, ends_at__gt=start, starts_at__lt=end)


def _programme_sessions() -> QuerySet[Session]:
    start, end = feed_window()
    return Session.objects.filter(ends_at__gt=start, starts_at__lt=end)


def person_feed_version(*, person) -> FeedVersion:
    """The version of `person_feed`: three queries, whatever the number of sessions."""
    return _version(
        _person_places(person),
        "session__updated_at",
        person.pk,
        person.display_name,
        person.time_zone,
    )


def programme_feed_version() -> FeedVersion:
    """The version of `programme_feed`: three queries, whatever the number of sessions."""
    return _version(_programme_sessions(), "updated_at", org_zone().key)


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
    """A person's sessions in the window (`feed_window`), including the ones they left."""
    zone = person.zone
    site = settings.SITE_URL.rstrip("/")
    places = (
        _person_places(person)
        .select_related("session__activity_type", "session__host_team")
        .order_by("starts_at", "pk")
    )
    events = []
    for place in places:
        session = place.session
        summary = _summary(session)
        cancelled = not place.is_active or session.status == Session.Status.CANCELLED
        events.append(_event(session, zone=zone, cancelled=cancelled, summary=summary, site=site))
    return _calendar(f"Proximity — {person.display_name}", events)


def programme_feed() -> bytes:
    """Every session of the programme in the window (`feed_window`), for the CX lead."""
    zone = org_zone()
    site = settings.SITE_URL.rstrip("/")
    sessions = (
        _programme_sessions()
        .select_related("activity_type", "host_team")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.filter(is_active=True).select_related("person"),
                to_attr="active_participants",
            )
        )
        .order_by("starts_at", "pk")
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
