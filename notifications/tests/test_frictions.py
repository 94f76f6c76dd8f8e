"""Friction reports on the outbox: the overdue chain, news for named reporters (never anonymous
ones), owners' due dates, and the weekly review's agenda."""

import time
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from core.testing import skip_unless_postgresql
from frictions.models import FrictionReport
from frictions.services import (
    friction_report_note,
    friction_report_support,
    friction_report_transition,
    frictions_escalate_overdue,
)
from frictions.services.reviews import friction_review_prepare, review_item_record
from frictions.tasks import escalate_overdue_frictions
from frictions.tests.factories import file, triage
from immersion.models import Participant, Session
from immersion.tests.factories import SessionFactory, activity
from notifications.kinds.frictions import (
    DUE_CHANGED_REASON,
    NOT_OWNER_REASON,
    REPORT_CLOSED_REASON,
    REVIEW_CANCELLED_REASON,
    REVIEW_MOVED_REASON,
)
from notifications.models import Notification
from notifications.scans import scans_run
from notifications.scans.frictions import report_due_reminders, review_agendas
from notifications.services import notification_send

# A Wednesday morning, in everyone's working hours (the test people live in Europe/London), so
# a message that is not a reminder is due as soon as it is written.
WORKING_MORNING = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(request):
    """The clock stands at WORKING_MORNING (it ticks on for a test with a real worker); tests
    move it with clock.shift / clock.move_to."""
    ticking = "celery_worker" in request.fixturenames
    with time_machine.travel(WORKING_MORNING, tick=ticking) as traveller:
        yield traveller


def rows(kind: str, **filters) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind, **filters).order_by("pk"))


def send(row: Notification):
    """The worker's send of `row`; the e-mail it produced, if any."""
    before = len(mail.outbox)
    notification_send(pk=row.pk)
    row.refresh_from_db()
    return mail.outbox[-1] if len(mail.outbox) > before else None


def decoded(header: str) -> str:
    return str(make_header(decode_header(header)))


