"""Overdue responses: marked to everyone, and sent up the owner's reporting chain.

Frictions announces each alert (signals.report_escalated); what reaches whom by e-mail is
notifications' (notifications/tests/test_frictions.py), which frictions may not import."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from frictions.models import FrictionEvent, FrictionReport, OverdueAlert
from frictions.services import frictions_escalate_overdue
from frictions.signals import report_escalated
from frictions.tests.factories import file, triage


@pytest.fixture
def announced():
    """(level, recipients, due) of every report_escalated sent while the test runs."""
    sent = []

    def record(sender, *, report, due, level, recipients, **kwargs):
        sent.append((level, list(recipients), due))

    report_escalated.connect(record)
    yield sent
    report_escalated.disconnect(record)


@pytest.fixture
def chain(make_user):
    ceo = make_user(roles=[Role.LEADERSHIP], display_name="Chief Executive")
    coo = make_user(roles=[Role.EXECUTIVE], display_name="Chief Operator", manager=ceo)
    owner = make_user(roles=[Role.EXECUTIVE], display_name="Report Owner", manager=coo)
    return owner, coo, ceo


@pytest.mark.django_db
def test_an_overdue_report_climbs_the_chain_a_level_a_week_and_never_repeats(
    frontline, cx_lead, chain, announced
):
    owner, coo, ceo = chain
    report, _ = file(frontline)
    today = timezone.localdate()
    triage(
        report,
        cx_lead,
        owner,
        acknowledge_by=today - timedelta(days=1),
        decide_by=today + timedelta(days=9),
    )
    report.refresh_from_db()
    assert report.is_overdue()
    due = report.due

    assert frictions_escalate_overdue(today=today) == 1
    assert frictions_escalate_overdue(today=today) == 0, "claimed once"
    assert [a.recipient for a in OverdueAlert.objects.order_by("level")] == [coo]
    assert announced == [(1, [coo], due)]
    assert frictions_escalate_overdue(today=today + timedelta(days=7)) == 1
    assert frictions_escalate_overdue(today=today + timedelta(days=30)) == 0, "top of the chain"
    assert [a.recipient for a in OverdueAlert.objects.order_by("level")] == [coo, ceo]
    assert announced == [(1, [coo], due), (2, [ceo], due)], "each alert announced once"
    escalated = report.events.filter(kind=FrictionEvent.Kind.ESCALATED)
    assert escalated.count() == 2
    assert all(e.public for e in escalated)
    report.refresh_from_db()
    assert report.escalation_level == 2


@pytest.mark.django_db
def test_an_overdue_report_nobody_owns_goes_to_every_cx_lead(
    frontline, cx_lead, make_user, announced
):
    other_lead = make_user(roles=[Role.CX_LEAD])
    report, _ = file(frontline)
    FrictionReport.objects.filter(pk=report.pk).update(
        acknowledge_by=timezone.localdate() - timedelta(days=2)
    )
    assert frictions_escalate_overdue() == 1
    assert OverdueAlert.objects.get().recipient in {cx_lead, other_lead}
    ((level, recipients, _),) = announced
    assert level == 0
    assert set(recipients) == {cx_lead, other_lead}


@pytest.mark.django_db
def test_a_report_on_time_or_closed_is_left_alone(frontline, cx_lead, chain, announced):
    owner, *_ = chain
    report, _ = file(frontline)
    triage(report, cx_lead, owner)
    assert frictions_escalate_overdue() == 0
    assert not OverdueAlert.objects.exists()
    assert announced == []


@pytest.mark.django_db
def test_due_is_the_databases_and_follows_the_status(frontline):
    report, _ = file(frontline)
    today = timezone.localdate()
    FrictionReport.objects.filter(pk=report.pk).update(
        acknowledge_by=today - timedelta(days=1), decide_by=today + timedelta(days=20)
    )
    report.refresh_from_db()
    assert report.due == today - timedelta(days=1), "new: due to be acknowledged"
    assert list(FrictionReport.objects.overdue(today=today)) == [report]

    # Written without the model's Python, as a bulk update or another process would.
    FrictionReport.objects.filter(pk=report.pk).update(status="acknowledged")
    report.refresh_from_db()
    assert report.due == today + timedelta(days=20), "acknowledged: due to be decided"
    assert not FrictionReport.objects.overdue(today=today).exists()
    FrictionReport.objects.filter(pk=report.pk).update(status="declined", decline_reason="No.")
    assert not FrictionReport.objects.overdue(today=today + timedelta(days=60)).exists()


@pytest.mark.django_db
def test_the_overdue_scan_asks_the_database_for_overdue_reports_only(frontline, cx_lead):
    today = timezone.localdate()
    for _ in range(20):
        file(frontline)
    late, _ = file(frontline)
    FrictionReport.objects.filter(pk=late.pk).update(acknowledge_by=today - timedelta(days=3))
    assert FrictionReport.objects.open().count() == 21

    with CaptureQueriesContext(connection) as queries:
        assert frictions_escalate_overdue(today=today) == 1
    scan = next(q["sql"] for q in queries if 'FROM "frictions_frictionreport"' in q["sql"])
    assert '"frictions_frictionreport"."due" <' in scan, "the 20 on-time reports stay unread"
