import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.roles import Role
from immersion.models import Participant, Session, SessionChange
from immersion.services.sessions import (
    END_BEFORE_START_MESSAGE,
    LOCKED_MESSAGE,
    PAST_MESSAGE,
    participant_replace,
    session_cancel,
    session_confirm,
    session_create,
    session_reschedule,
)
from immersion.tests.factories import SessionFactory, TimeOffFactory, activity

pytestmark = pytest.mark.django_db


def next_week(hour=10, days=7):
    base = timezone.now() + timedelta(days=days)
    return base.replace(hour=hour, minute=0, second=0, microsecond=0)


def book(person, start, minutes=60, by=None, **kwargs):
    return session_create(
        activity_type=activity("call-listening"),
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        participants=[person],
        created_by=by or person,
        **kwargs,
    )


def test_session_create_books_participants_and_records_it(executive):
    session = book(executive, next_week())
    assert [p.person for p in session.participants.all()] == [executive]
    assert [c.kind for c in session.changes.all()] == [SessionChange.Kind.CREATED]


def test_session_create_refuses_overlap_and_names_the_clash(executive):
    book(executive, next_week(10))
    with pytest.raises(ValidationError) as exc:
        book(executive, next_week(10) + timedelta(minutes=30))
    assert "Evelyn Exec already has “Call listening” at that time" in exc.value.messages[0]
    assert Session.objects.count() == 1


def test_back_to_back_sessions_are_fine(executive):
    book(executive, next_week(10))
    book(executive, next_week(11))
    assert Participant.objects.filter(person=executive).count() == 2


def test_session_create_refuses_time_off_in_the_persons_own_zone(make_user):
    person = make_user(roles=[Role.EXECUTIVE], time_zone="Asia/Tokyo")
    start = next_week(hour=20)  # 20:00 UTC is the next morning in Tokyo
    tokyo_day = start.astimezone(timezone.get_fixed_timezone(9 * 60)).date()
    TimeOffFactory(person=person, start_date=tokyo_day, end_date=tokyo_day)
    with pytest.raises(ValidationError) as exc:
        book(person, start)
    assert exc.value.messages == [f"{person} is on time off on {tokyo_day:%a %d %b %Y}."]


def test_session_create_refuses_the_past_and_end_before_start(executive):
    with pytest.raises(ValidationError) as exc:
        book(executive, timezone.now() - timedelta(hours=2))
    assert exc.value.message_dict == {"starts_at": [PAST_MESSAGE]}
    with pytest.raises(ValidationError) as exc:
        book(executive, next_week(), minutes=-30)
    assert exc.value.message_dict == {"ends_at": [END_BEFORE_START_MESSAGE]}
    assert Session.objects.count() == 0


def test_one_clashing_participant_means_nobody_is_booked(make_user):
    free, busy = make_user(), make_user(display_name="Busy Bee")
    book(busy, next_week(10))
    with pytest.raises(ValidationError):
        session_create(
            activity_type=activity("friction-review"),
            starts_at=next_week(10),
            ends_at=next_week(11),
            participants=[free, busy],
            created_by=free,
        )
    assert not Participant.objects.filter(person=free).exists()


def test_reschedule_moves_everyone_and_raises_the_sequence(executive, cx_lead):
    session = book(executive, next_week(10))
    session_reschedule(session=session, starts_at=next_week(14), ends_at=next_week(15), by=cx_lead)
    session.refresh_from_db()
    assert (session.starts_at, session.sequence) == (next_week(14), 1)
    assert Participant.objects.get(session=session).starts_at == next_week(14)
    change = session.changes.last()
    assert (change.kind, change.changed_by) == (SessionChange.Kind.MOVED, cx_lead)


def test_reschedule_refuses_a_clash_for_any_participant(executive, cx_lead):
    session = book(executive, next_week(10))
    book(executive, next_week(14))
    with pytest.raises(ValidationError):
        session_reschedule(
            session=session, starts_at=next_week(14), ends_at=next_week(15), by=cx_lead
        )


def test_cancel_frees_the_time_and_confirm_locks_against_rotations(executive, cx_lead):
    session = book(executive, next_week(10))
    session_cancel(session=session, by=cx_lead)
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    book(executive, next_week(10))  # the slot is free again
    other = book(executive, next_week(15))
    session_confirm(session=other, by=cx_lead)
    assert Session.objects.get(pk=other.pk).status == Session.Status.CONFIRMED


def test_attended_sessions_cannot_be_moved_or_cancelled(executive, cx_lead):
    session = book(executive, next_week(10))
    Participant.objects.filter(session=session).update(attendance="attended")
    for action in (
        lambda: session_cancel(session=session, by=cx_lead),
        lambda: session_reschedule(
            session=session, starts_at=next_week(14), ends_at=next_week(15), by=cx_lead
        ),
    ):
        with pytest.raises(ValidationError) as exc:
            action()
        assert exc.value.messages == [LOCKED_MESSAGE]


def test_replace_moves_the_place_and_keeps_the_history(
    make_user, cx_lead, notifications_written, django_capture_on_commit_callbacks
):
    ana = make_user(roles=[Role.EXECUTIVE], display_name="Ana")
    bo = make_user(roles=[Role.EXECUTIVE], display_name="Bo")
    session = book(ana, next_week(10))
    with django_capture_on_commit_callbacks(execute=True):
        participant_replace(
            session=session, person=ana, replacement=bo, by=cx_lead, kind="reassigned"
        )
    active = [p.person for p in session.participants.filter(is_active=True)]
    assert active == [bo]
    assert session.participants.get(person=ana).is_active is False  # feeds show it cancelled
    change = session.changes.last()
    assert (change.kind, change.from_value, change.to_value) == ("reassigned", "Ana", "Bo")
    url = session.get_absolute_url()
    assert [(kind, to, row_url) for kind, to, _, row_url in notifications_written()] == [
        ("place_given", bo.email, url),
        ("place_relieved", ana.email, url),
    ]


def test_database_refuses_overlapping_participants_past_the_service(executive):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL")
    first = SessionFactory(starts_at=next_week(10), ends_at=next_week(11))
    second = SessionFactory(starts_at=next_week(10) + timedelta(minutes=30), ends_at=next_week(12))
    Participant.objects.create(
        session=first, person=executive, starts_at=first.starts_at, ends_at=first.ends_at
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(
            session=second, person=executive, starts_at=second.starts_at, ends_at=second.ends_at
        )


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_bookings_of_one_person_leave_exactly_one(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises them by design")
    person = make_user(roles=[Role.EXECUTIVE])
    start = next_week(10)
    barrier = threading.Barrier(20)
    outcomes = []

    def attempt(n):
        try:
            barrier.wait()
            book(person, start + timedelta(minutes=n), by=person)
            outcomes.append("booked")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("booked") == 1
    assert Participant.objects.filter(person=person, is_active=True).count() == 1
