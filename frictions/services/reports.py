"""Writes to friction reports, each with its rules.

Anonymity is kept here: an anonymous report, its support and the information its reporter adds
are written with no user, at times rounded to the hour, and with nothing else about the request.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.calendar import add_business_days, org_today

from ..models import FrictionEvent, FrictionReport, FrictionSupport, hour_now

ANONYMOUS_LABEL = "Anonymous reporter"
ALREADY_SUPPORTED_MESSAGE = "You already support this report."
OWN_REPORT_MESSAGE = "This is your own report; it counts you already."
CLOSED_MESSAGE = "This report is closed; it no longer gathers support."
INFORMATION_REQUIRED_MESSAGE = "Write what you want to add."
# Receipt codes: 16 letters and digits people can read aloud (no 0/O, 1/I/L), in groups of 4.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


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
    reporter: User,
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
def friction_report_support(*, report: FrictionReport, supporter: User, anonymous: bool = False):
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


def friction_report_add_information(*, report: FrictionReport, text: str, by: User | None = None):
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
