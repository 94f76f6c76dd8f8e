"""Sessions and who takes part: every write keeps one rule above all, nobody is in two
sessions at once (PostgreSQL also refuses it with an exclusion constraint; on SQLite this code
is the guard, inside an IMMEDIATE transaction)."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.calendar import days_between
from core.ranges import date_range_check

from ..models import ActivityType, Participant, Session, SessionChange, TimeOff
from ..signals import place_replaced, session_cancelled, session_moved

OVERLAP_MESSAGE = "{person} already has “{other}” at that time ({when})."
TIME_OFF_MESSAGE = "{person} is on time off on {day:%a %d %b %Y}."
PAST_MESSAGE = "A session cannot start in the past."
END_BEFORE_START_MESSAGE = "A session must end after it starts."
CANCELLED_MESSAGE = "This session is cancelled; nothing about it can change."
NOT_PARTICIPANT_MESSAGE = "{person} is not taking part in this session."
ALREADY_PARTICIPANT_MESSAGE = "{person} is already taking part in this session."
NO_PARTICIPANTS_MESSAGE = "Choose at least one person to take part."
LOCKED_MESSAGE = "Someone has attended this session; it can no longer be moved or cancelled."
RACE_MESSAGE = "Someone else booked that time a moment ago; choose another time."


def _when(starts_at: datetime, ends_at: datetime) -> str:
    start = timezone.localtime(starts_at)
    end = timezone.localtime(ends_at)
    return f"{start:%a %d %b %H:%M}–{end:%H:%M}"


def person_availability_check(
    *, person: User, starts_at: datetime, ends_at: datetime, exclude_session: Session | None = None
) -> None:
    """Refuse when `person` has another active session then, or time off that day (their zone)."""
    clash = (
        Participant.objects.filter(
            person=person, is_active=True, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .exclude(session=exclude_session)
        .select_related("session__activity_type")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            OVERLAP_MESSAGE.format(
                person=person,
                other=clash.session.activity_type,
                when=_when(clash.starts_at, clash.ends_at),
            ),
            code="overlap",
        )
    zone = person.zone
    days = days_between(starts_at, ends_at, zone)
    off = TimeOff.objects.filter(
        person=person, start_date__lte=days[-1], end_date__gte=days[0]
    ).first()
    if off is not None:
        day = max(off.start_date, days[0])
        raise ValidationError(TIME_OFF_MESSAGE.format(person=person, day=day), code="time_off")


def _lock_people(people: Iterable) -> None:
    """Serialise bookings of the same people (PostgreSQL row locks; SQLite locks the database)."""
    ids = sorted({p.pk for p in people})
    list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def _times_check(*, starts_at: datetime, ends_at: datetime, allow_past: bool) -> None:
    date_range_check(starts_at=starts_at.date(), ends_at=ends_at.date())
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": END_BEFORE_START_MESSAGE})
    if not allow_past and starts_at < timezone.now():
        raise ValidationError({"starts_at": PAST_MESSAGE})


def _book(*, session: Session, person: User) -> Participant:
    """Add `person` to `session` (or bring back their earlier place), refusing clashes."""
    person_availability_check(
        person=person, starts_at=session.starts_at, ends_at=session.ends_at, exclude_session=session
    )
    try:
        with transaction.atomic():
            participant, created = Participant.objects.get_or_create(
                session=session,
                person=person,
                defaults={"starts_at": session.starts_at, "ends_at": session.ends_at},
            )
            if not created:
                if participant.is_active:
                    raise ValidationError(ALREADY_PARTICIPANT_MESSAGE.format(person=person))
                participant.is_active = True
                participant.attendance = Participant.Attendance.INVITED
                participant.starts_at, participant.ends_at = session.starts_at, session.ends_at
                participant.save()
    except IntegrityError as exc:
        # The exclusion constraint caught a booking that slipped past the check above.
        raise ValidationError(RACE_MESSAGE, code="overlap") from exc
    return participant


def _record(
    session: Session, kind: str, by: User, from_value: str = "", to_value: str = ""
) -> None:
    SessionChange.objects.create(
        session=session,
        kind=kind,
        changed_by=by,
        from_value=from_value[:200],
        to_value=to_value[:200],
    )


@transaction.atomic
def session_create(
    *,
    activity_type: ActivityType,
    starts_at: datetime,
    ends_at: datetime,
    participants: Iterable,
    created_by,
    host_team=None,
    host_agent=None,
    notes: str = "",
    allow_past: bool = False,
    desk=None,
) -> Session:
    """Schedule a session with its participants: all booked, or none when any one clashes. An
    Officer of the Day shift may cover one desk (`desk`; one shift of a desk at a time), else
    every desk; other activities have no desk."""
    participants = list(participants)
    if not participants:
        raise ValidationError({"participants": NO_PARTICIPANTS_MESSAGE})
    _times_check(starts_at=starts_at, ends_at=ends_at, allow_past=allow_past)
    _lock_people(participants)
    session = Session(
        activity_type=activity_type,
        starts_at=starts_at,
        ends_at=ends_at,
        host_team=host_team,
        host_agent=host_agent,
        desk=desk if activity_type.is_officer_of_the_day else None,
        notes=notes,
        created_by=created_by,
    )
    session.full_clean()
    session.save()
    errors = []
    for person in participants:
        try:
            _book(session=session, person=person)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    _record(session, SessionChange.Kind.CREATED, created_by, to_value=_when(starts_at, ends_at))
    return session


def _editable(session: Session) -> None:
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(CANCELLED_MESSAGE)


def _attended(session: Session) -> bool:
    return session.participants.filter(attendance=Participant.Attendance.ATTENDED).exists()


@transaction.atomic
def session_reschedule(
    *, session: Session, starts_at: datetime, ends_at: datetime, by: User, reason: str = ""
) -> Session:
    """Move a session; every participant must be free at the new time. Raises SEQUENCE, and
    tells the participants (session_moved: each gets the updated invitation).
    `reason` goes into the session's history beside the new time (a rotation says so)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    _editable(session)
    if _attended(session):
        raise ValidationError(LOCKED_MESSAGE)
    _times_check(starts_at=starts_at, ends_at=ends_at, allow_past=False)
    people = [
        p.person for p in session.participants.filter(is_active=True).select_related("person")
    ]
    _lock_people(people)
    for person in people:
        person_availability_check(
            person=person, starts_at=starts_at, ends_at=ends_at, exclude_session=session
        )
    before = _when(session.starts_at, session.ends_at)
    times_before = (session.starts_at, session.ends_at)
    session.starts_at, session.ends_at = starts_at, ends_at
    session.sequence += 1
    session.full_clean()
    session.save()
    try:
        with transaction.atomic():
            session.participants.update(starts_at=starts_at, ends_at=ends_at)
    except IntegrityError as exc:
        raise ValidationError(RACE_MESSAGE) from exc
    after = _when(starts_at, ends_at) + (f" ({reason})" if reason else "")
    _record(session, SessionChange.Kind.MOVED, by, before, after)
    if (starts_at, ends_at) != times_before:
        session_moved.send(sender=Session, session=session, before=times_before[0], by=by)
    return session


