"""The outbox's core (services.py): one row per occasion, the hand-off after commit, the relay,
the worker's send (once, or skipped with a reason, or backed off and failed), and quiet hours.

Nothing here reaches a broker: the hand-off's `send_task` is recorded instead. The e-mail goes to
Django's locmem outbox, except where a real SMTP refusal is the point."""

import socket
from datetime import UTC, datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery import Celery
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.tests.factories import UserFactory
from core import broker
from immersion.models import Session
from immersion.tests.factories import SessionFactory, past_place
from notifications import services
from notifications.kinds.sessions import SESSION_CANCELLED_REASON
from notifications.models import Notification, NotificationSettings, Preference
from notifications.services import (
    BACKOFF,
    BAD_ADDRESS_REASON,
    EMAIL_OFF_REASON,
    FAILED_REASON,
    INACTIVE_REASON,
    MAX_ATTEMPTS,
    NO_ADDRESS_REASON,
    NOT_FAILED_MESSAGE,
    RESEND_AFTER,
    SEND_TASK,
    _quiet_until,
    notification_retry,
    notification_send,
    notifications_relay,
    notify,
    notify_many,
)

pytestmark = pytest.mark.django_db

# Quiet hours that never hold (from == until): the tests that are not about them do not depend
# on the hour they run at.
NO_QUIET = NotificationSettings(quiet_from=time(0), quiet_until=time(0))
EVENINGS = NotificationSettings(quiet_from=time(20), quiet_until=time(8))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def handed(monkeypatch):
    """What the hand-off gave the broker: [(task name, args, options)], instead of a broker."""
    calls = []

    def send_task(name, args=None, **options):
        calls.append((name, args, options))

    monkeypatch.setattr(broker.current_app, "send_task", send_task)
    return calls


@pytest.fixture
def broker_down(monkeypatch):
    """A broker that refuses every hand-off, as kombu does when Redis is unreachable."""
    tries = []

    def send_task(name, args=None, **options):
        tries.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(broker.current_app, "send_task", send_task)
    return tries


@pytest.fixture
def person():
    return UserFactory(email="ada@example.com", display_name="Ada Lovelace")


@pytest.fixture
def session(person):
    return SessionFactory(people=[person])


def remind(person, session, *, occasion="24h", quiet=NO_QUIET, **fields):
    """A session reminder, as the scan writes it."""
    session.refresh_from_db()
    return notify(
        kind="session_reminder",
        recipient=person,
        subject=session,
        occasion=occasion,
        title="Your call listening session is tomorrow: check the time",
        url=session.get_absolute_url(),
        data={"starts_at": session.starts_at.isoformat(), "hours": 24},
        quiet=quiet,
        **fields,
    )


# Writing: one row per occasion


def test_notify_twice_for_the_same_occasion_writes_one_row(person, session):
    first = remind(person, session)
    again = remind(person, session)
    assert first is not None
    assert again is None
    assert Notification.objects.count() == 1


def test_notify_for_a_new_occasion_writes_a_second_row(person, session):
    remind(person, session, occasion="24h")
    remind(person, session, occasion="1h")
    assert sorted(Notification.objects.values_list("occasion", flat=True)) == ["1h", "24h"]


def test_a_scan_run_twice_writes_each_row_once(person, session):
    def scan():
        return [
            services.notification_prepare(
                kind="session_reminder",
                recipient=person,
                subject=session,
                occasion=occasion,
                title="Your session is coming",
                url=session.get_absolute_url(),
                quiet=NO_QUIET,
            )
            for occasion in ("24h", "1h")
        ]

    notify_many(scan())
    notify_many(scan())
    assert Notification.objects.count() == 2


def test_notify_for_nobody_writes_nothing(session):
    assert remind(None, session) is None
    assert not Notification.objects.exists()


# Handing to the broker