def review_session(*, hours: float, people=()) -> Session:
    """A weekly friction review `hours` from now, with `people` attending."""
    starts_at = (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    return SessionFactory(
        activity_type=activity("friction-review"), starts_at=starts_at, people=list(people)
    )


@pytest.fixture
def chain(make_user):
    ceo = make_user(roles=[Role.LEADERSHIP], display_name="Chief Executive")
    coo = make_user(roles=[Role.EXECUTIVE], display_name="Chief Operator", manager=ceo)
    owner = make_user(roles=[Role.EXECUTIVE], display_name="Report Owner", manager=coo)
    return owner, coo, ceo


def overdue_report(reporter, cx_lead, owner, **fields):
    """A report `owner` should have acknowledged yesterday."""
    report, _ = file(reporter, **fields)
    today = timezone.localdate()
    triage(
        report,
        cx_lead,
        owner,
        acknowledge_by=today - timedelta(days=1),
        decide_by=today + timedelta(days=9),
    )
    report.refresh_from_db()
    return report


# The overdue chain (frictions.services.overdue announces, the outbox sends)


@pytest.mark.django_db
def test_the_overdue_chain_writes_one_message_per_manager_and_level_never_twice(
    frontline, cx_lead, chain
):
    owner, coo, ceo = chain
    report = overdue_report(frontline, cx_lead, owner)
    due = report.due.isoformat()
    today = timezone.localdate()

    frictions_escalate_overdue(today=today)
    frictions_escalate_overdue(today=today)
    assert [(n.recipient, n.occasion) for n in rows("report_escalated")] == [
        (coo, f"overdue-{due}-level-1")
    ]
    frictions_escalate_overdue(today=today + timedelta(days=7))
    (_, second) = rows("report_escalated")
    assert (second.recipient, second.occasion) == (ceo, f"overdue-{due}-level-2")
    assert second.title == (
        f"See that Report Owner answers the overdue friction report “{report.title}”"
    )
    assert second.url == f"/frictions/{report.pk}/"
    assert not Notification.objects.filter(recipient=frontline).exists()


@pytest.mark.django_db
def test_an_overdue_report_nobody_owns_is_told_to_every_cx_lead(frontline, cx_lead, make_user):
    other_lead = make_user(roles=[Role.CX_LEAD])
    report, _ = file(frontline)
    FrictionReport.objects.filter(pk=report.pk).update(
        acknowledge_by=timezone.localdate() - timedelta(days=2)
    )
    frictions_escalate_overdue()
    assert {n.recipient for n in rows("report_escalated")} == {cx_lead, other_lead}
    assert {n.title for n in rows("report_escalated")} == {
        f"Give the overdue friction report “{report.title}” an owner and a date"
    }


@pytest.mark.django_db
def test_the_overdue_alert_e_mail_names_the_report_the_date_and_why_it_came(
    frontline, cx_lead, chain, settings
):
    owner, coo, _ = chain
    report = overdue_report(frontline, cx_lead, owner, title="Refunds take three calls")
    frictions_escalate_overdue()
    (alert,) = rows("report_escalated")

    message = send(alert)

    assert alert.status == Notification.Status.SENT
    assert message.to == [coo.email]
    assert message.subject == (
        "See that Report Owner answers the overdue friction report “Refunds take three calls”"
    )
    assert f"past its committed date ({report.due:%-d %B %Y}, to acknowledge it)" in message.body
    assert "Report Owner reports to you" in message.body
    assert f"{settings.SITE_URL}/frictions/{report.pk}/" in message.body
    assert str(frontline) not in message.body, "the reporter is never named up the chain"


@pytest.mark.django_db
def test_an_overdue_alert_acknowledged_before_it_went_is_not_sent(frontline, cx_lead, chain):
    owner, *_ = chain
    report = overdue_report(frontline, cx_lead, owner)
    frictions_escalate_overdue()
    friction_report_transition(
        report=report, by=owner, status="acknowledged", response="On it; decision by the 13th."
    )
    (alert,) = rows("report_escalated")

    assert send(alert) is None
    assert (alert.status, alert.reason) == (Notification.Status.SKIPPED, DUE_CHANGED_REASON)


def test_the_worker_sends_the_overdue_alert_by_mail(celery_worker, smtp_server, make_user):
    # The worker thread marks the row sent while this test reads it: an in-memory SQLite test
    # database (shared cache) refuses that as "table is locked" instead of waiting.
    skip_unless_postgresql()
    ceo = make_user(roles=[Role.LEADERSHIP], email="ceo@example.com")
    owner = make_user(roles=[Role.EXECUTIVE], manager=ceo, display_name="Olive Owner")
    agent = make_user(roles=[Role.FRONTLINE])
    report, _ = file(agent)
    FrictionReport.objects.filter(pk=report.pk).update(
        owner=owner, acknowledge_by=timezone.localdate() - timedelta(days=1)
    )

    escalate_overdue_frictions.delay()

    (message,) = smtp_server.wait_for(1)
    assert message["to"] == ["ceo@example.com"]
    assert decoded(message["message"]["Subject"]) == (
        f"See that Olive Owner answers the overdue friction report “{report.title}”"
    )
    deadline = time.monotonic() + 5  # the worker commits "sent" just after the server's 250
    while Notification.objects.get().status != Notification.Status.SENT:
        assert time.monotonic() < deadline, "the row was never marked sent"
        time.sleep(0.05)


# News for the named reporter


@pytest.mark.django_db
def test_a_named_reporter_hears_of_a_status_change_with_its_response(frontline, cx_lead, settings):
    report, _ = file(frontline, title="Refunds take three calls")
    friction_report_transition(
        report=report,
        by=cx_lead,
        status="declined",
        response="We looked at the refund flow with finance.",
        decline_reason="The third call is the fraud check the regulator asks for.",
    )
    (news,) = rows("report_updated")
    assert news.recipient == frontline
    assert news.title == "Read why your friction report “Refunds take three calls” is now declined"
    assert news.url == f"/frictions/{report.pk}/"
    assert news.occasion == f"event-{report.events.latest('pk').pk}"

    message = send(news)

    assert message.to == [frontline.email]
    assert message.subject == news.title
    assert "Casey Lead wrote:\n\nWe looked at the refund flow with finance." in message.body
    assert "Why it was declined: The third call is the fraud check" in message.body
    assert f"{settings.SITE_URL}/frictions/{report.pk}/" in message.body


@pytest.mark.django_db
def test_an_anonymous_reports_changes_write_no_message_at_all(
    frontline, cx_lead, executive, make_user
):
    report, code = file(frontline, anonymous=True)
    assert code is not None
    assert report.reporter is None
    triage(report, cx_lead, executive, response="Evelyn owns this.")
    friction_report_support(report=report, supporter=make_user(roles=[Role.FRONTLINE]))
    friction_report_transition(
        report=report, by=executive, status="in_progress", response="Testing a fix."
    )
    review = friction_review_prepare(session=review_session(hours=30), by=cx_lead)
    review_item_record(item=review.items.get(report=report), by=cx_lead, decision="Ship it.")
    friction_report_transition(
        report=report,
        by=executive,
        status="resolved",
        resolution="platform_change",
        response="Fixed.",
    )

    assert not Notification.objects.exists(), "nobody to tell, and nothing that points at them"


@pytest.mark.django_db
def test_the_reporter_is_not_told_of_their_own_change(cx_lead, executive):
    report, _ = file(cx_lead)
    triage(report, cx_lead, executive, response="Taking this to Evelyn.")
    friction_report_transition(
        report=report, by=cx_lead, status="acknowledged", response="Acknowledged."
    )
    assert not rows("report_updated")

    friction_report_transition(
        report=report, by=executive, status="in_progress", response="Working on it."
    )
    assert [n.recipient for n in rows("report_updated")] == [cx_lead], "someone else's change"


@pytest.mark.django_db
def test_internal_notes_new_dates_alone_and_supporters_are_not_told(
    frontline, cx_lead, executive, make_user
):
    supporter = make_user(roles=[Role.FRONTLINE])
    report, _ = file(frontline)
    friction_report_support(report=report, supporter=supporter)
    triage(report, cx_lead, executive)  # owner and dates, no word to the reporter
    friction_report_note(report=report, by=cx_lead, text="Finance says the flow is legal's.")
    assert not Notification.objects.exists()

    friction_report_transition(
        report=report, by=executive, status="acknowledged", response="Looking into it."
    )
    (news,) = rows("report_updated")
    assert news.recipient == frontline
    assert "legal" not in send(news).body


@pytest.mark.django_db
def test_each_change_is_told_once_and_a_review_decision_is_a_response(
    frontline, cx_lead, executive
):
    report, _ = file(frontline, title="Refunds take three calls")
    triage(report, cx_lead, executive, response="Evelyn owns this.")
    friction_report_transition(
        report=report, by=executive, status="acknowledged", response="Looking into it."
    )
    review = friction_review_prepare(session=review_session(hours=30), by=cx_lead)
    review_item_record(item=review.items.get(), by=cx_lead, decision="Finance redesigns it.")

    news = rows("report_updated")
    assert [n.title for n in news] == [
        "Read the response to your friction report “Refunds take three calls”",
        "Read why your friction report “Refunds take three calls” is now acknowledged",
        "Read the response to your friction report “Refunds take three calls”",
    ]
    assert len({n.occasion for n in news}) == 3
    assert "Finance redesigns it." in send(news[2]).body


# Owners' committed dates (scans/frictions.py)


def owned_report(reporter, cx_lead, owner, *, due_in: int, **fields):
    """A report of `owner`'s, to be acknowledged `due_in` days from today."""
    report, _ = file(reporter, **fields)
    today = timezone.localdate()
    triage(
        report,
        cx_lead,
        owner,
        acknowledge_by=today + timedelta(days=due_in),
        decide_by=today + timedelta(days=due_in + 14),
    )
    return report


@pytest.mark.django_db
def test_an_owner_is_reminded_two_days_before_and_once_when_overdue(
    frontline, cx_lead, executive, clock
):
    report = owned_report(frontline, cx_lead, executive, due_in=3, title="Refunds")
    scans_run(now=timezone.now())
    assert not rows("report_due_soon"), "three days ahead: not yet"

    clock.shift(timedelta(days=1))
    scans_run(now=timezone.now())
    scans_run(now=timezone.now())
    (soon,) = rows("report_due_soon")
    assert soon.recipient == executive
    assert soon.title == "Acknowledge the friction report “Refunds” by Sat 7 Mar"
    assert soon.url == f"/frictions/{report.pk}/"

    clock.shift(timedelta(days=3))
    scans_run(now=timezone.now())
    scans_run(now=timezone.now())
    (late,) = rows("report_overdue")
    assert late.recipient == executive
    assert late.title == "Overdue since Sat 7 Mar: acknowledge the friction report “Refunds”"
    assert not Notification.objects.filter(recipient=frontline).exists()


@pytest.mark.django_db
def test_a_new_committed_date_reminds_again_and_the_old_reminder_is_not_sent(
    frontline, cx_lead, executive
):
    report = owned_report(frontline, cx_lead, executive, due_in=2)
    report_due_reminders(now=timezone.now())
    (old,) = rows("report_due_soon")
    today = timezone.localdate()
    triage(
        report,
        cx_lead,
        executive,
        acknowledge_by=today + timedelta(days=1),
        decide_by=today + timedelta(days=10),
    )
    report_due_reminders(now=timezone.now())
    assert len(rows("report_due_soon")) == 2, "the new date is a new occasion"

    assert send(old) is not None, "sent with the new one, as one e-mail"
    old.refresh_from_db()
    assert (old.status, old.reason) == (Notification.Status.SKIPPED, DUE_CHANGED_REASON)
    (message,) = mail.outbox
    assert message.subject == f"Acknowledge the friction report “{report.title}” by Thu 5 Mar"


@pytest.mark.django_db
def test_a_reminder_for_a_report_resolved_or_handed_on_since_is_not_sent(
    frontline, cx_lead, executive, make_user
):
    resolved = owned_report(frontline, cx_lead, executive, due_in=1, title="Resolved")
    handed_on = owned_report(frontline, cx_lead, executive, due_in=1, title="Handed on")
    report_due_reminders(now=timezone.now())
    friction_report_transition(
        report=resolved,
        by=executive,
        status="resolved",
        resolution="process_change",
        response="Agents can refund in one call now.",
    )
    handed_on.refresh_from_db()
    triage(
        handed_on,
        cx_lead,
        make_user(roles=[Role.EXECUTIVE]),
        acknowledge_by=handed_on.acknowledge_by,
        decide_by=handed_on.decide_by,
    )
    first, second = rows("report_due_soon", recipient=executive)

    assert send(first) is None
    second.refresh_from_db()
    assert (first.reason, second.reason) == (REPORT_CLOSED_REASON, NOT_OWNER_REASON)


@pytest.mark.django_db
def test_an_owners_reminders_due_together_go_as_one_e_mail(frontline, cx_lead, executive):
    owned_report(frontline, cx_lead, executive, due_in=1, title="Refunds take three calls")
    owned_report(frontline, cx_lead, executive, due_in=2, title="The portal logs people out")
    report_due_reminders(now=timezone.now())
    first, _ = rows("report_due_soon")

    message = send(first)

    assert message.to == [executive.email]
    assert message.subject == "2 reminders from Proximity"
    assert "Refunds take three calls" in message.body
    assert "The portal logs people out" in message.body
    assert {n.status for n in rows("report_due_soon")} == {Notification.Status.SENT}


@pytest.mark.django_db
def test_the_due_scan_reads_in_the_same_queries_however_many_reports(frontline, cx_lead, make_user):
    counts, offered = [], []
    for size in (2, 12):
        FrictionReport.objects.all().delete()
        for n in range(size):
            owner = make_user(roles=[Role.EXECUTIVE])
            owned_report(frontline, cx_lead, owner, due_in=n % 4 - 1)  # overdue to due soon
        with CaptureQueriesContext(connection) as queries:
            offered.append(report_due_reminders(now=timezone.now()))
        counts.append(len(queries))
    assert offered == [2, 12], "the data grew"
    assert counts[0] == counts[1], counts


# The weekly review's agenda


@pytest.mark.django_db
def test_the_agenda_goes_to_the_attendees_the_day_before_with_links(
    frontline, cx_lead, executive, make_user, clock, settings
):
    colleague = make_user(roles=[Role.EXECUTIVE])
    swapped_out = make_user(roles=[Role.EXECUTIVE])
    named, _ = file(frontline, title="Refunds take three calls")
    anonymous, _ = file(frontline, anonymous=True, title="The portal logs people out")
    session = review_session(hours=30, people=[executive, colleague, swapped_out])
    Participant.objects.filter(session=session, person=swapped_out).update(is_active=False)
    review = friction_review_prepare(session=session, by=cx_lead)

    review_agendas(now=timezone.now())
    assert not rows("review_agenda"), "30 hours ahead: not yet"

    clock.shift(timedelta(hours=6))
    review_agendas(now=timezone.now())
    review_agendas(now=timezone.now())
    agendas = rows("review_agenda")
    assert {n.recipient for n in agendas} == {executive, colleague}
    assert {n.occasion for n in agendas} == {f"review-{session.starts_at.date().isoformat()}"}
    assert agendas[0].url == f"/frictions/reviews/{review.pk}/"

    (message,) = [send(n) for n in agendas if n.recipient == executive]
    assert message.to == [executive.email]
    assert message.subject == "Read the agenda of the friction review on Thu 5 Mar at 16:00"
    assert "1. Refunds take three calls" in message.body
    assert f"{settings.SITE_URL}/frictions/{named.pk}/" in message.body
    assert f"{settings.SITE_URL}/frictions/{anonymous.pk}/" in message.body
    assert f"{settings.SITE_URL}/frictions/reviews/{review.pk}/" in message.body
    assert str(frontline) not in message.body, "reporters are never named"


@pytest.mark.django_db
def test_no_agenda_yet_or_a_cancelled_review_sends_nothing(frontline, cx_lead, executive):
    file(frontline)
    review_session(hours=20, people=[executive])  # its agenda not prepared
    cancelled = friction_review_prepare(
        session=review_session(hours=22, people=[executive]), by=cx_lead
    )
    review_agendas(now=timezone.now())
    (agenda,) = rows("review_agenda")
    assert agenda.subject_id == cancelled.pk
    Session.objects.filter(pk=cancelled.session_id).update(status=Session.Status.CANCELLED)

    review_agendas(now=timezone.now())
    assert send(agenda) is None
    assert (agenda.status, agenda.reason) == (Notification.Status.SKIPPED, REVIEW_CANCELLED_REASON)
    assert len(rows("review_agenda")) == 1


@pytest.mark.django_db
def test_a_review_moved_to_another_day_sends_its_agenda_again(frontline, cx_lead, executive):
    file(frontline)
    review = friction_review_prepare(
        session=review_session(hours=20, people=[executive]), by=cx_lead
    )
    review_agendas(now=timezone.now())
    (old,) = rows("review_agenda")
    session = review.session
    moved = timezone.now() + timedelta(hours=12)  # this evening rather than tomorrow morning
    Session.objects.filter(pk=session.pk).update(
        starts_at=moved, ends_at=moved + timedelta(hours=1)
    )
    Participant.objects.filter(session=session).update(starts_at=moved)

    review_agendas(now=timezone.now())
    assert len(rows("review_agenda")) == 2
    assert send(old) is None
    assert old.reason == REVIEW_MOVED_REASON


@pytest.mark.django_db
def test_the_agenda_scan_reads_in_the_same_queries_however_many_reviews(
    frontline, cx_lead, make_user
):
    report, _ = file(frontline)  # supported, it is on every agenda
    friction_report_support(report=report, supporter=make_user(roles=[Role.FRONTLINE]))
    counts, offered = [], []
    for reviews, attendees in ((1, 2), (4, 5)):
        for n in range(reviews):
            people = [make_user(roles=[Role.EXECUTIVE]) for _ in range(attendees)]
            friction_review_prepare(session=review_session(hours=2 + n, people=people), by=cx_lead)
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            offered.append(review_agendas(now=timezone.now()))
        counts.append(len(queries))
    assert offered == [2, 2 + 4 * 5], "the data grew"
    assert counts[0] == counts[1], counts
