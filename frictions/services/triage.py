"""Triage and the committed response: the CX lead, or the report's owner, moves a report along;
every change is a public line on its timeline (internal notes excepted)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.ranges import date_range_errors

from ..models import Decision, FrictionEvent, FrictionReport, FrictionSupport, Resolution, Status
from ..signals import report_updated

NOT_ALLOWED_MESSAGE = "Only a CX lead or the report's owner can change it."
OWNER_NOT_EXECUTIVE_MESSAGE = "The owner must be an active executive."
DATES_ORDER_MESSAGE = "The decision date cannot come before the acknowledgement date."
RESPONSE_REQUIRED_MESSAGE = "Write the response the reporter and the frontline will read."
REASON_REQUIRED_MESSAGE = "Say why the report is declined."
RESOLUTION_REQUIRED_MESSAGE = "Say how it was resolved."
ORIGINAL_REQUIRED_MESSAGE = "Choose the report this one duplicates."
ORIGINAL_ITSELF_MESSAGE = "A report cannot duplicate itself."
TRANSITION_MESSAGE = "A report that is {current} cannot become {wanted}."
NOTE_REQUIRED_MESSAGE = "Write the note."
DECISION_REQUIRED_MESSAGE = (
    "A policy eliminated or modified comes from a decision: choose it in the decision log."
)
POLICY_RESOLUTIONS = (Resolution.POLICY_ELIMINATED, Resolution.POLICY_MODIFIED)

REPORT_TRANSITIONS = {
    Status.NEW: {
        Status.ACKNOWLEDGED,
        Status.IN_PROGRESS,
        Status.RESOLVED,
        Status.DECLINED,
        Status.DUPLICATE,
    },
    Status.ACKNOWLEDGED: {Status.IN_PROGRESS, Status.RESOLVED, Status.DECLINED, Status.DUPLICATE},
    Status.IN_PROGRESS: {Status.RESOLVED, Status.DECLINED, Status.DUPLICATE},
}


def friction_can_change(*, report: FrictionReport, user: User) -> bool:
    """The CX lead (who triages) and the executive who owns the report."""
    return user.has_perm("frictions.triage_frictions") or (
        report.owner_id is not None and report.owner_id == user.pk
    )


def _check_may_change(report: FrictionReport, by: User) -> None:
    if not friction_can_change(report=report, user=by):
        raise ValidationError(NOT_ALLOWED_MESSAGE)


@transaction.atomic
def friction_report_triage(
    *,
    report: FrictionReport,
    by: User,
    owner: User,
    acknowledge_by: date,
    decide_by: date,
    response: str = "",
) -> FrictionReport:
    """The CX lead gives a report its owner (an executive) and its committed dates. The change
    is written, public, on the timeline."""
    if not by.has_perm("frictions.triage_frictions"):
        raise ValidationError(NOT_ALLOWED_MESSAGE)
    report = FrictionReport.objects.select_for_update().get(pk=report.pk)
    errors = {}
    if owner is None or not owner.is_active or not owner.has_perm("immersion.attend_sessions"):
        errors["owner"] = OWNER_NOT_EXECUTIVE_MESSAGE
    if decide_by < acknowledge_by:
        errors["decide_by"] = DATES_ORDER_MESSAGE
    errors.update(date_range_errors(acknowledge_by=acknowledge_by, decide_by=decide_by))
    if errors:
        raise ValidationError(errors)
    changes = {}
    if report.owner_id != owner.pk:
        changes["owner"] = [str(report.owner or ""), str(owner)]
    for field, value in (("acknowledge_by", acknowledge_by), ("decide_by", decide_by)):
        if getattr(report, field) != value:
            changes[field.replace("_", " ")] = [
                f"{getattr(report, field):%d %b %Y}",
                f"{value:%d %b %Y}",
            ]
    if not changes and not response.strip():
        return report
    report.owner = owner
    report.acknowledge_by = acknowledge_by
    report.decide_by = decide_by
    if changes.keys() & {"acknowledge by", "decide by"}:
        report.escalation_level = 0  # new dates, a new clock
    report.save()
    event = FrictionEvent.objects.create(
        report=report,
        kind=FrictionEvent.Kind.TRIAGED,
        actor=by,
        text=response.strip(),
        changes=changes,
    )
    if event.text:  # a response to the reporter; new dates alone show on the report's page
        report_updated.send(sender=FrictionReport, event=event)
    return report


@transaction.atomic
def friction_report_transition(
    *,
    report: FrictionReport,
    by: User,
    status: str,
    response: str,
    resolution: str = "",
    decline_reason: str = "",
    duplicate_of: FrictionReport | None = None,
    decision: Decision | None = None,
) -> FrictionReport:
    """Move a report along new → acknowledged → in progress → resolved (saying how), declined
    (saying why) or duplicate (its support moves to the original). Every change writes a public
    response on the timeline; nothing is written when a rule is broken."""
    report = FrictionReport.objects.select_for_update().get(pk=report.pk)
    _check_may_change(report, by)
    errors = {}
    if status not in REPORT_TRANSITIONS.get(report.status, set()):
        raise ValidationError(
            TRANSITION_MESSAGE.format(
                current=report.get_status_display().lower(),
                wanted=Status(status).label.lower() if status in Status.values else status,
            )
        )
    if not response.strip():
        errors["response"] = RESPONSE_REQUIRED_MESSAGE
    if status == Status.DECLINED and not decline_reason.strip():
        errors["decline_reason"] = REASON_REQUIRED_MESSAGE
    if status == Status.RESOLVED and not resolution:
        errors["resolution"] = RESOLUTION_REQUIRED_MESSAGE
    if status == Status.RESOLVED and resolution in POLICY_RESOLUTIONS and decision is None:
        errors["decision"] = DECISION_REQUIRED_MESSAGE
    if status == Status.DUPLICATE:
        if duplicate_of is None:
            errors["duplicate_of"] = ORIGINAL_REQUIRED_MESSAGE
        elif duplicate_of.pk == report.pk:
            errors["duplicate_of"] = ORIGINAL_ITSELF_MESSAGE
    if errors:
        raise ValidationError(errors)

    previous = report.get_status_display()
    report.status = status
    report.resolution = resolution if status == Status.RESOLVED else ""
    report.decline_reason = decline_reason.strip() if status == Status.DECLINED else ""
    if status == Status.RESOLVED and decision is not None:
        report.decision = decision
        decision.friction_reports.add(report)
    if status == Status.DUPLICATE:
        duplicate_of = FrictionReport.objects.get(pk=duplicate_of.pk)
        while duplicate_of.duplicate_of_id:  # always to the original, never a chain
            duplicate_of = duplicate_of.duplicate_of
        if duplicate_of.pk == report.pk:
            raise ValidationError({"duplicate_of": ORIGINAL_ITSELF_MESSAGE})
        report.duplicate_of = duplicate_of
        _move_support(report, duplicate_of, by)
    if status in (Status.RESOLVED, Status.DECLINED, Status.DUPLICATE):
        report.closed_at = timezone.now()
    report.full_clean()
    report.save()
    event = FrictionEvent.objects.create(
        report=report,
        kind=FrictionEvent.Kind.STATUS,
        actor=by,
        text=response.strip(),
        changes={"status": [previous, report.get_status_display()]},
    )
    report_updated.send(sender=FrictionReport, event=event)
    return report


def _move_support(duplicate: FrictionReport, original: FrictionReport, by: User) -> None:
    """The duplicate's reporter and supporters become supporters of the original (each person
    once; anonymous ones stay anonymous)."""
    already = set(original.supports.exclude(supporter=None).values_list("supporter", flat=True))
    if original.reporter_id:
        already.add(original.reporter_id)
    moved = 0
    people = [s.supporter_id for s in duplicate.supports.all()]
    people.append(duplicate.reporter_id)  # None for an anonymous reporter
    for person in people:
        if person is not None and person in already:
            continue
        FrictionSupport.objects.create(report=original, supporter_id=person)
        if person is not None:
            already.add(person)
        moved += 1
    duplicate.supports.all().delete()
    FrictionEvent.objects.create(
        report=original,
        kind=FrictionEvent.Kind.MERGED,
        actor=by,
        text=f"“{duplicate.title}” was the same friction; {moved} more affected.",
    )


def friction_report_note(*, report: FrictionReport, by: User, text: str) -> FrictionEvent:
    """An internal note: read by the CX lead and the owner, never by the reporter or the board."""
    _check_may_change(report, by)
    if not text.strip():
        raise ValidationError({"text": NOTE_REQUIRED_MESSAGE})
    return FrictionEvent.objects.create(
        report=report, kind=FrictionEvent.Kind.NOTE, public=False, actor=by, text=text.strip()
    )
