"""Friction reports that come due with time: an owner's report due soon or overdue, and the
weekly review's agenda the day before; see scans/__init__.py.

Each scan reads in a fixed number of queries however many reports or attendees there are, and
writes with notify_many; the unique key makes a second scan of the same moment write nothing.
"""

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef

from core.calendar import org_zone
from frictions.models import FrictionReport, FrictionReview, ReviewItem
from immersion.models import Participant, Session

from ..kinds.frictions import review_day, stage
from ..models import NotificationSettings
from ..services import notification_prepare, notify_many
from . import SCAN_EVERY, scan
from .written import written_keys

# An owner hears of their report's committed date this many days before it.
DUE_SOON_DAYS = 2
# An overdue report is told to its owner once; a report overdue longer than this was told at
# the time (the scan runs every few minutes), and its owner's managers hear of it weekly
# (frictions.services.overdue). The bound keeps each scan's writes the size of a week.
OVERDUE_LOOKBACK_DAYS = 7
# The agenda goes this long before the review starts.
AGENDA_BEFORE = timedelta(hours=24)


def _day(value) -> str:
    return f"{value:%a} {value.day} {value:%b}"


def due_title(*, report: FrictionReport, overdue: bool) -> str:
    verb = "Acknowledge" if stage(report) == "acknowledge" else "Decide on"
    if overdue:
        return (
            f"Overdue since {_day(report.due)}: {verb.lower()} the friction report “{report.title}”"
        )
    return f"{verb} the friction report “{report.title}” by {_day(report.due)}"


@scan
def report_due_reminders(*, now: datetime) -> int:
    """Each open report with an owner whose committed date is within DUE_SOON_DAYS, or has
    passed (within OVERDUE_LOOKBACK_DAYS), is told to its owner once per date and stage: a new
    committed date reminds again. Five queries: the reports, what earlier scans wrote (one per
    kind), the quiet hours, the insert."""
    today = now.astimezone(org_zone()).date()
    reports = (
        FrictionReport.objects.open()
        .filter(
            owner__isnull=False,
            owner__is_active=True,
            due__gte=today - timedelta(days=OVERDUE_LOOKBACK_DAYS),
            due__lte=today + timedelta(days=DUE_SOON_DAYS),
        )
        .select_related("owner")
        .order_by("due", "pk")
    )
    written = {
        kind: written_keys(kind=kind, subjects=reports)
        for kind in ("report_overdue", "report_due_soon")
    }
    quiet = NotificationSettings.current()
    rows = []
    for report in reports:
        overdue = report.due < today
        step = stage(report)
        kind = "report_overdue" if overdue else "report_due_soon"
        occasion = f"{step}-by-{report.due.isoformat()}"
        if (report.pk, report.owner_id, occasion) in written[kind]:
            continue
        rows.append(
            notification_prepare(
                kind=kind,
                recipient=report.owner,
                subject=report,
                occasion=occasion,
                title=due_title(report=report, overdue=overdue),
                url=report.get_absolute_url(),
                data={"due": report.due.isoformat(), "stage": step},
                send_after=now,
                quiet=quiet,
            )
        )
    return notify_many(rows)


def agenda_title(*, review: FrictionReview, zone) -> str:
    starts = review.session.starts_at.astimezone(zone)
    return f"Read the agenda of the friction review on {_day(starts)} at {starts:%H:%M}"


@scan
def review_agendas(*, now: datetime) -> int:
    """Each review starting within AGENDA_BEFORE (and the next scan) that has an agenda goes to
    the people who attend it (the session's active participants), AGENDA_BEFORE ahead, once per
    day it is held on: moved to another day, it is sent again. Four queries: the reviews, their
    attendees, the quiet hours, the insert."""
    reviews = {
        review.session_id: review
        for review in FrictionReview.objects.alias(
            has_items=Exists(ReviewItem.objects.filter(review=OuterRef("pk")))
        )
        .filter(
            session__starts_at__gt=now,
            session__starts_at__lte=now + AGENDA_BEFORE + SCAN_EVERY,
            # The agenda is made by "Prepare the agenda": none yet, nothing to send yet.
            has_items=True,
        )
        .exclude(session__status=Session.Status.CANCELLED)
        .select_related("session")
    }
    if not reviews:
        return 0
    attendees = Participant.objects.filter(
        session_id__in=reviews, is_active=True, person__is_active=True
    ).select_related("person")
    quiet = NotificationSettings.current()
    rows = []
    for place in attendees:
        review = reviews[place.session_id]
        starts_at = review.session.starts_at
        rows.append(
            notification_prepare(
                kind="review_agenda",
                recipient=place.person,
                subject=review,
                occasion=f"review-{review_day(review.session).isoformat()}",
                title=agenda_title(review=review, zone=place.person.zone),
                url=review.get_absolute_url(),
                data={"day": review_day(review.session).isoformat()},
                send_after=max(now, starts_at - AGENDA_BEFORE),
                not_later_than=starts_at,
                quiet=quiet,
            )
        )
    return notify_many(rows)
