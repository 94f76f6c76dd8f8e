"""Writes to friction reports, each with its rules.

Anonymity is kept here: an anonymous report, its support and the information its reporter adds
are written with no user, at times rounded to the hour, and with nothing else about the request.
They are not written to the real tables at once but wait in the holding table until their hour
has ended (services.anonymous), so no row sits next to the sender's own writes.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.calendar import add_business_days, org_today

from ..models import AnonymousWrite, FrictionEvent, FrictionReport, FrictionSupport

ANONYMOUS_LABEL = "Anonymous reporter"
ALREADY_SUPPORTED_MESSAGE = "You already support this report."
SUPPORT_DAILY_CAP_MESSAGE = (
    "You have added as much anonymous support as one person can in a day; try again tomorrow."
)
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
    (only its hash is kept); the report waits in the holding table until its hour has ended
    and is returned unsaved. Named: the reporter, and their team unless another is given.
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
    # The fields are checked; the table's constraints are not, because a new report cannot
    # break them: its status is "new" and its reporter follows `anonymous` (above). Django
    # checks each constraint with a query in a savepoint, 12 of a filing's 23 statements;
    # PostgreSQL still enforces them on save.
    if anonymous:
        code = _new_receipt_code()
        report.receipt_hash = receipt_hash(code)
        # A reflection, a journey or an escalation has a person behind it: linking one would
        # name the reporter. Anonymous reports keep no source.
        report.source_reflection_friction = None
        report.source_journey_step = None
        report.source_escalation = None
        report.full_clean(validate_constraints=False)
        AnonymousWrite.objects.create(
            kind=AnonymousWrite.Kind.REPORT,
            receipt_hash=report.receipt_hash,
            data={
                "title": report.title,
                "description": report.description,
                "area": report.area,
                "channel": report.channel,
                "customers_per_week": report.customers_per_week,
                "severity": report.severity,
                "policy_reference": report.policy_reference,
                "team_id": report.team_id,
                "acknowledge_by": report.acknowledge_by.isoformat(),
                "decide_by": report.decide_by.isoformat(),
            },
        )
        return report, code
    report.full_clean(validate_constraints=False)
    report.save()
    FrictionEvent.objects.create(
        report=report,
        kind=FrictionEvent.Kind.FILED,
        actor=reporter,
        created_at=report.created_at,
    )
    return report, code


def friction_report_by_receipt(code: str) -> FrictionReport | None:
    """The report a receipt code belongs to, or None. One hash and one indexed lookup either
    way, so a made-up code answers as fast as a real one."""
    return friction_report_by_receipt_hash(receipt_hash(code))


def friction_report_by_receipt_hash(code_hash: str) -> FrictionReport | None:
    """The report whose receipt code has this hash, or None (also while it still waits)."""
    return FrictionReport.objects.filter(receipt_hash=code_hash).first()


def _support_key(*parts) -> str:
    """A cache key no one can read a person or a report from without the SECRET_KEY."""
    message = ":".join(str(p) for p in parts).encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"frictions:support:{digest}"


def _anonymous_support_allowed(*, report: FrictionReport, supporter: User) -> None:
    """Anonymous support is bounded without the database knowing who gave it: the cache keeps
    a keyed hash of (person, report) for FRICTION_ANONYMOUS_SUPPORT_MEMORY_DAYS, so one person
    supports one report once, and a keyed hash of (person, day) counting to
    FRICTION_ANONYMOUS_SUPPORTS_PER_DAY, so a lost cache entry cannot be turned into many."""
    if FrictionSupport.objects.filter(report=report, supporter=supporter).exists():
        raise ValidationError(ALREADY_SUPPORTED_MESSAGE)
    report_key = _support_key("report", supporter.pk, report.pk)
    if caches["shared"].get(report_key):
        raise ValidationError(ALREADY_SUPPORTED_MESSAGE)
    day_key = _support_key("day", supporter.pk, org_today().isoformat())
    caches["shared"].add(day_key, 0, timeout=24 * 3600)
    if caches["shared"].incr(day_key) > settings.FRICTION_ANONYMOUS_SUPPORTS_PER_DAY:
        raise ValidationError(SUPPORT_DAILY_CAP_MESSAGE)
    remembered = settings.FRICTION_ANONYMOUS_SUPPORT_MEMORY_DAYS * 24 * 3600
    if not caches["shared"].add(report_key, 1, timeout=remembered):  # two at once: one wins
        raise ValidationError(ALREADY_SUPPORTED_MESSAGE)


@transaction.atomic
def friction_report_support(*, report: FrictionReport, supporter: User, anonymous: bool = False):
    """A "me too" on an open report; once per person. Anonymous support keeps no supporter,
    waits in the holding table until its hour has ended, and is bounded by the cache alone
    (_anonymous_support_allowed)."""
    if not report.is_open:
        raise ValidationError(CLOSED_MESSAGE)
    if report.reporter_id == supporter.pk:
        raise ValidationError(OWN_REPORT_MESSAGE)
    if anonymous:
        _anonymous_support_allowed(report=report, supporter=supporter)
        return AnonymousWrite.objects.create(kind=AnonymousWrite.Kind.SUPPORT, report=report)
    if caches["shared"].get(_support_key("report", supporter.pk, report.pk)):
        raise ValidationError(ALREADY_SUPPORTED_MESSAGE)  # supported anonymously already
    try:
        with transaction.atomic():
            support = FrictionSupport.objects.create(report=report, supporter=supporter)
    except IntegrityError as exc:
        raise ValidationError(ALREADY_SUPPORTED_MESSAGE) from exc
    FrictionEvent.objects.create(
        report=report,
        kind=FrictionEvent.Kind.SUPPORTED,
        actor=supporter,
        created_at=support.created_at,
    )
    return support


def friction_report_add_information(*, report: FrictionReport, text: str, by: User | None = None):
    """More information on a report, public on its timeline: from a signed-in person, or
    (`by` None) from the anonymous reporter holding its receipt code, which waits in the
    holding table until its hour has ended."""
    if not text.strip():
        raise ValidationError({"text": INFORMATION_REQUIRED_MESSAGE})
    if by is None:
        return AnonymousWrite.objects.create(
            kind=AnonymousWrite.Kind.INFORMATION, report=report, data={"text": text.strip()}
        )
    return FrictionEvent.objects.create(
        report=report,
        kind=FrictionEvent.Kind.INFORMATION,
        actor=by,
        text=text.strip(),
        created_at=timezone.now(),
    )
