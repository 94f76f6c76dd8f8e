"""Reminders after a session: attendance, the reflection (and again once it is overdue), and
commitments on their due date; several due at once go as one e-mail."""

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from accounts.models import FrontlineTeam
from accounts.tests.factories import FrontlineTeamFactory
from immersion.models import Commitment, Participant, Reflection, Session
from immersion.services.followthrough import attendance_record
from immersion.tests.factories import SessionFactory, activity
from notifications.kinds.followthrough import (
    COMMITMENT_DONE_REASON,
    COMMITMENT_MOVED_REASON,
    FOLLOWED_THROUGH_REASON,
    NO_REFLECTION_NEEDED_REASON,
    REFLECTION_WRITTEN_REASON,
)
from notifications.models import Notification
from notifications.scans import scans_run
from notifications.scans.followthrough import (
    attendance_reminders,
    commitment_reminders,
    reflection_overdue_reminders,
)
from notifications.selectors import notifications_for
from notifications.services import notification_send

pytestmark = pytest.mark.django_db

STARTS = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # a Thursday; London is on UTC
ENDS = STARTS + timedelta(hours=1)
REFLECTION_DUE = ENDS + timedelta(days=2)  # REFLECTION_DUE_DAYS
SESSIONS_BEFORE = itertools.count()


def place_for(person, *, starts=STARTS, slug="call-listening", team="Team Nord", hours=1):
    host = team and (
        FrontlineTeam.objects.filter(name=team).first() or FrontlineTeamFactory(name=team)
    )
    with time_machine.travel(starts - timedelta(days=7), tick=False):
        session = SessionFactory(
            people=[person],
            activity_type=activity(slug),
            host_team=host or None,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
        )
    return session.participants.get()


def reflect(place, *, at):
    with time_machine.travel(at, tick=False):
        return Reflection.objects.create(
            participant=place, surprised="How long the hold was.", would_change="The menu."
        )


def commitment_for(person, *, due, text="Call back the three customers", written=STARTS):
    """`person`'s commitment, from their reflection written at `written` on a session of theirs
    before it (each on its own session: nobody is in two at once)."""
    earlier = written - timedelta(hours=3 + 2 * next(SESSIONS_BEFORE))
    reflection = reflect(place_for(person, starts=earlier), at=written)
    return Commitment.objects.create(reflection=reflection, person=person, text=text, due_date=due)


def rows(kind):
    return Notification.objects.filter(kind=kind).order_by("send_after", "pk")


def at(moment, scan):
    with time_machine.travel(moment, tick=False):
        return scan(now=moment)


def send(row, when=None):
    with time_machine.travel(when or row.send_after, tick=False):
        return notification_send(pk=row.pk)


# Attendance and the reflection, when the session ends


def test_when_a_session_ends_its_participant_is_asked_to_confirm_and_reflect(executive):
    place = place_for(executive)

    at(ENDS - timedelta(minutes=3), attendance_reminders)

    row = rows("attendance_due").get()
    assert row.recipient == executive
    assert row.title == (
        "Confirm your attendance and write your reflection: "
        "Call listening with Team Nord, Thu 26 Nov 08:00"
    )
    assert row.url == f"/immersion/places/{place.pk}/attendance/"
    assert row.send_after == ENDS
    assert send(row) == "sent 1"
    (message,) = mail.outbox
    assert message.subject == row.title
    assert message.to == [executive.email]
    assert "Confirm your attendance" in message.body
    assert "Write your reflection" in message.body
    assert "It is due Saturday 28 November, 09:00." in message.body
    assert f"http://127.0.0.1:8000/immersion/places/{place.pk}/attendance/" in message.body


def test_a_meeting_that_asks_for_no_reflection_asks_only_for_attendance(executive):
    place_for(executive, slug="friction-review", team=None)

    at(ENDS, attendance_reminders)

    row = rows("attendance_due").get()
    assert row.title == "Confirm your attendance: Weekly friction review, Thu 26 Nov 08:00"
    send(row)
    assert "Write your reflection" not in mail.outbox[0].body


