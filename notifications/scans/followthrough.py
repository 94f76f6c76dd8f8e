"""Reminders after a session (kinds.followthrough), each written once:

    attendance_due       when the session ends: confirm attendance, write the reflection (what
                         is left of the two), to each active participant who has something left
    reflection_overdue   when the reflection falls due (REFLECTION_DUE_DAYS after the end) and
                         is not written, until reflections on the session close
    commitment_due       at COMMITMENT_REMIND_AT on the due date, in the owner's time zone, for
                         a commitment not done; a new due date is a new reminder

A scan looks back over the whole time its reminder still makes sense (beat stopped for a while
loses nothing), and leaves out what an earlier scan wrote, so it writes each reminder once.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat

from immersion.models import Commitment, Participant, Pillar, Session
from immersion.services.followthrough import reflection_closes, reflection_due

from ..kinds.followthrough import REFLECTING, place_todo
from ..models import NotificationSettings
from ..services import notification_prepare, notify_many
from . import SCAN_EVERY, scan
from .written import session_words, when_words, written_keys

EXPOSURE = [Pillar.DIRECT, Pillar.OBSERVATION]
# A commitment is reminded on the morning of its due date, where its owner is.
COMMITMENT_REMIND_AT = time(9, 0)


def _places(**filters):
    return (
        Participant.objects.filter(is_active=True, person__is_active=True, **filters)
        .exclude(session__status=Session.Status.CANCELLED)
        .select_related("person", "session__activity_type", "session__host_team")
    )


def day_words(day) -> str:
    return dateformat.format(day, "D j M")


def attendance_title(place: Participant, todo) -> str:
    what = {
        (True, True): "Confirm your attendance and write your reflection",
        (True, False): "Confirm your attendance",
        (False, True): "Write your reflection",
    }[(todo.attendance, todo.reflection)]
    session = place.session
    return f"{what}: {session_words(session)}, {when_words(session.starts_at, place.person.zone)}"


@scan
def attendance_reminders(*, now: datetime) -> int:
    """Places in sessions ending before the next scan, or since the reflection's due date was
    still ahead, with attendance to confirm or a reflection to write. Four queries."""
    config = NotificationSettings.current()
    ended = _places(
        ends_at__gt=now - timedelta(days=settings.REFLECTION_DUE_DAYS),
        ends_at__lte=now + SCAN_EVERY,
    ).filter(
        Q(attendance=Participant.Attendance.INVITED)
        | Q(
            session__activity_type__pillar__in=EXPOSURE,
            attendance__in=REFLECTING,
            reflection__isnull=True,
        )
    )
    written = written_keys(kind="attendance_due", subjects=ended)
    rows = []
    for place in ended.select_related("reflection"):
        todo = place_todo(place, now=now)
        if not todo or (place.pk, place.person_id, "ended") in written:
            continue
        page = "immersion:attendance" if todo.attendance else "immersion:reflection"
        rows.append(
            notification_prepare(
                kind="attendance_due",
                recipient=place.person,
                subject=place,
                occasion="ended",
                title=attendance_title(place, todo),
                url=reverse(page, kwargs={"pk": place.pk}),
                data={"ends_at": place.ends_at.isoformat()},
                send_after=place.ends_at,
                quiet=config,
            )
        )
    return notify_many(rows)


@scan
def reflection_overdue_reminders(*, now: datetime) -> int:
    """Places whose reflection falls due before the next scan, or fell due while reflections
    on the session are still open, with none written. Four queries."""
    config = NotificationSettings.current()
    due = timedelta(days=settings.REFLECTION_DUE_DAYS)
    late = _places(
        ends_at__gt=now - timedelta(days=settings.REFLECTION_EDIT_DAYS),
        ends_at__lte=now - due + SCAN_EVERY,
        session__activity_type__pillar__in=EXPOSURE,
        attendance__in=REFLECTING,
        reflection__isnull=True,
    )
    written = written_keys(kind="reflection_overdue", subjects=late)
    rows = []
    for place in late:
        if (place.pk, place.person_id, "overdue") in written:
            continue
        session, person = place.session, place.person
        rows.append(
            notification_prepare(
                kind="reflection_overdue",
                recipient=person,
                subject=place,
                occasion="overdue",
                title=(
                    f"Overdue: write your reflection on {session_words(session)}, "
                    f"{when_words(session.starts_at, person.zone)}"
                ),
                url=reverse("immersion:reflection", kwargs={"pk": place.pk}),
                data={"due_at": reflection_due(session).isoformat()},
                send_after=reflection_due(session),
                not_later_than=reflection_closes(session),
                quiet=config,
            )
        )
    return notify_many(rows)


@scan
def commitment_reminders(*, now: datetime) -> int:
    """Open commitments whose due date has come (or comes before the next scan) where their
    owner is, and has not ended. One written or changed on its due date after the reminder's
    hour is not reminded: its owner has just seen it. Four queries."""
    config = NotificationSettings.current()
    # Every zone's today is within a day of UTC's; the exact test is per owner, below.
    candidates = Commitment.objects.filter(
        done_at__isnull=True,
        person__is_active=True,
        due_date__gte=(now - timedelta(days=2)).date(),
        due_date__lte=(now + timedelta(days=2)).date(),
    )
    written = written_keys(kind="commitment_due", subjects=candidates)
    rows = []
    for commitment in candidates.select_related("person", "reflection"):
        person, day = commitment.person, commitment.due_date
        occasion = f"due-{day:%Y-%m-%d}"
        if (commitment.pk, person.pk, occasion) in written:
            continue
        remind_at = datetime.combine(day, COMMITMENT_REMIND_AT, tzinfo=person.zone)
        day_ends = datetime.combine(day + timedelta(days=1), time(0), tzinfo=person.zone)
        if not remind_at <= now + SCAN_EVERY or now >= day_ends:
            continue
        if commitment.reflection.updated_at >= remind_at:
            continue
        rows.append(
            notification_prepare(
                kind="commitment_due",
                recipient=person,
                subject=commitment,
                occasion=occasion,
                title=f"Your commitment is due {day_words(day)}: {commitment.text}",
                url=reverse("home") + "#home-todo",
                data={"due_date": day.isoformat()},
                send_after=remind_at,
                quiet=config,
            )
        )
    return notify_many(rows)
