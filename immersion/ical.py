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

import contextlib
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

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
    """The sessions a feed holds: those starting from three months back to a year ahead,
    counted from the start of today (UTC), so the window is the same all day. By start alone,
    so the (starts_at) indexes serve it: the programme's version read 280,000 sessions when
    the window also asked for their end (124 ms -> 19 ms)."""
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
    return Participant.objects.filter(person=person, starts_at__gte=start, starts_at__lt=end)


def _programme_sessions() -> QuerySet[Session]:
    start, end = feed_window()
    return Session.objects.filter(starts_at__gte=start, starts_at__lt=end)


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


def _text(value: str) -> str:
    """TEXT escaped as RFC 5545 asks (and as icalendar writes it)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """A content line folded under 75 octets, never between a backslash and what it escapes."""
    if len(line) < 75 and line.isascii():
        return line + "\r\n"
    parts, current, size = [], [], 0
    for char in line:
        width = len(char.encode())
        if current and size + width >= 75:
            carried = [current.pop()] if len(current) > 1 and current[-1] in "\\^" else []
            parts.append("".join(current))
            current, size = carried, sum(len(c.encode()) for c in carried)
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts) + "\r\n"


def _when(moment: datetime, zone) -> str:
    """A time in `zone` as a property's parameters and value (UTC needs no VTIMEZONE)."""
    local = moment.astimezone(zone)
    if zone.key == "UTC":
        return f":{local:%Y%m%dT%H%M%S}Z"
    return f";TZID={zone.key}:{local:%Y%m%dT%H%M%S}"


@dataclass(frozen=True)
class _Row:
    """What one event says: a session as its feed's reader sees it."""

    uid: object
    sequence: int
    summary: str
    starts_at: datetime
    ends_at: datetime
    updated_at: datetime
    status: str
    location: str
    notes: str
    url: str


def _event_text(row: _Row, zone) -> str:
    """One VEVENT written directly, in the properties and order of `_event` (icalendar, which
    took 1 ms an event: 30 s for the programme at issue 14's volume)."""
    stamp = f"{row.updated_at.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    description = f"{row.notes}\n\n{row.url}" if row.notes else row.url
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_text(row.summary)}",
        f"DTSTART{_when(row.starts_at, zone)}",
        f"DTEND{_when(row.ends_at, zone)}",
        f"DTSTAMP:{stamp}",
        f"UID:{row.uid}@proximity",
        f"SEQUENCE:{row.sequence}",
        f"DESCRIPTION:{_text(description)}",
        f"LAST-MODIFIED:{stamp}",
    ]
    if row.location:
        lines.append(f"LOCATION:{_text(row.location)}")
    lines += [f"STATUS:{row.status}", f"URL:{row.url}", "END:VEVENT"]
    return "".join(_fold(line) for line in lines)


def _status(*, cancelled: bool, status: str) -> str:
    if cancelled:
        return "CANCELLED"
    return "CONFIRMED" if status == Session.Status.CONFIRMED else "TENTATIVE"


def _session_url() -> str:
    """A session's address with `{}` for its id: one reverse() for the feed, not one a row."""
    site = settings.SITE_URL.rstrip("/")
    return site + reverse("immersion:session_detail", kwargs={"pk": 4242}).replace("4242", "{}")


def _calendar(name: str, uid: str, zone, events: list[str]) -> bytes:
    """The calendar around `events` (written by `_event_text`), with the VTIMEZONE of `zone`
    when an event uses it."""
    calendar = Calendar.new(prodid=PRODID, name=name, refresh_interval=timedelta(hours=1), uid=uid)
    if events and zone.key != "UTC":
        with contextlib.suppress(ValueError):  # a zone icalendar does not know: none, as before
            calendar.add_component(Timezone.from_tzid(zone.key))
    head = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    return head[: -len(end)] + "".join(events).encode() + end


def person_feed(*, person) -> bytes:
    """A person's sessions in the window (`feed_window`), including the ones they left."""
    zone = person.zone
    url = _session_url()
    places = (
        _person_places(person)
        .select_related("session__activity_type", "session__host_team")
        .order_by("starts_at", "pk")
    )
    events = []
    for place in places:
        session = place.session
        cancelled = not place.is_active or session.status == Session.Status.CANCELLED
        row = _Row(
            uid=session.uid,
            sequence=session.sequence,
            summary=_summary(session),
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            updated_at=session.updated_at,
            status=_status(cancelled=cancelled, status=session.status),
            location=str(session.host_team) if session.host_team_id else "",
            notes=session.notes,
            url=url.format(session.pk),
        )
        events.append(_event_text(row, zone))
    return _calendar(
        f"Proximity — {person.display_name}", f"person-{person.pk}@proximity", zone, events
    )


def programme_feed() -> bytes:
    """Every session of the programme in the window (`feed_window`), for the CX lead.

    Read as values, not model instances: at issue 14's volume the window holds 32,000 sessions
    and 35,000 places, and building objects took longer than writing the events."""
    zone = org_zone()
    url = _session_url()
    start, end = feed_window()
    people = defaultdict(list)
    places = (
        Participant.objects.filter(is_active=True, starts_at__gte=start, starts_at__lt=end)
        .order_by("pk")
        .values_list("session_id", "person__display_name", "person__email")
    )
    for session_id, name, email in places.iterator(chunk_size=5000):
        people[session_id].append(name or email)  # as str(person)
    sessions = (
        _programme_sessions()
        .order_by("starts_at", "pk")
        .values_list(
            "pk",
            "uid",
            "sequence",
            "activity_type__name",  # as str(activity_type)
            "host_team__name",  # as str(host_team)
            "starts_at",
            "ends_at",
            "updated_at",
            "status",
            "notes",
        )
    )
    events = []
    for (
        pk,
        uid,
        sequence,
        activity,
        team,
        starts_at,
        ends_at,
        updated_at,
        status,
        notes,
    ) in sessions.iterator(chunk_size=5000):
        names = ", ".join(people.get(pk, ()))
        row = _Row(
            uid=uid,
            sequence=sequence,
            summary=f"{activity}: {names}" if names else activity,
            starts_at=starts_at,
            ends_at=ends_at,
            updated_at=updated_at,
            status=_status(cancelled=status == Session.Status.CANCELLED, status=status),
            location=team or "",
            notes=notes,
            url=url.format(pk),
        )
        events.append(_event_text(row, zone))
    return _calendar("Proximity — the programme", "programme@proximity", zone, events)


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