def test_attendance_confirmed_during_the_session_leaves_only_the_reflection(executive, cx_lead):
    place = place_for(executive)
    with time_machine.travel(STARTS + timedelta(minutes=30), tick=False):
        attendance_record(
            participant=place, attended=True, minutes=None, interactions=4, by=cx_lead
        )

    at(ENDS, attendance_reminders)

    row = rows("attendance_due").get()
    assert row.title == "Write your reflection: Call listening with Team Nord, Thu 26 Nov 08:00"
    assert row.url == f"/immersion/places/{place.pk}/reflection/"


def test_attendance_reminder_is_skipped_once_all_it_asked_was_done(executive):
    place = place_for(executive)
    at(ENDS, attendance_reminders)
    with time_machine.travel(ENDS + timedelta(minutes=1), tick=False):
        attendance_record(
            participant=place, attended=True, minutes=None, interactions=None, by=executive
        )
    reflect(place, at=ENDS + timedelta(minutes=2))

    assert send(rows("attendance_due").get(), ENDS + timedelta(minutes=3)) == "skipped"

    row = rows("attendance_due").get()
    assert (row.status, row.reason) == (Notification.Status.SKIPPED, FOLLOWED_THROUGH_REASON)
    assert mail.outbox == []


def test_attendance_reminder_still_goes_while_the_reflection_is_left(executive):
    place = place_for(executive)
    at(ENDS, attendance_reminders)
    with time_machine.travel(ENDS + timedelta(minutes=1), tick=False):
        attendance_record(
            participant=place, attended=True, minutes=None, interactions=None, by=executive
        )

    assert send(rows("attendance_due").get(), ENDS + timedelta(minutes=3)) == "sent 1"

    assert "Confirm your attendance:" not in mail.outbox[0].body
    assert "Write your reflection" in mail.outbox[0].body


def test_nothing_is_asked_of_a_cancelled_session_or_a_place_given_up(executive, make_user):
    cancelled = place_for(executive)
    other = place_for(make_user(roles=["executive"]), starts=STARTS + timedelta(hours=2))
    Session.objects.filter(pk=cancelled.session_id).update(status=Session.Status.CANCELLED)
    Participant.objects.filter(pk=other.pk).update(is_active=False)

    at(STARTS + timedelta(hours=4), attendance_reminders)
    at(STARTS + timedelta(days=3), reflection_overdue_reminders)

    assert not Notification.objects.exists()


def test_an_attendance_reminder_coming_due_at_23_00_goes_at_08_00_their_time(make_user):
    new_york = ZoneInfo("America/New_York")
    person = make_user(roles=["executive"], time_zone="America/New_York")
    ends = datetime(2026, 11, 26, 23, 0, tzinfo=new_york)
    place_for(person, starts=ends - timedelta(hours=1))

    at(ends - timedelta(minutes=3), attendance_reminders)

    row = rows("attendance_due").get()
    assert row.send_after == datetime(2026, 11, 27, 8, 0, tzinfo=new_york)
    for early in (ends, row.send_after - timedelta(minutes=1)):
        with time_machine.travel(early, tick=False):
            assert notification_send(pk=row.pk) == "not pending"
    assert mail.outbox == []
    assert send(row) == "sent 1"
    assert mail.outbox[0].to == [person.email]


# The reflection, once it is overdue


def test_an_overdue_reflection_is_reminded_when_it_falls_due(executive):
    place = place_for(executive)
    at(REFLECTION_DUE - timedelta(minutes=10), reflection_overdue_reminders)
    assert not rows("reflection_overdue").exists()

    at(REFLECTION_DUE - timedelta(minutes=3), reflection_overdue_reminders)

    row = rows("reflection_overdue").get()
    assert row.title == (
        "Overdue: write your reflection on Call listening with Team Nord, Thu 26 Nov 08:00"
    )
    assert row.url == f"/immersion/places/{place.pk}/reflection/"
    assert row.send_after == REFLECTION_DUE
    assert send(row) == "sent 1"
    (message,) = mail.outbox
    assert message.subject == row.title
    assert "was due Saturday 28 November, 09:00" in message.body
    assert "until Thursday 10 December, 09:00" in message.body
    assert f"http://127.0.0.1:8000/immersion/places/{place.pk}/reflection/" in message.body


