"""Who hears of what happens to friction reports (frictions/signals.py).

A named reporter hears of each public change to their report (not of their own, not of internal
notes); an anonymous reporter is never written to, since nothing here knows who they are: they
follow their report by its receipt code. "Me too" supporters are not told. Overdue reports go
to whoever the escalation chain chose.
"""

from django.dispatch import receiver

from frictions.models import FrictionEvent, FrictionReport
from frictions.signals import report_escalated, report_updated

from ..kinds.frictions import stage
from ..services import notify

# What the reporter is told about: new dates alone are not news to them (the page shows them).
REPORTER_EVENTS = (
    FrictionEvent.Kind.STATUS,
    FrictionEvent.Kind.RESPONSE,
    FrictionEvent.Kind.TRIAGED,
)


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


def updated_title(*, event: FrictionEvent) -> str:
    title = event.report.title
    if event.kind == FrictionEvent.Kind.STATUS:
        status = event.changes["status"][1].lower()
        return f"Read why your friction report “{title}” is now {status}"
    return f"Read the response to your friction report “{title}”"


@receiver(report_updated, dispatch_uid="notifications.frictions.report_updated")
def report_updated_notify(sender, *, event: FrictionEvent, **kwargs) -> None:
    """The named reporter hears of a public status change or response, once per event; never
    an anonymous reporter, never of their own change, never of an internal note."""
    report = event.report
    if report.is_anonymous or report.reporter_id is None:
        return
    if not event.public or event.kind not in REPORTER_EVENTS or not event.text:
        return
    if event.actor_id == report.reporter_id:
        return
    notify(
        kind="report_updated",
        recipient=report.reporter,
        subject=report,
        occasion=f"event-{event.pk}",
        title=updated_title(event=event),
        url=report.get_absolute_url(),
        data={"event": event.pk},
    )