def test_notify_hands_the_id_to_the_broker_only_when_the_transaction_commits(
    person, session, handed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = remind(person, session)
        assert handed == [], "nothing reaches the broker before the commit"
    assert handed == [(SEND_TASK, [row.pk], {"retry": False, "ignore_result": True})]
    row.refresh_from_db()
    assert row.handed_at is not None


def test_notify_with_the_broker_down_raises_nothing_and_leaves_the_row_to_the_relay(
    person, session, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = remind(person, session)
    assert broker_down == [[row.pk]], "tried once, no retries"
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING
    assert row.handed_at is None


def test_a_broker_that_refuses_costs_the_committing_request_no_wait(
    person, session, monkeypatch, django_capture_on_commit_callbacks
):
    """The site's Celery app as REDIS_URL sets it up (broker and result backend), with Redis
    down: its real client and transport, no server needed. Unless told not to, kombu reconnects
    to the broker for 6 s and the result backend for 20 s."""
    down = Celery("proximity", set_as_current=False)
    down.config_from_object("django.conf:settings", namespace="CELERY")
    down.conf.broker_url = down.conf.result_backend = f"redis://127.0.0.1:{_free_port()}/0"
    monkeypatch.setattr(broker, "current_app", down)
    with django_capture_on_commit_callbacks() as after_commit:
        row = remind(person, session)
    started = monotonic()
    for callback in after_commit:
        callback()
    took = monotonic() - started
    assert took < 0.5, f"the hand-off waited {took:.1f} s on a broker that is down"
    row.refresh_from_db()
    assert row.handed_at is None


def test_notify_does_not_hand_a_row_that_waits_for_the_morning(
    person, session, handed, django_capture_on_commit_callbacks
):
    evening = datetime(2026, 11, 26, 21, 0, tzinfo=ZoneInfo("Europe/London"))
    with (
        time_machine.travel(evening, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        row = remind(person, session, quiet=EVENINGS)
    assert handed == []
    assert row.send_after == datetime(2026, 11, 27, 8, 0, tzinfo=ZoneInfo("Europe/London"))


def test_relay_hands_what_is_due_and_unhanded_or_handed_too_long_ago(
    person, session, handed, time_machine
):
    now = timezone.now()
    time_machine.move_to(now, tick=False)

    def row(n, **fields):
        made = remind(person, session, occasion=f"row-{n}")
        Notification.objects.filter(pk=made.pk).update(**fields)
        return made.pk

    never_handed = row(0)
    handed_long_ago = row(1, handed_at=now - RESEND_AFTER - timedelta(seconds=1))
    handed_just_now = row(2, handed_at=now - RESEND_AFTER + timedelta(seconds=30))
    not_yet_due = row(3, send_after=now + timedelta(minutes=1))
    sent = row(4, status=Notification.Status.SENT, handed_at=now - timedelta(hours=1))
    skipped = row(5, status=Notification.Status.SKIPPED)
    failed = row(6, status=Notification.Status.FAILED)

    assert notifications_relay(now=now) == 2
    assert sorted(args[0] for _, args, _ in handed) == sorted([never_handed, handed_long_ago])
    assert not {handed_just_now, not_yet_due, sent, skipped, failed} & {a[0] for _, a, _ in handed}
    assert Notification.objects.get(pk=handed_long_ago).handed_at == now


def test_relay_with_the_broker_down_hands_nothing_and_leaves_the_rows_for_next_time(
    person, session, broker_down
):
    row = remind(person, session)
    assert notifications_relay() == 0
    assert Notification.objects.get(pk=row.pk).handed_at is None
    assert broker_down == [[row.pk]], "it stops at the first refusal instead of trying each row"


# Sending


def test_send_mails_once_with_the_title_link_and_invite_and_a_second_call_sends_nothing(
    person, session
):
    row = remind(person, session)
    assert notification_send(pk=row.pk) == "sent 1"
    assert notification_send(pk=row.pk) == "not pending"

    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "Your call listening session is tomorrow: check the time"
    assert f"http://127.0.0.1:8000{session.get_absolute_url()}" in message.body
    assert message.extra_headers["Message-ID"] == f"<notification-{row.pk}@127.0.0.1>"
    ((name, invite, mimetype),) = message.attachments
    assert name == "invite.ics"
    assert mimetype.startswith("text/calendar")
    assert f"UID:{session.uid}@proximity" in invite
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.sent_at is not None


def test_send_keeps_each_session_reminder_in_its_own_message_with_its_own_invitation(
    person, session
):
    """Calendar clients act on one invitation per message: session reminders are never
    gathered into a digest (the follow-through reminders are, test_scans_followthrough)."""
    first = session
    second = SessionFactory(people=[person], starts_at=first.starts_at + timedelta(hours=3))
    one = remind(person, first)
    two = remind(person, second)
    assert notification_send(pk=one.pk) == "sent 1"
    assert notification_send(pk=two.pk) == "sent 1"
    assert [len(message.attachments) for message in mail.outbox] == [1, 1]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_send_waits_for_a_row_not_yet_due(person, session):
    row = remind(person, session, send_after=timezone.now() + timedelta(hours=1))
    assert notification_send(pk=row.pk) == "not pending"
    assert mail.outbox == []
    assert Notification.objects.get(pk=row.pk).status == Notification.Status.PENDING


def _skipped(row) -> str:
    assert notification_send(pk=row.pk) == "skipped"
    assert mail.outbox == []
    row.refresh_from_db()
    assert row.status == Notification.Status.SKIPPED
    return row.reason


def test_send_skips_a_person_without_an_address(person, session):
    row = remind(person, session)
    type(person).objects.filter(pk=person.pk).update(email="")
    assert _skipped(row) == NO_ADDRESS_REASON


def test_send_skips_an_address_that_is_not_one(person, session):
    row = remind(person, session)
    type(person).objects.filter(pk=person.pk).update(email="ada.example.com")
    assert _skipped(row) == BAD_ADDRESS_REASON.format(address="ada.example.com")


def test_send_skips_a_person_deactivated_since(person, session):
    row = remind(person, session)
    type(person).objects.filter(pk=person.pk).update(is_active=False)
    assert _skipped(row) == INACTIVE_REASON


def test_send_skips_a_kind_the_person_turned_off_after_it_was_written(person, session):
    row = remind(person, session)
    Preference.objects.create(person=person, kind="session_reminder", email=False)
    assert _skipped(row) == EMAIL_OFF_REASON


def test_send_skips_a_kind_the_cx_lead_turned_off_for_everyone(person, session):
    row = remind(person, session)
    Preference.objects.create(person=None, kind="session_reminder", email=False)
    assert _skipped(row) == EMAIL_OFF_REASON


def test_send_follows_a_persons_own_choice_over_the_cx_leads_default(person, session):
    row = remind(person, session)
    Preference.objects.create(person=None, kind="session_reminder", email=False)
    Preference.objects.create(person=person, kind="session_reminder", email=True)
    assert notification_send(pk=row.pk) == "sent 1"
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]


def test_send_skips_a_reminder_of_a_session_cancelled_since(person, session):
    row = remind(person, session)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    assert _skipped(row) == SESSION_CANCELLED_REASON


# The mail server refuses


@pytest.fixture
def smtp_closed(settings):
    """Django pointed at an SMTP port nobody listens on: every send is refused at once."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2


def test_send_backs_off_after_each_refusal_then_marks_the_row_failed(person, session, smtp_closed):
    row = remind(person, session)
    now = timezone.now()
    for attempt in range(1, MAX_ATTEMPTS):
        with time_machine.travel(now, tick=False):
            assert notification_send(pk=row.pk) == "retry later"
        row.refresh_from_db()
        assert row.status == Notification.Status.PENDING
        assert row.attempts == attempt
        assert row.send_after == now + BACKOFF[attempt - 1]
        assert row.handed_at is None, "the relay hands it again once it is due"
        assert row.reason
        with time_machine.travel(now, tick=False):
            assert notification_send(pk=row.pk) == "not pending", "not before its back-off"
        now = row.send_after
    with time_machine.travel(now, tick=False):
        assert notification_send(pk=row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert row.attempts == MAX_ATTEMPTS
    assert row.reason.startswith(FAILED_REASON.format(attempts=MAX_ATTEMPTS, error="")[:40])
    assert "Connection refused" in row.reason


def test_a_message_that_cannot_be_made_backs_off_and_ends_failed_instead_of_looping(
    person, session, monkeypatch
):
    """Not only the mail server: a template or a kind that raises is a bug, but the row must
    still end on the CX lead's page rather than go back to the relay forever."""

    def broken(items):
        raise ValueError("Header values may not contain linefeed or carriage return characters")

    monkeypatch.setattr(services, "_message", broken)
    row = remind(person, session)
    Notification.objects.filter(pk=row.pk).update(attempts=MAX_ATTEMPTS - 2)
    assert notification_send(pk=row.pk) == "retry later"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.PENDING, MAX_ATTEMPTS - 1)
    assert row.reason.startswith("ValueError: Header values")
    Notification.objects.filter(pk=row.pk).update(send_after=timezone.now())
    assert notification_send(pk=row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert "ValueError" in row.reason


def test_a_title_typed_over_several_lines_is_one_line(person, session):
    """An escalation's customer reference or a report's title ends up in a subject line."""
    row = remind(person, session, occasion="1h")
    row = notify(
        kind="session_reminder",
        recipient=person,
        subject=session,
        occasion="typed",
        title="Escalation ACME-42\r\nBcc: everyone@example.com",
        url="/",
        data={"starts_at": session.starts_at.isoformat()},
        quiet=NO_QUIET,
    )
    assert row.title == "Escalation ACME-42 Bcc: everyone@example.com"
    assert notification_send(pk=row.pk).startswith("sent")
    assert "\n" not in mail.outbox[-1].subject


def test_a_digest_that_fails_counts_each_reminders_own_attempts(person, smtp_closed):
    """Rows tried together keep their own count: one near its last try fails alone."""
    rows = [
        notify(
            kind="attendance_due",
            recipient=person,
            subject=past_place(person, hours_ago=hours),
            occasion="ended",
            title=f"Confirm your attendance ({hours} hours ago)",
            url="/",
            quiet=NO_QUIET,
        )
        for hours in (3, 5)
    ]
    Notification.objects.filter(pk=rows[1].pk).update(attempts=MAX_ATTEMPTS - 1)
    assert notification_send(pk=rows[0].pk) == "failed"
    first, second = (Notification.objects.get(pk=row.pk) for row in rows)
    assert (first.attempts, first.status) == (1, Notification.Status.PENDING)
    assert (second.attempts, second.status) == (MAX_ATTEMPTS, Notification.Status.FAILED)


class _Refuses:
    """aiosmtpd handler answering every message with `reply`."""

    def __init__(self, reply):
        self.reply = reply

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        return self.reply


def test_send_keeps_the_mail_servers_own_refusal_as_the_reason(person, session, settings):
    from aiosmtpd.controller import Controller

    port = _free_port()
    controller = Controller(
        _Refuses("451 4.3.0 Mailbox busy, try later"), hostname="127.0.0.1", port=port
    )
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    row = remind(person, session)
    try:
        assert notification_send(pk=row.pk) == "retry later"
    finally:
        controller.stop()
    row.refresh_from_db()
    assert row.attempts == 1
    assert "Mailbox busy" in row.reason


def test_retry_brings_a_failed_row_back_and_hands_it_on_commit(
    person, session, handed, django_capture_on_commit_callbacks
):
    row = remind(person, session)
    Notification.objects.filter(pk=row.pk).update(
        status=Notification.Status.FAILED,
        attempts=MAX_ATTEMPTS,
        reason="The mail server refused it 6 times; last: 550",
        send_after=timezone.now() - timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        notification_retry(notification=row)
    assert handed == [(SEND_TASK, [row.pk], {"retry": False, "ignore_result": True})]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.reason) == (Notification.Status.PENDING, 0, "")
    assert notification_send(pk=row.pk) == "sent 1"
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]


def test_retry_refuses_a_row_that_did_not_fail(person, session):
    row = remind(person, session)
    with pytest.raises(ValidationError) as refused:
        notification_retry(notification=row)
    assert refused.value.messages == [NOT_FAILED_MESSAGE]


# Quiet hours, in the recipient's own time zone


NEW_YORK = ZoneInfo("America/New_York")


def ny(*parts) -> datetime:
    return datetime(*parts, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        # the evening: the next morning
        (ny(2026, 11, 26, 20, 0), ny(2026, 11, 27, 8, 0)),
        (ny(2026, 11, 26, 23, 59), ny(2026, 11, 27, 8, 0)),
        # past midnight: the same morning
        (ny(2026, 11, 27, 0, 0), ny(2026, 11, 27, 8, 0)),
        (ny(2026, 11, 27, 7, 59), ny(2026, 11, 27, 8, 0)),
        # the day: unchanged
        (ny(2026, 11, 27, 8, 0), ny(2026, 11, 27, 8, 0)),
        (ny(2026, 11, 27, 19, 59), ny(2026, 11, 27, 19, 59)),
        # the night the clocks go back (1 November 2026 in New York): 08:00 EST
        (ny(2026, 10, 31, 22, 0), ny(2026, 11, 1, 8, 0)),
    ],
)
def test_quiet_hours_across_midnight_are_the_recipients_own(local, expected):
    person = UserFactory.build(time_zone="America/New_York")
    moved = _quiet_until(recipient=person, when=local.astimezone(UTC), quiet=EVENINGS)
    assert moved == expected
    assert moved.astimezone(NEW_YORK).time() == expected.time()


def test_quiet_hours_within_one_day():
    person = UserFactory.build(time_zone="Asia/Tokyo")
    lunch = NotificationSettings(quiet_from=time(12), quiet_until=time(13))
    tokyo = ZoneInfo("Asia/Tokyo")
    at = datetime(2026, 11, 27, 12, 30, tzinfo=tokyo)
    assert _quiet_until(recipient=person, when=at, quiet=lunch) == at.replace(hour=13, minute=0)
    before = datetime(2026, 11, 27, 11, 59, tzinfo=tokyo)
    assert _quiet_until(recipient=person, when=before, quiet=lunch) == before


def test_a_reminder_written_late_at_night_goes_in_the_recipients_morning(session):
    """Half past one in the morning in London is half past eight in the evening in New York:
    the New Yorker's reminder waits for their own 08:00, the Londoner's for theirs."""
    londoner = UserFactory(time_zone="Europe/London")
    new_yorker = UserFactory(time_zone="America/New_York")
    with time_machine.travel(datetime(2026, 11, 27, 1, 30, tzinfo=UTC), tick=False):
        for who in (londoner, new_yorker):
            remind(who, session, quiet=EVENINGS)
    by_person = dict(Notification.objects.values_list("recipient", "send_after"))
    assert by_person[londoner.pk] == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    assert by_person[new_yorker.pk] == datetime(2026, 11, 27, 8, 0, tzinfo=NEW_YORK)


def test_quiet_hours_never_hold_a_reminder_past_what_it_reminds_of(person, session):
    at = datetime(2026, 11, 26, 22, 0, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(at, tick=False):
        row = remind(person, session, quiet=EVENINGS, not_later_than=at + timedelta(hours=1))
    assert row.send_after == at


def test_a_message_due_in_the_past_but_written_at_night_waits_for_the_morning(person, session):
    """A scan writing yesterday's follow-through (or catching up after an outage) at 03:00
    must not mail it at 03:00: the walk saw digests go out at 02:57 Stockholm time."""
    night = datetime(2026, 11, 26, 3, 0, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(night, tick=False):
        row = remind(
            person, session, quiet=EVENINGS, send_after=night - timedelta(days=1, hours=-10)
        )
    assert row.send_after == datetime(2026, 11, 26, 8, 0, tzinfo=ZoneInfo("Europe/London"))


def test_a_row_the_worker_put_back_before_the_hand_off_was_recorded_keeps_its_back_off(
    person, session, monkeypatch
):
    """The worker can take the task, fail and set the back-off before the request records the
    hand-off; that record must not hold the retry for RESEND_AFTER (the review)."""
    row = remind(person, session, occasion="raced")

    def worker_fails_at_once(name, args=None, **options):
        Notification.objects.filter(pk=args[0]).update(
            attempts=1, send_after=timezone.now() + BACKOFF[0], handed_at=None
        )

    monkeypatch.setattr(broker.current_app, "send_task", worker_fails_at_once)
    assert services.notifications_hand([row.pk]) == 1
    row.refresh_from_db()
    assert row.handed_at is None
    assert notifications_relay(now=row.send_after) == 1, "handed again after its back-off"