def test_no_overdue_reminder_once_written_missed_or_closed(executive, make_user):
    written = place_for(executive)
    reflect(written, at=ENDS + timedelta(hours=1))
    missed = place_for(make_user(roles=["executive"]))
    Participant.objects.filter(pk=missed.pk).update(attendance="missed")
    closed = place_for(make_user(roles=["executive"]), starts=STARTS - timedelta(days=13))

    at(REFLECTION_DUE + timedelta(days=1), reflection_overdue_reminders)

    assert not rows("reflection_overdue").exists()
    assert closed.ends_at + timedelta(days=14) < REFLECTION_DUE + timedelta(days=1)


def test_a_scan_that_did_not_run_for_days_still_reminds_while_reflections_are_open(executive):
    place_for(executive)

    at(REFLECTION_DUE + timedelta(days=5), reflection_overdue_reminders)
    at(REFLECTION_DUE + timedelta(days=5, minutes=5), reflection_overdue_reminders)

    assert rows("reflection_overdue").count() == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [("write", REFLECTION_WRITTEN_REASON), ("missed", NO_REFLECTION_NEEDED_REASON)],
)
def test_an_overdue_reminder_is_skipped_if_it_no_longer_applies(executive, change, reason):
    place = place_for(executive)
    at(REFLECTION_DUE, reflection_overdue_reminders)
    if change == "write":
        reflect(place, at=REFLECTION_DUE + timedelta(minutes=1))
    else:
        Participant.objects.filter(pk=place.pk).update(attendance="missed")

    send(rows("reflection_overdue").get(), REFLECTION_DUE + timedelta(minutes=2))

    row = rows("reflection_overdue").get()
    assert (row.status, row.reason) == (Notification.Status.SKIPPED, reason)
    assert mail.outbox == []


# Commitments


def test_a_commitment_is_reminded_on_the_morning_it_is_due(executive):
    commitment = commitment_for(executive, due=date(2026, 11, 30))
    morning = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    at(morning - timedelta(minutes=10), commitment_reminders)
    assert not rows("commitment_due").exists()

    at(morning - timedelta(minutes=3), commitment_reminders)

    row = rows("commitment_due").get()
    assert row.recipient == executive
    assert row.title == "Your commitment is due Mon 30 Nov: Call back the three customers"
    assert row.url == "/#home-todo"
    assert row.send_after == morning
    assert row.occasion == "due-2026-11-30"
    assert send(row) == "sent 1"
    (message,) = mail.outbox
    assert message.subject == row.title
    assert "    Call back the three customers" in message.body
    assert "http://127.0.0.1:8000/#home-todo" in message.body
    assert commitment.person == executive


def test_a_commitment_is_reminded_at_nine_where_its_owner_is(make_user):
    singapore = ZoneInfo("Asia/Singapore")
    person = make_user(roles=["executive"], time_zone="Asia/Singapore")
    commitment_for(person, due=date(2026, 11, 30))

    at(datetime(2026, 11, 30, 1, 0, tzinfo=UTC), commitment_reminders)

    assert rows("commitment_due").get().send_after == datetime(2026, 11, 30, 9, tzinfo=singapore)


def test_no_commitment_reminder_when_done_or_written_on_its_due_day(executive):
    done = commitment_for(executive, due=date(2026, 11, 30))
    Commitment.objects.filter(pk=done.pk).update(done_at=STARTS)
    commitment_for(
        executive,
        due=date(2026, 11, 30),
        text="Ask billing why",
        written=datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
    )

    at(datetime(2026, 11, 30, 11, 0, tzinfo=UTC), commitment_reminders)

    assert not rows("commitment_due").exists()


