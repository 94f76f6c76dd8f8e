"""Reminders of coming sessions and shifts, written by beat's scan with nobody sending them."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from accounts.tests.factories import FrontlineTeamFactory
from immersion.models import Participant, Session
from immersion.services.sessions import session_reschedule
from immersion.tests.factories import SessionFactory, activity
from notifications.kinds.sessions import SESSION_CANCELLED_REASON, SESSION_MOVED_REASON
from notifications.models import Notification, NotificationSettings
from notifications.scans import SCAN_EVERY
from notifications.scans.sessions import session_reminders
from notifications.services import notification_send

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday
STARTS = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
def team():
    return FrontlineTeamFactory(name="Team Nord")


@pytest.fixture
def listening(executive, team):
    """Call listening with Team Nord, tomorrow 09:00 UTC, the executive (in London) booked."""
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        return SessionFactory(
            people=[executive],
            host_team=team,
            starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=1),
        )


def reminders(**filters):
    return Notification.objects.filter(kind="session_reminder", **filters).order_by("send_after")


def scan_at(moment):
    with time_machine.travel(moment, tick=False):
        return session_reminders(now=moment)


def send(row, at=None):
    with time_machine.travel(at or row.send_after, tick=False):
        return notification_send(pk=row.pk)


def test_session_reminder_24_hours_before_says_what_when_and_where_to_look(executive, listening):
    scan_at(STARTS - timedelta(hours=24, minutes=3))

    (row,) = reminders()
    assert row.recipient == executive
    assert row.title == "Reminder: Call listening with Team Nord, Fri 27 Nov 09:00"
    assert row.url == f"/immersion/sessions/{listening.pk}/"
    assert row.occasion == "24h@20261127T0900"
    assert row.send_after == STARTS - timedelta(hours=24)
    assert row.data == {"starts_at": listening.starts_at.isoformat(), "hours": 24}


def test_session_reminder_e_mail_has_the_link_and_the_invitation(executive, listening):
    scan_at(STARTS - timedelta(hours=24, minutes=3))
    row = reminders().get()

    assert send(row) == "sent 1"

    (message,) = mail.outbox
    assert message.subject == "Reminder: Call listening with Team Nord, Fri 27 Nov 09:00"
    assert message.to == [executive.email]
    assert f"http://127.0.0.1:8000/immersion/sessions/{listening.pk}/" in message.body
    assert [name for name, _, _ in message.attachments] == ["invite.ics"]
    assert "SUMMARY:Call listening with Team Nord" in message.attachments[0][1]
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT


def test_each_lead_time_is_one_reminder_however_often_the_scan_runs(listening):
    for minutes_before in range(24 * 60 + 5, 0, -5):  # every scan of the last day
        scan_at(STARTS - timedelta(minutes=minutes_before))

    assert [r.occasion for r in reminders()] == ["24h@20261127T0900", "1h@20261127T0900"]
    assert reminders().last().send_after == STARTS - timedelta(hours=1)


def test_a_session_already_started_writes_nothing(listening):
    scan_at(STARTS + timedelta(minutes=1))

    assert not reminders().exists()


def test_nothing_is_written_before_the_lead_time_comes_within_a_scan(listening):
    scan_at(STARTS - timedelta(hours=24) - SCAN_EVERY - timedelta(minutes=1))

    assert not reminders().exists()


def test_cancelled_sessions_and_people_taken_off_are_not_reminded(executive, make_user, team):
    other = make_user(roles=["executive"])
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        SessionFactory(people=[executive], starts_at=STARTS, status="cancelled")
        swapped = SessionFactory(people=[other], starts_at=STARTS + timedelta(hours=2))
    Participant.objects.filter(session=swapped).update(is_active=False)

    scan_at(STARTS - timedelta(hours=20))

    assert not reminders().exists()


def test_a_moved_session_is_reminded_again_and_the_old_reminder_skipped(executive, listening):
    scan_at(STARTS - timedelta(hours=24, minutes=3))
    old = reminders().get()
    later = STARTS + timedelta(hours=3)
    Session.objects.filter(pk=listening.pk).update(
        starts_at=later, ends_at=later + timedelta(hours=1)
    )
    Participant.objects.filter(session=listening).update(
        starts_at=later, ends_at=later + timedelta(hours=1)
    )

    scan_at(later - timedelta(hours=24, minutes=3))

    new = reminders().get(occasion="24h@20261127T1200")
    assert new.title == "Reminder: Call listening with Team Nord, Fri 27 Nov 12:00"
    assert send(old, at=new.send_after) == "skipped"
    assert send(new, at=new.send_after) == "sent 1"
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, old.reason) == (Notification.Status.SKIPPED, SESSION_MOVED_REASON)
    assert new.status == Notification.Status.SENT
    assert mail.outbox[0].subject == new.title


def test_a_session_cancelled_after_its_reminder_was_written_is_not_e_mailed(listening):
    scan_at(STARTS - timedelta(hours=24, minutes=3))
    Session.objects.filter(pk=listening.pk).update(status=Session.Status.CANCELLED)

    assert send(reminders().get()) == "skipped"

    assert reminders().get().reason == SESSION_CANCELLED_REASON
    assert mail.outbox == []


def test_lead_times_are_the_cx_leads(executive, listening):
    NotificationSettings(pk=1, lead_hours=[48, 3]).save()

    scan_at(STARTS - timedelta(hours=47))

    assert [r.occasion for r in reminders()] == ["48h@20261127T0900"]


def test_a_place_given_at_the_last_minute_gets_one_reminder_not_two(executive, listening):
    scan_at(STARTS - timedelta(minutes=30))

    (row,) = reminders()
    assert row.occasion == "1h@20261127T0900"


def test_the_title_is_in_the_recipients_time_zone_and_a_shift_says_so(make_user):
    person = make_user(roles=["executive"], time_zone="Asia/Singapore")
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        SessionFactory(
            people=[person],
            activity_type=activity("officer-of-the-day"),
            starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=8),
        )

    scan_at(STARTS - timedelta(hours=24, minutes=3))

    assert reminders().get().title == "Reminder: Officer of the Day shift, Fri 27 Nov 17:00"


def test_a_1_hour_reminder_for_an_0830_session_waits_out_quiet_hours_but_not_the_start(
    make_user,
):
    new_york = ZoneInfo("America/New_York")
    person = make_user(roles=["executive"], time_zone="America/New_York")
    starts = datetime(2026, 11, 27, 8, 30, tzinfo=new_york)
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        SessionFactory(people=[person], starts_at=starts, ends_at=starts + timedelta(hours=1))

    scan_at(starts - timedelta(hours=1, minutes=3))

    row = reminders().get()
    assert row.send_after.astimezone(new_york).time() == time(8, 0)  # not 07:30, in quiet hours
    with time_machine.travel(row.send_after - timedelta(minutes=1), tick=False):
        assert notification_send(pk=row.pk) == "not pending"
    assert send(row) == "sent 1"
    assert mail.outbox[0].to == [person.email]


def test_a_reminder_for_an_0800_session_is_not_held_until_it_starts(make_user):
    new_york = ZoneInfo("America/New_York")
    person = make_user(roles=["executive"], time_zone="America/New_York")
    starts = datetime(2026, 11, 27, 8, 0, tzinfo=new_york)
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        SessionFactory(people=[person], starts_at=starts, ends_at=starts + timedelta(hours=1))

    scan_at(starts - timedelta(hours=1, minutes=3))

    row = reminders().get()
    assert row.send_after == starts - timedelta(hours=1)  # 07:00: quiet, but before the start
    assert send(row) == "sent 1"


def test_session_scan_queries_do_not_grow_with_the_reminders(
    make_user, django_assert_max_num_queries
):
    counts, written = [], []
    for size in (2, 8):
        with time_machine.travel(NOW - timedelta(days=3), tick=False):
            for n in range(size):
                starts = NOW + timedelta(hours=2 + n)
                SessionFactory(
                    people=[make_user(roles=["executive"]), make_user(roles=["executive"])],
                    host_team=FrontlineTeamFactory(),
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                )
        with django_assert_max_num_queries(4) as queries:
            written.append(scan_at(NOW))
        counts.append(len(queries))

    assert written == [2 * 2, 8 * 2]  # the second scan writes only the new sessions' reminders
    assert reminders().count() == 20
    assert counts[0] == counts[1]


def test_a_session_moved_inside_a_day_gets_no_second_day_ahead_reminder_only_the_hour_one(
    executive, listening, cx_lead
):
    """The move itself was announced with its invitation: a "Reminder" on top, in the same
    minute, would be a third message about one change (the review)."""
    later = STARTS + timedelta(hours=3)
    with time_machine.travel(later - timedelta(hours=10), tick=False):
        session_reschedule(
            session=listening, starts_at=later, ends_at=later + timedelta(hours=1), by=cx_lead
        )
    scan_at(later - timedelta(hours=10) + timedelta(minutes=1))
    assert not reminders().exists()
    scan_at(later - timedelta(hours=1, minutes=3))
    (row,) = reminders()
    assert row.occasion == "1h@20261127T1200"


def test_the_reminder_says_how_long_until_the_start_when_it_is_sent_not_the_lead_time(
    executive, listening
):
    """Held by quiet hours, or written late, a "24 hours" reminder may go with 20 hours left."""
    scan_at(STARTS - timedelta(hours=24, minutes=3))
    row = reminders().get()
    assert send(row, at=STARTS - timedelta(hours=20)) == "sent 1"
    assert "starting in 20\xa0hours:" in mail.outbox[0].body
