"""Sessions, swaps and escalations through the outbox: who is told, with what in their calendar.

Every invitation is read back with icalendar, as a calendar client would: its UID must be the
event's UID in the person's own feed, so the client updates one event rather than adding one.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from accounts.roles import Role
from immersion.ical import person_feed
from immersion.models import OfficerDesk, Session, SessionChange
from immersion.services.escalations import escalation_log, escalation_resolve
from immersion.services.sessions import participant_replace, session_cancel, session_reschedule
from immersion.services.swaps import swap_request_create, swap_request_decline
from immersion.signals import session_moved
from immersion.tests.factories import SessionFactory, activity
from notifications.kinds.sessions import (
    ESCALATION_RESOLVED_REASON,
    MOVED_AGAIN_REASON,
    SWAP_ANSWERED_REASON,
)
from notifications.models import Notification
from notifications.services import INACTIVE_REASON, NO_ADDRESS_REASON, notification_send

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 15:00 in London, 10:00 in New York


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def ana(make_user):
    return make_user(roles=[Role.EXECUTIVE], display_name="Ana Ruiz", email="ana@example.com")


@pytest.fixture
def bo(make_user):
    return make_user(
        roles=[Role.EXECUTIVE],
        display_name="Bo Berg",
        email="bo@example.com",
        time_zone="America/New_York",
    )


@pytest.fixture
def session(ana):
    start = MORNING + timedelta(days=7)
    return SessionFactory(people=[ana], starts_at=start, ends_at=start + timedelta(hours=1))


@pytest.fixture
def handed(monkeypatch):
    """The ids given to the broker, instead of a real broker."""
    calls = []
    monkeypatch.setattr(
        "core.broker.current_app.send_task",
        lambda name, args=None, **kwargs: calls.append(args),
    )
    return calls


def send_all() -> list[str]:
    return [
        notification_send(pk=pk)
        for pk in Notification.objects.order_by("pk").values_list("pk", flat=True)
    ]


def sent_to(person):
    (message,) = [m for m in mail.outbox if m.to == [person.email]]
    return message


def invite(message) -> Calendar:
    (attachment,) = message.attachments
    name, content, mimetype = attachment
    assert name.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def event_of(calendar: Calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def feed_uid(person, session) -> str:
    feed = Calendar.from_ical(person_feed(person=person))
    uids = [str(e["UID"]) for e in feed.walk("VEVENT")]
    assert f"{session.uid}@proximity" in uids
    return f"{session.uid}@proximity"


# Places given and taken


def test_a_reassignment_sends_a_request_to_the_one_in_and_a_cancel_to_the_one_out(
    ana, bo, cx_lead, session
):
    participant_replace(
        session=session, person=ana, replacement=bo, by=cx_lead, kind=SessionChange.Kind.REASSIGNED
    )
    session.refresh_from_db()
    assert list(Notification.objects.order_by("pk").values_list("kind", flat=True)) == [
        "place_given",
        "place_relieved",
    ]
    assert send_all() == ["sent 1", "sent 1"]

    given = sent_to(bo)
    assert given.subject == "Attend Call listening on Tue 8 Dec, 10:00: Casey Lead gave you a place"
    assert "Tuesday 8 December 2026, 10:00 – 11:00 (America/New_York)" in given.body
    assert f"http://127.0.0.1:8000{session.get_absolute_url()}" in given.body
    request = invite(given)
    assert str(request["METHOD"]) == "REQUEST"
    event = event_of(request)
    assert str(event["UID"]) == feed_uid(bo, session)
    assert int(event["SEQUENCE"]) == session.sequence

    relieved = sent_to(ana)
    assert relieved.subject.startswith("No need to attend Call listening on Tue 8 Dec, 15:00")
    cancel = invite(relieved)
    assert str(cancel["METHOD"]) == "CANCEL"
    assert str(event_of(cancel)["UID"]) == feed_uid(ana, session)
    assert str(event_of(cancel)["STATUS"]) == "CANCELLED"


def test_whoever_took_the_place_themselves_is_not_told(ana, bo, session):
    participant_replace(
        session=session, person=ana, replacement=bo, by=bo, kind=SessionChange.Kind.SWAPPED
    )
    rows = list(Notification.objects.values_list("kind", "recipient__email", "title"))
    assert rows == [
        (
            "place_relieved",
            ana.email,
            "No need to attend Call listening on Tue 8 Dec, 15:00: Bo Berg took your place",
        )
    ]


def test_a_place_given_then_taken_away_before_sending_is_not_sent(
    ana, bo, cx_lead, make_user, session
):
    carla = make_user(roles=[Role.EXECUTIVE])
    participant_replace(session=session, person=ana, replacement=bo, by=cx_lead, kind="reassigned")
    participant_replace(
        session=session, person=bo, replacement=carla, by=cx_lead, kind="reassigned"
    )
    given_to_bo = Notification.objects.get(kind="place_given", recipient=bo)
    assert notification_send(pk=given_to_bo.pk) == "skipped"
    given_to_bo.refresh_from_db()
    assert given_to_bo.reason == "They no longer have a place in this session."


# Moves and cancellations


def test_each_move_sends_every_participant_a_request_with_the_new_sequence_on_the_same_uid(
    ana, bo, cx_lead, session, clock
):
    session.participants.create(person=bo, starts_at=session.starts_at, ends_at=session.ends_at)
    start = session.starts_at + timedelta(hours=3)
    session_reschedule(
        session=session, starts_at=start, ends_at=start + timedelta(hours=1), by=cx_lead
    )
    session.refresh_from_db()
    rows = Notification.objects.filter(kind="session_moved").order_by("recipient__email")
    assert [(r.recipient.email, r.occasion, r.url) for r in rows] == [
        (ana.email, "seq-1", session.get_absolute_url()),
        (bo.email, "seq-1", session.get_absolute_url()),
    ]
    send_all()
    first = event_of(invite(sent_to(ana)))
    assert sent_to(ana).subject == "Attend Call listening at its new time, Tue 8 Dec, 18:00"
    assert (str(first["UID"]), int(first["SEQUENCE"])) == (feed_uid(ana, session), 1)
    assert first.decoded("DTSTART") == start

    mail.outbox.clear()
    later = start + timedelta(days=1)
    session_reschedule(
        session=session, starts_at=later, ends_at=later + timedelta(hours=1), by=cx_lead
    )
    assert Notification.objects.filter(kind="session_moved", occasion="seq-2").count() == 2
    send_all()
    second = event_of(invite(sent_to(bo)))
    assert str(second["UID"]) == feed_uid(bo, session)
    assert int(second["SEQUENCE"]) == 2
    assert str(invite(sent_to(bo))["METHOD"]) == "REQUEST"


def test_the_same_move_announced_twice_is_one_message(ana, cx_lead, session):
    start = session.starts_at + timedelta(hours=3)
    session_reschedule(
        session=session, starts_at=start, ends_at=start + timedelta(hours=1), by=cx_lead
    )
    session.refresh_from_db()
    session_moved.send(sender=type(session), session=session, before=start, by=cx_lead)
    assert Notification.objects.filter(kind="session_moved").count() == 1


def test_a_move_overtaken_by_another_is_skipped_and_only_the_newest_goes(ana, cx_lead, session):
    for hours in (3, 5):
        start = session.starts_at + timedelta(hours=hours)
        session_reschedule(
            session=session, starts_at=start, ends_at=start + timedelta(hours=1), by=cx_lead
        )
    assert send_all() == ["skipped", "sent 1"]
    older = Notification.objects.get(occasion="seq-1")
    assert older.reason == MOVED_AGAIN_REASON
    assert sent_to(ana).subject.endswith("Tue 8 Dec, 20:00")


def test_a_cancel_is_a_method_cancel_to_each_participant_who_still_had_a_place(
    ana, bo, cx_lead, make_user, session
):
    carla = make_user(roles=[Role.EXECUTIVE], email="carla@example.com")
    session.participants.create(person=bo, starts_at=session.starts_at, ends_at=session.ends_at)
    session.participants.create(
        person=carla, starts_at=session.starts_at, ends_at=session.ends_at, is_active=False
    )
    session_cancel(session=session, by=cx_lead)
    rows = Notification.objects.filter(kind="session_cancelled").order_by("recipient__email")
    assert [r.recipient.email for r in rows] == [ana.email, bo.email]
    assert rows[0].title == "No need to attend Call listening on Tue 8 Dec, 15:00: it was cancelled"
    send_all()
    for person in (ana, bo):
        calendar = invite(sent_to(person))
        assert str(calendar["METHOD"]) == "CANCEL"
        event = event_of(calendar)
        assert str(event["UID"]) == feed_uid(person, session)
        assert str(event["STATUS"]) == "CANCELLED"
    assert not [m for m in mail.outbox if m.to == [carla.email]]


def test_a_cancel_after_a_move_skips_the_move_and_sends_the_cancel(ana, cx_lead, session):
    start = session.starts_at + timedelta(hours=3)
    session_reschedule(
        session=session, starts_at=start, ends_at=start + timedelta(hours=1), by=cx_lead
    )
    session_cancel(session=session, by=cx_lead)
    assert send_all() == ["skipped", "sent 1"]
    assert str(invite(sent_to(ana))["METHOD"]) == "CANCEL"


# Swaps


def test_a_swap_asked_then_declined(ana, bo, session):
    swap = swap_request_create(
        session=session, requested_by=ana, offered_to=bo, message="Board day"
    )
    asked = Notification.objects.get()
    assert (asked.kind, asked.recipient, asked.url) == (
        "swap_asked",
        bo,
        reverse("immersion:schedule"),
    )
    notification_send(pk=asked.pk)
    message = sent_to(bo)
    assert message.subject == (
        "Accept or decline: Ana Ruiz asks you to take Call listening on Tue 8 Dec, 10:00"
    )
    assert '"Board day"' in message.body
    assert "http://127.0.0.1:8000/immersion/schedule/" in message.body

    swap_request_decline(swap=swap, by=bo)
    answered = Notification.objects.get(kind="swap_answered")
    assert (answered.recipient, answered.occasion) == (ana, "declined")
    notification_send(pk=answered.pk)
    assert sent_to(ana).subject == (
        "Attend Call listening on Tue 8 Dec, 15:00 or ask someone else: Bo Berg declined"
    )
    assert "You keep your place" in sent_to(ana).body


def test_a_swap_answered_before_its_question_went_out_is_not_asked(ana, bo, session, clock):
    clock.move_to(datetime(2026, 12, 2, 3, 0, tzinfo=UTC))  # 22:00 in New York: it waits
    swap = swap_request_create(session=session, requested_by=ana, offered_to=bo)
    swap_request_decline(swap=swap, by=bo)
    clock.move_to(datetime(2026, 12, 2, 14, 0, tzinfo=UTC))
    asked = Notification.objects.get(kind="swap_asked")
    assert notification_send(pk=asked.pk) == "skipped"
    asked.refresh_from_db()
    assert asked.reason == SWAP_ANSWERED_REASON


# Escalations


@pytest.fixture
def on_shift(ana):
    now = MORNING
    return SessionFactory(
        activity_type=activity("officer-of-the-day"),
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=22),
        people=[ana],
    )


def _escalate(frontline):
    return escalation_log(
        logged_by=frontline,
        customer_reference="ACME-42",
        what_happened="Refund refused twice",
        urgency="high",
        channel="phone",
    )


def test_an_escalation_is_handed_to_the_worker_at_once_even_in_quiet_hours(
    ana, make_user, frontline, on_shift, session, clock, handed, django_capture_on_commit_callbacks
):
    carla = make_user(roles=[Role.EXECUTIVE], time_zone="Europe/London")
    clock.move_to(datetime(2026, 12, 1, 23, 30, tzinfo=UTC))  # 23:30 in London
    with django_capture_on_commit_callbacks(execute=True):
        escalation = _escalate(frontline)
        # A swap asked of someone in London at the same moment waits for their morning.
        swap_request_create(session=session, requested_by=ana, offered_to=carla)
    routed = Notification.objects.get(kind="escalation_routed")
    assert (routed.recipient, routed.send_after) == (ana, datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    assert handed == [[routed.pk]]  # on commit, not at the next scan
    asked = Notification.objects.get(kind="swap_asked")
    assert asked.send_after > routed.send_after

    assert notification_send(pk=routed.pk) == "sent 1"
    message = sent_to(ana)
    assert message.subject == "[High] Take escalation ACME-42"
    assert "You are Officer of the Day" in message.body
    assert "Refund refused twice" in message.body
    assert f"http://127.0.0.1:8000{escalation.get_absolute_url()}" in message.body


def test_the_officer_at_a_regional_desk_is_told_which_desk(ana, frontline, on_shift, clock):
    emea = OfficerDesk.objects.create(name="EMEA", kind=OfficerDesk.Kind.REGION)
    Session.objects.filter(pk=on_shift.pk).update(desk=emea)
    routed = Notification.objects.get(
        subject_id=escalation_log(
            logged_by=frontline,
            customer_reference="ACME-43",
            what_happened="Card declined",
            urgency="normal",
            channel="phone",
            desk=emea,
        ).pk,
        kind="escalation_routed",
    )
    assert notification_send(pk=routed.pk) == "sent 1"
    assert "You are Officer of the Day at the EMEA desk" in sent_to(ana).body


def test_an_escalation_resolved_before_its_message_went_is_not_sent(ana, frontline, on_shift):
    escalation = _escalate(frontline)
    escalation_resolve(escalation=escalation, by=ana, note="Refunded")
    row = Notification.objects.get()
    assert notification_send(pk=row.pk) == "skipped"
    row.refresh_from_db()
    assert row.reason == ESCALATION_RESOLVED_REASON


# Nobody to send it to


def test_a_person_without_an_address_or_deactivated_is_skipped_with_the_reason(
    ana, bo, cx_lead, session
):
    session.participants.create(person=bo, starts_at=session.starts_at, ends_at=session.ends_at)
    type(ana).objects.filter(pk=ana.pk).update(email="")
    type(bo).objects.filter(pk=bo.pk).update(is_active=False)
    session_cancel(session=session, by=cx_lead)
    assert send_all() == ["skipped", "skipped"]
    reasons = dict(Notification.objects.values_list("recipient__display_name", "reason"))
    assert reasons == {"Ana Ruiz": NO_ADDRESS_REASON, "Bo Berg": INACTIVE_REASON}
    assert mail.outbox == []


def test_a_move_typed_in_another_zone_than_utc_is_sent_not_taken_for_a_later_move(
    ana, cx_lead, session
):
    """The edit page makes the new start in the CX lead's own zone (Copenhagen here); the
    database gives it back in UTC. The same instant is the same move."""
    start = (session.starts_at + timedelta(hours=3)).astimezone(ZoneInfo("Europe/Copenhagen"))
    session_reschedule(
        session=session, starts_at=start, ends_at=start + timedelta(hours=1), by=cx_lead
    )
    assert send_all() == ["sent 1"]
    assert str(event_of(invite(sent_to(ana)))["SEQUENCE"]) == "1"
