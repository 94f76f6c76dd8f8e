"""Friction reports: status for named reporters, due dates for owners, the overdue chain, the
weekly review's agenda; see kinds/__init__.py.

Anonymity: an anonymous report has no reporter, so no message is ever written to one (the
receivers and scans write to owners, managers, CX leads and review attendees only), and no
e-mail here names or points to whoever filed a report.
"""

from datetime import date

from frictions.models import OPEN_STATUSES, FrictionEvent, Status

from . import Kind, register

REPORT_GONE_REASON = "The report no longer exists."
REPORT_CLOSED_REASON = "The report was closed after this was written."
DUE_CHANGED_REASON = (
    "The report's committed date changed after this was written; a reminder for the new date "
    "goes instead."
)


def stage(report) -> str:
    """What the committed date is for: acknowledging a new report, then deciding on it."""
    return "acknowledge" if report.status == Status.NEW else "decide"


# A report's committed date, up the overdue chain.


def _dated_obsolete(notification, report) -> str | None:
    if report is None:
        return REPORT_GONE_REASON
    if report.status not in OPEN_STATUSES:
        return REPORT_CLOSED_REASON
    data = notification.data
    if report.due.isoformat() != data.get("due") or stage(report) != data.get("stage"):
        return DUE_CHANGED_REASON
    return None


def _dated_context(notification, report) -> dict:
    return {
        "report": report,
        "due": date.fromisoformat(notification.data["due"]),
        "stage": notification.data.get("stage"),
        "level": notification.data.get("level"),
    }


REPORT_ESCALATED = register(
    Kind(
        key="report_escalated",
        label="An overdue friction report comes to you (your team's, or one nobody owns)",
        context=_dated_context,
        obsolete=_dated_obsolete,
    )
)


# A named reporter hears of what happens to their report.


def _updated_obsolete(notification, report) -> str | None:
    return REPORT_GONE_REASON if report is None else None


def _updated_context(notification, report) -> dict:
    event = FrictionEvent.objects.filter(
        pk=notification.data.get("event"), report=report, public=True
    ).first()
    status = (event.changes.get("status") or [None, None])[1] if event else None
    return {"report": report, "event": event, "new_status": status}


REPORT_UPDATED = register(
    Kind(
        key="report_updated",
        label="A friction report you filed has news: a new status or a response",
        context=_updated_context,
        obsolete=_updated_obsolete,
    )
)
