"""Writes to friction reports, each with its rules.

Anonymity is kept here: an anonymous report, its support and the information its reporter adds
are written with no user, at times rounded to the hour, and with nothing else about the request.
"""

import hashlib
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from immersion.models import Holiday
from immersion.selectors import org_today

from .models import FrictionEvent, FrictionReport, FrictionSupport, Status, hour_now

ANONYMOUS_LABEL = "Anonymous reporter"
ALREADY_SUPPORTED_MESSAGE = "You already support this report."
OWN_REPORT_MESSAGE = "This is your own report; it counts you already."
CLOSED_MESSAGE = "This report is closed; it no longer gathers support."
INFORMATION_REQUIRED_MESSAGE = "Write what you want to add."
# Receipt codes: 16 letters and digits people can read aloud (no 0/O, 1/I/L), in groups of 4.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def add_business_days(start: date, days: int) -> date:
    """`days` working days after `start`: weekends and the programme's holidays skipped."""
    holidays = set(
        Holiday.objects.filter(
            date__gt=start, date__lte=start + timedelta(days=days * 3 + 14)
        ).values_list("date", flat=True)
    )
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            days -= 1
    return day


def receipt_hash(code: str) -> str:
    """The stored form of a receipt code: spaces, dashes and case do not matter."""
    normalized = "".join(c for c in code.upper() if c.isalnum())
    return hashlib.sha256(normalized.encode()).hexdigest()


def _new_receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


@transaction.atomic
def friction_report_file(
    *,
    reporter,
    anonymous: bool,
    title: str,
    description: str,
    area: str,
    channel: str,
    customers_per_week: int,
    severity: str,
    policy_reference: str = "",
    team=None,
    source_reflection_friction=None,
    source_journey_step=None,
    source_escalation=None,
) -> tuple[FrictionReport, str | None]:
    """File a report with its committed response dates (acknowledge within
    FRICTION_ACKNOWLEDGE_BUSINESS_DAYS working days, decide within FRICTION_DECIDE_DAYS).

    Anonymous: no reporter and no source are stored, and a receipt code is returned once
    (only its hash is kept). Named: the reporter, and their team unless another is given.
    """
    today = org_today()
    report = FrictionReport(
        title=" ".join(title.split()),
        description=description.strip(),
        area=area,
        channel=channel,
        customers_per_week=customers_per_week,
        severity=severity,
        policy_reference=policy_reference.strip(),
        team=team if (team is not None or anonymous) else reporter.frontline_team,
        reporter=None if anonymous else reporter,
        is_anonymous=anonymous,
        acknowledge_by=add_business_days(today, settings.FRICTION_ACKNOWLEDGE_BUSINESS_DAYS),
        decide_by=today + timedelta(days=settings.FRICTION_DECIDE_DAYS),
        source_reflection_friction=source_reflection_friction,
        source_journey_step=source_journey_step,
        source_escalation=source_escalation,
    )
    code = None
    if anonymous:
        code = _new_receipt_code()
        report.receipt_hash = receipt_hash(code)
        # A reflection, a journey or an escalation has a person behind it: linking one would
        # name the reporter. Anonymous reports keep no source.
        report.source_reflection_friction = None
        report.source_journey_step = None
        report.source_escalation = None
    report.full_clean()
    report.save()
    FrictionEvent.objects.create(
        report=report,
        kind=FrictionEvent.Kind.FILED,
        actor=None if anonymous else reporter,
        actor_label=ANONYMOUS_LABEL if anonymous else "",
        created_at=report.created_at,
    )
    return report, code


def friction_report_by_receipt(code: str) -> FrictionReport | None:
    """The report a receipt code belongs to, or None. One hash and one indexed lookup either
    way, so a made-up code answers as fast as a real one."""
    return FrictionReport.objects.filter(receipt_hash=receipt_hash(code)).first()


@transaction.atomic
def friction_report_support(*, report: FrictionReport, supporter, anonymous: bool = False):
    """A "me too" on an open report; once per person (anonymous support is not counted
    against anyone, and keeps no supporter)."""
    if not report.is_open:
        raise ValidationError(CLOSED_MESSAGE)
    if not anonymous and report.reporter_id == supporter.pk:
        raise ValidationError(OWN_REPORT_MESSAGE)
    try:
        with transaction.atomic():
            support = FrictionSupport.objects.create(
                report=report, supporter=None if anonymous else supporter
            )
    except IntegrityError as exc:
        raise ValidationError(ALREADY_SUPPORTED_MESSAGE) from exc
    FrictionEvent.objects.create(
        report=report,
        kind=FrictionEvent.Kind.SUPPORTED,
        actor=None if anonymous else supporter,
        actor_label="Someone, anonymously" if anonymous else "",
        created_at=support.created_at,
    )
    return support


