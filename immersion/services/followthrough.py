"""After a session: attendance with what was seen, the reflection, and its commitments.

Reflections follow two clocks (both in settings): one is due REFLECTION_DUE_DAYS after the
session ends, can be written until REFLECTION_EDIT_DAYS after it ends, and each reflection can
be changed for REFLECTION_EDIT_DAYS after it was first saved; then it is locked.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models.deletion import Collector, ProtectedError
from django.utils import timezone

from accounts.models import User
from core.ranges import date_in_range, date_range_message, int_range_errors

from ..models import (
    Commitment,
    Participant,
    Reflection,
    ReflectionFriction,
    Session,
    SessionChange,
)
from .lines import line_too_long

# The longest session (24 hours) plus the hour `minutes_limit` allows on top.
MINUTES_MAX = 24 * 60 + 60
# Observed in one session: a busy queue is a call a minute, so past this it is a typo.
INTERACTIONS_MAX = 1000
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
FRICTION_IN_USE_MESSAGE = (
    "“{text}” has a friction report filed from it, so it cannot be removed. "
    "Keep the line; you can change its words."
)
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
    by: User,
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
        errors.update(
            int_range_errors(minimum=0, maximum=INTERACTIONS_MAX, interactions=interactions)
            if "interactions" not in errors
            else {}
        )
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


@dataclass
class FrictionLine:
    """One friction line as typed: its words, and the id of the line it edits (None: a new one)."""

    text: str
    id: int | None = None


@transaction.atomic
def reflection_save(
    *,
    participant: Participant,
    by: User,
    surprised: str,
    would_change: str,
    customer_quote: str = "",
    visibility: str = Reflection.Visibility.PRIVATE,
    frictions: Sequence[FrictionLine | str] = (),
    commitments: Sequence[CommitmentInput] = (),
) -> Reflection:
    """Write or change `participant`'s reflection, with its frictions and commitments.

    Only its author; not on a missed or cancelled session; new ones until the session's window
    closes, changes until the reflection locks. A friction line is kept by its id, so changing
    its words keeps what was filed from it (a line without an id that repeats an existing
    line's words is that line); a line taken out is deleted, unless something points at it
    (a friction report filed from it), and then the change is refused. Open commitments are
    kept by their text; commitments already done stay.
    """
    participant = _participant_to_reflect(participant=participant, by=by)
    reflection = _reflection_still_open(participant=participant)
    lines = _friction_lines(frictions)
    kept, removed = _frictions_kept_and_removed(reflection=reflection, lines=lines)
    existing = {} if reflection is None else {c.text: c for c in reflection.commitments.all()}
    wanted = _commitments_wanted(commitments=commitments)

    errors = {}
    for field, value in (("surprised", surprised), ("would_change", would_change)):
        if not value.strip():
            errors[field] = REQUIRED_MESSAGE
    if friction_errors := _friction_line_errors(lines=lines, removed=removed):
        errors["frictions"] = friction_errors
    if commitment_errors := _commitment_errors(commitments=commitments, existing=existing):
        errors["commitments"] = commitment_errors
    if errors:
        raise ValidationError(errors)

    reflection = reflection or Reflection(participant=participant)
    reflection.surprised = surprised.strip()
    reflection.would_change = would_change.strip()
    reflection.customer_quote = customer_quote.strip()
    reflection.visibility = visibility
    reflection.full_clean(exclude=["participant"])
    reflection.save()

    _frictions_write(reflection=reflection, lines=lines, kept=kept, removed=removed)
    _commitments_write(
        reflection=reflection, person=participant.person, existing=existing, wanted=wanted
    )
    return reflection


def _participant_to_reflect(*, participant: Participant, by: User) -> Participant:
    """`participant`, locked, once it is sure `by` may reflect on that session at all."""
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
    return participant


def _reflection_still_open(*, participant: Participant) -> Reflection | None:
    """The reflection already written, or None; refused once a new one can no longer be
    written or the existing one has locked."""
    now = timezone.now()
    reflection = Reflection.objects.filter(participant=participant).first()
    if reflection is None and now >= reflection_closes(participant.session):
        closes = timezone.localtime(reflection_closes(participant.session))
        raise ValidationError(
            REFLECTION_CLOSED_MESSAGE.format(date=closes, days=settings.REFLECTION_EDIT_DAYS)
        )
    if reflection is not None and reflection_is_locked(reflection, now=now):
        raise ValidationError(REFLECTION_LOCKED_MESSAGE.format(days=settings.REFLECTION_EDIT_DAYS))
    return reflection


def _friction_lines(frictions: Iterable[FrictionLine | str]) -> list[FrictionLine]:
    """The lines as typed, white space folded, empty ones dropped, each wording once (the
    first one written wins). A plain string is a line without an id."""
    lines: list[FrictionLine] = []
    for item in frictions:
        line = FrictionLine(item) if isinstance(item, str) else item
        text = " ".join(line.text.split())
        if text and all(text != other.text for other in lines):
            lines.append(FrictionLine(text, line.id))
    return lines


def _frictions_kept_and_removed(
    *, reflection: Reflection | None, lines: list[FrictionLine]
) -> tuple[dict[int, ReflectionFriction], list[ReflectionFriction]]:
    """Which stored line each typed line edits (by its index in `lines`), and the stored lines
    no typed line edits any more.

    A typed line edits the stored line with its id, when that line is this reflection's (an id
    from elsewhere, or of a line deleted meanwhile, makes a new line). A line without an id
    whose words are those of a stored line nothing else edits is that line.
    """
    current = {} if reflection is None else {f.pk: f for f in reflection.frictions.all()}
    kept = {
        index: current.pop(line.id)
        for index, line in enumerate(lines)
        if line.id is not None and line.id in current
    }
    by_text = {friction.text: friction for friction in reversed(current.values())}
    for index, line in enumerate(lines):
        if index not in kept and line.id is None and line.text in by_text:
            kept[index] = current.pop(by_text.pop(line.text).pk)
    return kept, list(current.values())


def _friction_line_errors(
    *, lines: list[FrictionLine], removed: list[ReflectionFriction]
) -> list[str]:
    """What is wrong with the typed lines: one too long, or a line taken out that something
    still points at."""
    errors = []
    if too_long := line_too_long([line.text for line in lines], LINE_LIMIT):
        errors.append(too_long)
    errors.extend(
        FRICTION_IN_USE_MESSAGE.format(text=friction.text)
        for friction in removed
        if _is_pointed_at(friction)
    )
    return errors


def _is_pointed_at(friction: ReflectionFriction) -> bool:
    """Whether deleting `friction` is refused because a row elsewhere keeps it (a friction
    report filed from it, through its PROTECT foreign key). Asked of Django's deletion
    collector, as `delete()` would, so this app needs to know nothing of the apps above it."""
    try:
        Collector(using=router.db_for_write(ReflectionFriction)).collect([friction])
    except ProtectedError:
        return True
    return False


def _commitments_wanted(*, commitments: Iterable[CommitmentInput]) -> dict[str, date]:
    """The due date of each commitment typed, by its white-space-folded text; empty ones
    dropped."""
    wanted = {}
    for item in commitments:
        text = " ".join(item.text.split())
        if text:
            wanted[text] = item.due_date
    return wanted


def _commitment_errors(
    *, commitments: Iterable[CommitmentInput], existing: dict[str, Commitment]
) -> list[str]:
    """The first problem with the commitments typed: one too long, or a due date in the past
    that is not the date a commitment already had (an overdue commitment can be kept)."""
    today = timezone.localdate()
    for item in commitments:
        text = " ".join(item.text.split())
        if not text:
            continue
        if too_long := line_too_long([text], LINE_LIMIT):
            return [too_long]
        known = existing.get(text)
        if not date_in_range(item.due_date):
            return [date_range_message()]
        if item.due_date < today and (known is None or known.due_date != item.due_date):
            return [COMMITMENT_PAST_MESSAGE.format(date=item.due_date)]
    return []


def _frictions_write(
    *,
    reflection: Reflection,
    lines: list[FrictionLine],
    kept: dict[int, ReflectionFriction],
    removed: list[ReflectionFriction],
) -> None:
    """Delete the lines taken out, then save each typed line in its place: the stored line it
    edits with its new words, or a new one."""
    for friction in removed:
        friction.delete()
    for position, line in enumerate(lines):
        friction = kept.get(position) or ReflectionFriction(reflection=reflection)
        friction.text = line.text
        friction.position = position
        friction.full_clean(exclude=["reflection"])
        friction.save()


def _commitments_write(
    *,
    reflection: Reflection,
    person: User,
    existing: dict[str, Commitment],
    wanted: dict[str, date],
) -> None:
    """Delete the open commitments no longer wanted; save the wanted ones with their dates."""
    for text, commitment in existing.items():
        if commitment.done_at is None and text not in wanted:
            commitment.delete()
    for text, due_date in wanted.items():
        commitment = existing.get(text) or Commitment(
            reflection=reflection, person=person, text=text
        )
        commitment.due_date = due_date
        commitment.full_clean(exclude=["reflection", "person"])
        commitment.save()


def commitment_set_done(*, commitment: Commitment, by: User, done: bool = True) -> Commitment:
    """Mark a commitment done (or not done after all). Only the person who made it."""
    if commitment.person_id != by.pk:
        raise ValidationError(COMMITMENT_NOT_YOURS_MESSAGE)
    commitment.done_at = timezone.now() if done else None
    commitment.save(update_fields=["done_at"])
    return commitment
