"""Friction reports: status for named reporters, due dates for owners, the overdue chain, the
weekly review's agenda; see kinds/__init__.py.

Anonymity: an anonymous report has no reporter, so no message is ever written to one (the
receivers and scans write to owners, managers, CX leads and review attendees only), and no
e-mail here names or points to whoever filed a report.
"""

from datetime import date

from django.utils import timezone

from core.calendar import org_today, org_zone
from frictions.models import OPEN_STATUSES, FrictionEvent, Status
from frictions.selectors.reviews import review_items_for
from immersion.models import Participant, Session

from . import Kind, register

REPORT_GONE_REASON = "The report no longer exists."
REPORT_CLOSED_REASON = "The report was closed after this was written."
DUE_CHANGED_REASON = (
    "The report's committed date changed after this was written; a reminder for the new date "
    "goes instead."
)
NOT_OWNER_REASON = "They no longer own the report."
NOW_OVERDUE_REASON = "The report was overdue by the time this could be sent."
REVIEW_GONE_REASON = "The review no longer exists."
REVIEW_CANCELLED_REASON = "The review was cancelled after this was written."
REVIEW_MOVED_REASON = "The review moved to another day; its agenda goes the day before that."
REVIEW_STARTED_REASON = "The review had started by the time this could be sent."
NOT_ATTENDING_REASON = "They no longer attend the review."


def stage(report) -> str:
    """What the committed date is for: acknowledging a new report, then deciding on it."""
    return "acknowledge" if report.status == Status.NEW else "decide"


def review_day(session) -> date:
    """The day a review is on, in the organisation's calendar: its messages' occasion."""
    return session.starts_at.astimezone(org_zone()).date()


# A report's committed date, for its owner (scans/frictions.py) and up the overdue chain.


def _dated_obsolete(notification, report) -> str | None:
    if report is None:
        return REPORT_GONE_REASON
    if report.status not in OPEN_STATUSES:
        return REPORT_CLOSED_REASON
    data = notification.data
    if report.due.isoformat() != data.get("due") or stage(report) != data.get("stage"):
        return DUE_CHANGED_REASON
    return None


def _owner_obsolete(notification, report) -> str | None:
    reason = _dated_obsolete(notification, report)
    if reason is None and report.owner_id != notification.recipient_id:
        return NOT_OWNER_REASON
    return reason


def _due_soon_obsolete(notification, report) -> str | None:
    reason = _owner_obsolete(notification, report)
    if reason is None and report.due < org_today():
        return NOW_OVERDUE_REASON
    return reason


def _dated_context(notification, report) -> dict:
    return {
        "report": report,
        "due": date.fromisoformat(notification.data["due"]),
        "stage": notification.data.get("stage"),
        "level": notification.data.get("level"),
    }


REPORT_DUE_SOON = register(
    Kind(
        key="report_due_soon",
        label="A friction report you own is due in the next days",
        batchable=True,
        context=_dated_context,
        obsolete=_due_soon_obsolete,
    )
)

REPORT_OVERDUE = register(
    Kind(
        key="report_overdue",
        label="A friction report you own is overdue",
        batchable=True,
        context=_dated_context,
        obsolete=_owner_obsolete,
    )
)

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


# The weekly review's agenda, to its attendees the day before (scans/frictions.py).


def _agenda_obsolete(notification, review) -> str | None:
    if review is None:
        return REVIEW_GONE_REASON
    session = review.session
    if session.status == Session.Status.CANCELLED:
        return REVIEW_CANCELLED_REASON
    if review_day(session).isoformat() != notification.data.get("day"):
        return REVIEW_MOVED_REASON
    if session.starts_at <= timezone.now():
        return REVIEW_STARTED_REASON
    if not Participant.objects.filter(
        session=session, person_id=notification.recipient_id, is_active=True
    ).exists():
        return NOT_ATTENDING_REASON
    return None


def _agenda_context(notification, review) -> dict:
    zone = notification.recipient.zone
    return {
        "review": review,
        "starts_local": review.session.starts_at.astimezone(zone),
        "items": review_items_for(review=review),
        "review_url": review.get_absolute_url(),
    }


REVIEW_AGENDA = register(
    Kind(
        key="review_agenda",
        label="The weekly friction review's agenda, the day before",
        context=_agenda_context,
        obsolete=_agenda_obsolete,
    )
)