def friction_report_add_information(*, report: FrictionReport, text: str, by=None):
    """More information on a report, public on its timeline: from a signed-in person, or
    (`by` None) from the anonymous reporter holding its receipt code."""
    if not text.strip():
        raise ValidationError({"text": INFORMATION_REQUIRED_MESSAGE})
    return FrictionEvent.objects.create(
        report=report,
        kind=FrictionEvent.Kind.INFORMATION,
        actor=by,
        actor_label="" if by is not None else ANONYMOUS_LABEL,
        text=text.strip(),
        created_at=hour_now() if by is None else timezone.now(),
    )


# Triage and the committed response: the CX lead, or the report's owner.

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
POLICY_RESOLUTIONS = ("policy_eliminated", "policy_modified")

TRANSITIONS = {
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


def friction_can_change(*, report: FrictionReport, user) -> bool:
    """The CX lead (who triages) and the executive who owns the report."""
    return user.has_perm("frictions.triage_frictions") or (
        report.owner_id is not None and report.owner_id == user.pk
    )


def _check_may_change(report: FrictionReport, by) -> None:
    if not friction_can_change(report=report, user=by):
        raise ValidationError(NOT_ALLOWED_MESSAGE)


@transaction.atomic
def friction_report_triage(
    *,
    report: FrictionReport,
    by,
    owner,
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
    FrictionEvent.objects.create(
        report=report,
        kind=FrictionEvent.Kind.TRIAGED,
        actor=by,
        text=response.strip(),
        changes=changes,
    )
    return report


@transaction.atomic
def friction_report_transition(
    *,
    report: FrictionReport,
    by,
    status: str,
    response: str,
    resolution: str = "",
    decline_reason: str = "",
    duplicate_of: FrictionReport | None = None,
    decision=None,
) -> FrictionReport:
    """Move a report along new → acknowledged → in progress → resolved (saying how), declined
    (saying why) or duplicate (its support moves to the original). Every change writes a public
    response on the timeline; nothing is written when a rule is broken."""
    report = FrictionReport.objects.select_for_update().get(pk=report.pk)
    _check_may_change(report, by)
    errors = {}
    if status not in TRANSITIONS.get(report.status, set()):
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
    FrictionEvent.objects.create(
        report=report,
        kind=FrictionEvent.Kind.STATUS,
        actor=by,
        text=response.strip(),
        changes={"status": [previous, report.get_status_display()]},
    )
    return report


def _move_support(duplicate: FrictionReport, original: FrictionReport, by) -> None:
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


def friction_report_note(*, report: FrictionReport, by, text: str) -> FrictionEvent:
    """An internal note: read by the CX lead and the owner, never by the reporter or the board."""
    _check_may_change(report, by)
    if not text.strip():
        raise ValidationError({"text": NOTE_REQUIRED_MESSAGE})
    return FrictionEvent.objects.create(
        report=report, kind=FrictionEvent.Kind.NOTE, public=False, actor=by, text=text.strip()
    )


# Overdue responses go up the chain.

ESCALATION_WEEKS_PER_LEVEL = 1


def _chain(person) -> list:
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
    Each alert is claimed in the sent-log before its e-mail, so none repeats. Returns how many
    alerts went out."""
    from accounts.emails import email_render_and_enqueue
    from accounts.roles import Role
    from accounts.selectors import people_with_role

    from .models import OPEN_STATUSES, OverdueAlert

    today = today or org_today()
    sent = 0
    reports = FrictionReport.objects.filter(status__in=OPEN_STATUSES).select_related(
        "owner__manager__manager__manager"
    )
    for report in reports:
        due = report.due_date()
        if due >= today:
            continue
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
                email_render_and_enqueue(
                    subject_template="frictions/email/overdue_subject.txt",
                    body_template="frictions/email/overdue_body.txt",
                    context={
                        "report": report,
                        "due": due,
                        "level": level,
                        "url": settings.SITE_URL + report.get_absolute_url(),
                    },
                    to=[r.email for r in recipients],
                )
                sent += 1
    return sent
