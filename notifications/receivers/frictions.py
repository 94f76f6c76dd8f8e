"""Who hears of what happens to friction reports (frictions/signals.py).

A named reporter hears of each public change to their report (not of their own, not of internal
notes); an anonymous reporter is never written to, since nothing here knows who they are: they
follow their report by its receipt code. "Me too" supporters are not told. Overdue reports go
to whoever the escalation chain chose.
"""

from django.dispatch import receiver

from frictions.models import FrictionReport
from frictions.signals import report_escalated

from ..kinds.frictions import stage
from ..services import notify


def escalated_title(*, report: FrictionReport, level: int) -> str:
    if level == 0 or report.owner is None:
        return f"Give the overdue friction report “{report.title}” an owner and a date"
    return f"See that {report.owner} answers the overdue friction report “{report.title}”"


@receiver(report_escalated, dispatch_uid="notifications.frictions.report_escalated")
def report_escalated_notify(sender, *, report, due, level, recipients, **kwargs) -> None:
    """Each person the overdue chain reached gets the alert; the occasion is the date missed
    and the level, as in the chain's own sent-log."""
    for person in recipients:
        notify(
            kind="report_escalated",
            recipient=person,
            subject=report,
            occasion=f"overdue-{due.isoformat()}-level-{level}",
            title=escalated_title(report=report, level=level),
            url=report.get_absolute_url(),
            data={"due": due.isoformat(), "stage": stage(report), "level": level},
        )