@transaction.atomic
def session_update_details(
    *, session: Session, by: User, host_team=None, host_agent=None, notes=""
):
    """Change who hosts a session and its notes for participants."""
    _editable(session)
    changed = []
    if session.host_team_id != (host_team.pk if host_team else None):
        changed.append(f"host team {host_team or 'none'}")
    if session.host_agent_id != (host_agent.pk if host_agent else None):
        changed.append(f"host agent {host_agent or 'none'}")
    if session.notes != notes:
        changed.append("notes")
    if not changed:
        return session
    session.host_team, session.host_agent, session.notes = host_team, host_agent, notes
    session.sequence += 1
    session.full_clean()
    session.save()
    _record(session, SessionChange.Kind.EDITED, by, to_value=", ".join(changed))
    return session


@transaction.atomic
def session_cancel(*, session: Session, by: User, reason: str = "") -> Session:
    """Cancel a session: its participants are freed and their calendars told (STATUS:CANCELLED
    in the feed, and session_cancelled: each gets a cancellation for their calendar)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    _editable(session)
    if _attended(session):
        raise ValidationError(LOCKED_MESSAGE)
    people = list(
        User.objects.filter(participations__session=session, participations__is_active=True)
    )
    session.status = Session.Status.CANCELLED
    session.sequence += 1
    session.save(update_fields=["status", "sequence", "updated_at"])
    session.participants.update(is_active=False)
    _record(session, SessionChange.Kind.CANCELLED, by, to_value=reason)
    session_cancelled.send(sender=Session, session=session, people=people, by=by)
    return session


@transaction.atomic
def session_confirm(*, session: Session, by: User) -> Session:
    """Confirm a session will happen; a confirmed session is never moved by a rotation."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    _editable(session)
    if session.status == Session.Status.CONFIRMED:
        return session
    session.status = Session.Status.CONFIRMED
    session.sequence += 1
    session.save(update_fields=["status", "sequence", "updated_at"])
    _record(session, SessionChange.Kind.CONFIRMED, by)
    return session


@transaction.atomic
def participant_replace(
    *, session: Session, person: User, replacement, by: User, kind: str
) -> Participant:
    """Give `person`'s place in `session` to `replacement` (a swap or a reassignment); both are
    told (place_replaced), except whichever of them did it."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    _editable(session)
    if session.ends_at <= timezone.now():
        raise ValidationError(PAST_MESSAGE)
    current = session.participants.filter(person=person, is_active=True).first()
    if current is None:
        raise ValidationError(NOT_PARTICIPANT_MESSAGE.format(person=person))
    if current.attendance == Participant.Attendance.ATTENDED:
        raise ValidationError(LOCKED_MESSAGE)
    _lock_people([person, replacement])
    current.is_active = False
    current.save(update_fields=["is_active"])
    participant = _book(session=session, person=replacement)
    session.sequence += 1
    session.save(update_fields=["sequence", "updated_at"])
    _record(session, kind, by, str(person), str(replacement))
    place_replaced.send(
        sender=Session,
        session=session,
        person=person,
        replacement=replacement,
        by=by,
        change=kind,
    )
    return participant
