"""After a session: attendance with what was seen, the reflection, and its commitments.

Reflections follow two clocks (both in settings): one is due REFLECTION_DUE_DAYS after the
session ends, can be written until REFLECTION_EDIT_DAYS after it ends, and each reflection can
be changed for REFLECTION_EDIT_DAYS after it was first saved; then it is locked.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import (
    Commitment,
    Participant,
    Reflection,
    ReflectionFriction,
    Session,
    SessionChange,
)
from .lines import distinct_lines, line_too_long

SESSION_CANCELLED_MESSAGE = "This session was cancelled; there is nothing to record."
NOT_STARTED_MESSAGE = "You can record this once the session has started."
NO_LONGER_IN_IT_MESSAGE = "{person} is no longer taking part in this session."
MINUTES_NEGATIVE_MESSAGE = "Minutes cannot be below zero."
MINUTES_TOO_MANY_MESSAGE = (
    "At most {limit} minutes: the session was {length} minutes long, plus an hour."
)
INTERACTIONS_NEGATIVE_MESSAGE = "The number of interactions cannot be below zero."
MISSED_WITH_FIGURES_MESSAGE = "A missed session has no minutes or interactions; leave them empty."
REFLECTION_LOCKED_MESSAGE = (
    "This reflection is locked: a reflection can be changed for {days} days after it is written."
)
REFLECTION_CLOSED_MESSAGE = (
    "Reflections on this session closed on {date:%d %b %Y}, {days} days after it ended."
)
REFLECTION_MISSED_MESSAGE = "This session is recorded as missed; there is nothing to reflect on."
NOT_AUTHOR_MESSAGE = "Only the person who took part can write this reflection."
REQUIRED_MESSAGE = "Write at least a sentence."
COMMITMENT_PAST_MESSAGE = "A new commitment cannot be due in the past ({date:%d %b %Y})."
LINE_LIMIT = 300
COMMITMENT_NOT_YOURS_MESSAGE = "Only the person who made a commitment can mark it done."


def minutes_limit(session: Session) -> int:
    """The most minutes anyone can have spent in a session: its length plus an hour."""
    return session.duration_minutes + 60


def _check_open(participant: Participant) -> None:
    session = participant.session
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(SESSION_CANCELLED_MESSAGE)
    if not participant.is_active:
        raise ValidationError(NO_LONGER_IN_IT_MESSAGE.format(person=participant.person))
    if session.starts_at > timezone.now():
        raise ValidationError(NOT_STARTED_MESSAGE)


@transaction.atomic
def attendance_record(
    *,
    participant: Participant,
    attended: bool,
    minutes: int | None,
    interactions: int | None,
    by,
) -> Participant:
    """Confirm whether `participant` attended, for how long, and how many customer calls or
    interactions they observed.

    Only once the session has started, never on a cancelled one; minutes run from zero to the
    session's length plus an hour (empty means the whole session); a missed session has none.
    """
    participant = (
        Participant.objects.select_for_update()
        .select_related("session", "person")
        .get(pk=participant.pk)
    )
    _check_open(participant)
    session = participant.session
    errors = {}
    if attended:
        if minutes is None:
            minutes = session.duration_minutes
        if minutes < 0:
            errors["minutes"] = MINUTES_NEGATIVE_MESSAGE
        elif minutes > minutes_limit(session):
            errors["minutes"] = MINUTES_TOO_MANY_MESSAGE.format(
                limit=minutes_limit(session), length=session.duration_minutes
            )
        if interactions is not None and interactions < 0:
            errors["interactions"] = INTERACTIONS_NEGATIVE_MESSAGE
    elif minutes or interactions:
        errors["minutes"] = MISSED_WITH_FIGURES_MESSAGE
    if errors:
        raise ValidationError(errors)

    participant.attendance = (
        Participant.Attendance.ATTENDED if attended else Participant.Attendance.MISSED
    )
    participant.actual_minutes = minutes if attended else None
    participant.interactions_observed = interactions if attended else None
    participant.confirmed_at = timezone.now()
    participant.confirmed_by = by
    participant.save()
    summary = f"{participant.person}: {participant.get_attendance_display().lower()}"
    if attended:
        summary += f", {minutes} min"
        if interactions is not None:
            summary += f", {interactions} interactions"
    SessionChange.objects.create(
        session=session, kind=SessionChange.Kind.ATTENDANCE, changed_by=by, to_value=summary
    )
    return participant


def reflection_due(session: Session) -> datetime:
    return session.ends_at + timedelta(days=settings.REFLECTION_DUE_DAYS)


def reflection_closes(session: Session) -> datetime:
    """After this, no new reflection on the session can be written."""
    return session.ends_at + timedelta(days=settings.REFLECTION_EDIT_DAYS)


def reflection_locks(reflection: Reflection) -> datetime:
    return reflection.created_at + timedelta(days=settings.REFLECTION_EDIT_DAYS)


def reflection_is_locked(reflection: Reflection, *, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= reflection_locks(reflection)


@dataclass
class CommitmentInput:
    text: str
    due_date: date


@transaction.atomic
def reflection_save(
    *,
    participant: Participant,
    by,
    surprised: str,
    would_change: str,
    customer_quote: str = "",
    visibility: str = Reflection.Visibility.PRIVATE,
    frictions: list[str] = (),
    commitments: list[CommitmentInput] = (),
) -> Reflection:
    """Write or change `participant`'s reflection, with its frictions and commitments.

    Only its author; not on a missed or cancelled session; new ones until the session's window
    closes, changes until the reflection locks. Frictions and open commitments are kept by
    their text, so links made to them survive an edit; commitments already done stay.
    """
    participant = (
        Participant.objects.select_for_update()
        .select_related("session", "person")
        .get(pk=participant.pk)
    )
    if participant.person_id != by.pk:
        raise ValidationError(NOT_AUTHOR_MESSAGE)
    _check_open(participant)
    if participant.attendance in (
        Participant.Attendance.MISSED,
        Participant.Attendance.EXCUSED,
    ):
        raise ValidationError(REFLECTION_MISSED_MESSAGE)
    now = timezone.now()
    reflection = Reflection.objects.filter(participant=participant).first()
    if reflection is None and now >= reflection_closes(participant.session):
        closes = timezone.localtime(reflection_closes(participant.session))
        raise ValidationError(
            REFLECTION_CLOSED_MESSAGE.format(date=closes, days=settings.REFLECTION_EDIT_DAYS)
        )
    if reflection is not None and reflection_is_locked(reflection, now=now):
        raise ValidationError(REFLECTION_LOCKED_MESSAGE.format(days=settings.REFLECTION_EDIT_DAYS))

    errors = {}
    for field, value in (("surprised", surprised), ("would_change", would_change)):
        if not value.strip():
            errors[field] = REQUIRED_MESSAGE
    lines = distinct_lines(frictions)
    if too_long := line_too_long(lines, LINE_LIMIT):
        errors["frictions"] = too_long
    today = timezone.localdate()
    existing = {} if reflection is None else {c.text: c for c in reflection.commitments.all()}
    wanted = {}
    for item in commitments:
        text = " ".join(item.text.split())
        if not text:
            continue
        if too_long := line_too_long([text], LINE_LIMIT):
            errors.setdefault("commitments", too_long)
        known = existing.get(text)
        if item.due_date < today and (known is None or known.due_date != item.due_date):
            errors.setdefault("commitments", COMMITMENT_PAST_MESSAGE.format(date=item.due_date))
        wanted[text] = item.due_date
    if errors:
        raise ValidationError(errors)

    reflection = reflection or Reflection(participant=participant)
    reflection.surprised = surprised.strip()
    reflection.would_change = would_change.strip()
    reflection.customer_quote = customer_quote.strip()
    reflection.visibility = visibility
    reflection.full_clean(exclude=["participant"])
    reflection.save()

    kept = {f.text: f for f in reflection.frictions.all()}
    reflection.frictions.exclude(text__in=lines).delete()
    for position, text in enumerate(lines):
        friction = kept.get(text) or ReflectionFriction(reflection=reflection, text=text)
        friction.position = position
        friction.full_clean(exclude=["reflection"])
        friction.save()

    for text, commitment in existing.items():
        if commitment.done_at is None and text not in wanted:
            commitment.delete()
    for text, due_date in wanted.items():
        commitment = existing.get(text) or Commitment(
            reflection=reflection, person=participant.person, text=text
        )
        commitment.due_date = due_date
        commitment.full_clean(exclude=["reflection", "person"])
        commitment.save()
    return reflection


def commitment_set_done(*, commitment: Commitment, by, done: bool = True) -> Commitment:
    """Mark a commitment done (or not done after all). Only the person who made it."""
    if commitment.person_id != by.pk:
        raise ValidationError(COMMITMENT_NOT_YOURS_MESSAGE)
    commitment.done_at = timezone.now() if done else None
    commitment.save(update_fields=["done_at"])
    return commitment
