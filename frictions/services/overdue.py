"""Overdue responses go up the owner's reporting chain."""

from datetime import date

from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import people_with_role
from core.calendar import org_today

from ..models import FrictionEvent, FrictionReport, OverdueAlert
from ..signals import report_escalated

ESCALATION_WEEKS_PER_LEVEL = 1


def _chain(person: User) -> list[User]:
    """`person`'s managers, nearest first (stops at a loop, which people rules prevent)."""
    chain, seen = [], {person.pk}
    manager = person.manager
    while manager is not None and manager.pk not in seen:
        chain.append(manager)
        seen.add(manager.pk)
        manager = manager.manager
    return chain


def frictions_escalate_overdue(*, today: date | None = None) -> int:
    """Every open report past its due date goes to its owner's manager, and one level further up
    the chain for each further week overdue; an overdue report nobody owns goes to the CX leads.
    Each alert is claimed in the sent-log and announced (signals.report_escalated, which
    notifications turns into messages) in one transaction, so none repeats. Returns how many
    alerts were claimed."""
    today = today or org_today()
    sent = 0
    reports = FrictionReport.objects.overdue(today=today).select_related(
        "owner__manager__manager__manager"
    )
    for report in reports:
        due = report.due
        weeks = (today - due).days // 7
        if report.owner is None:
            targets = [(0, list(people_with_role(role=Role.CX_LEAD)))]
        else:
            chain = _chain(report.owner)
            wanted = min(1 + weeks // ESCALATION_WEEKS_PER_LEVEL, len(chain))
            targets = [(level, [chain[level - 1]]) for level in range(1, wanted + 1)]
        for level, recipients in targets:
            if not recipients:
                continue
            with transaction.atomic():
                _, created = OverdueAlert.objects.get_or_create(
                    report=report,
                    due_date=due,
                    level=level,
                    defaults={"recipient": recipients[0]},
                )
                if not created:
                    continue
                names = ", ".join(str(r) for r in recipients)
                FrictionEvent.objects.create(
                    report=report,
                    kind=FrictionEvent.Kind.ESCALATED,
                    text=f"Overdue since {due:%d %b %Y}: escalated to {names}.",
                )
                FrictionReport.objects.filter(pk=report.pk).update(
                    escalation_level=max(level, report.escalation_level)
                )
                # notifications writes each recipient's message in this transaction, so the
                # claim and the messages commit together.
                report_escalated.send(
                    sender=FrictionReport,
                    report=report,
                    due=due,
                    level=level,
                    recipients=recipients,
                )
                sent += 1
    return sent