def test_a_commitment_done_or_moved_after_its_reminder_was_written_is_skipped(executive):
    done = commitment_for(executive, due=date(2026, 11, 30))
    moved = commitment_for(executive, due=date(2026, 11, 30), text="Ask billing why")
    morning = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    at(morning, commitment_reminders)
    Commitment.objects.filter(pk=done.pk).update(done_at=morning)
    Commitment.objects.filter(pk=moved.pk).update(due_date=date(2026, 12, 2))

    assert send(rows("commitment_due").first(), morning + timedelta(minutes=1)) == "skipped"
    at(datetime(2026, 12, 2, 9, 0, tzinfo=UTC), commitment_reminders)

    reasons = dict(
        rows("commitment_due").values_list("occasion", "reason").filter(subject_id=done.pk)
    )
    assert reasons == {"due-2026-11-30": COMMITMENT_DONE_REASON}
    assert list(
        rows("commitment_due").filter(subject_id=moved.pk).values_list("occasion", "reason")
    ) == [("due-2026-11-30", COMMITMENT_MOVED_REASON), ("due-2026-12-02", "")]
    assert mail.outbox == []


# Several at once: one e-mail


def test_three_reminders_due_together_go_as_one_e_mail_listing_them(executive, client):
    now = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    just_ended = place_for(executive, starts=now - timedelta(hours=1, minutes=2))
    late = place_for(executive, starts=now - timedelta(days=2, hours=1, minutes=1), team="Team Sud")
    commitment_for(executive, due=now.date())
    with time_machine.travel(now, tick=False):
        scans_run(now=now)
    due = Notification.objects.filter(recipient=executive).order_by("pk")
    assert sorted(due.values_list("kind", flat=True)) == [
        "attendance_due",
        "commitment_due",
        "reflection_overdue",
    ]

    with time_machine.travel(now, tick=False):
        assert notification_send(pk=due.first().pk) == "sent 3"

    (message,) = mail.outbox
    assert message.subject == "3 reminders from Proximity"
    assert message.to == [executive.email]
    for row in due:
        assert f"- {row.title}\n  http://127.0.0.1:8000{row.url}" in message.body
    assert set(due.values_list("status", flat=True)) == {Notification.Status.SENT}
    assert f"/immersion/places/{just_ended.pk}/attendance/" in message.body
    assert f"/immersion/places/{late.pk}/reflection/" in message.body
    assert notifications_for(person=executive).count() == 3
    client.force_login(executive)
    page = client.get("/notifications/").content.decode()
    assert all(row.title in page for row in due)


# Queries


def _ended_places(size, make_user, offset):
    for n in range(size):
        place_for(make_user(roles=["executive"]), starts=STARTS + timedelta(minutes=offset + n))


@pytest.mark.parametrize(
    ("scan", "build", "moment"),
    [
        (attendance_reminders, _ended_places, ENDS + timedelta(hours=2)),
        (reflection_overdue_reminders, _ended_places, REFLECTION_DUE + timedelta(hours=2)),
        (
            commitment_reminders,
            lambda size, make_user, offset: [
                commitment_for(make_user(roles=["executive"]), due=date(2026, 11, 30))
                for _ in range(size)
            ],
            datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
        ),
    ],
    ids=["attendance", "overdue", "commitments"],
)
def test_followthrough_scans_run_in_four_queries_however_many_they_write(
    scan, build, moment, make_user, django_assert_max_num_queries
):
    counts, written = [], []
    for size, offset in ((2, 0), (9, 10)):
        build(size, make_user, offset)
        with django_assert_max_num_queries(4) as queries:
            written.append(at(moment, scan))
        counts.append(len(queries))

    assert written == [2, 9]
    assert Notification.objects.count() == 11
    assert counts[0] == counts[1]
