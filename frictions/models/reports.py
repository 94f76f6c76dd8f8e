"""Reverse accountability (seed 000): friction reports the frontline files about upstream
decisions, the support they gather, and their public timeline.

Anonymous reports store nothing that identifies who filed them: no user, no address, no user
agent, and their times are kept to the hour. Only the hash of the reporter's receipt code is
kept, so only the person holding the code can follow the report as its reporter.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from accounts.models import FrontlineTeam
from core.addresses import reverse_pk
from core.calendar import org_today

USER = settings.AUTH_USER_MODEL


class Area(models.TextChoices):
    """The upstream decision areas that cause friction (seed 000)."""

    PRICING = "pricing", "Pricing"
    ROADMAP = "product_roadmap", "Product roadmap"
    PLATFORM = "platform", "Platform and infrastructure"
    INCENTIVES = "incentives", "Incentive design"
    POLICY = "policy", "Policy"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    LOW = "low", "Low: an annoyance"
    MEDIUM = "medium", "Medium: customers struggle"
    HIGH = "high", "High: customers leave or complain"
    CRITICAL = "critical", "Critical: customers are harmed"


class Status(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"
    DECLINED = "declined", "Declined"
    DUPLICATE = "duplicate", "Duplicate"


OPEN_STATUSES = (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS)

# 0 for an open report, 1 for a closed one: the board's "overdue" sort puts open reports first.
OPEN_FIRST = Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1))


class Resolution(models.TextChoices):
    POLICY_ELIMINATED = "policy_eliminated", "Policy eliminated"
    POLICY_MODIFIED = "policy_modified", "Policy modified"
    PRODUCT_CHANGE = "product_change", "Product change"
    PLATFORM_CHANGE = "platform_change", "Platform change"
    PROCESS_CHANGE = "process_change", "Process or training change"
    NO_CHANGE = "no_change", "No change needed"


def hour_now():
    """Now, to the hour: anonymous reports keep no time precise enough to match a log."""
    return timezone.now().replace(minute=0, second=0, microsecond=0)


class FrictionReportQuerySet(models.QuerySet):
    def open(self) -> "FrictionReportQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, *, today=None) -> "FrictionReportQuerySet":
        """Open and past the next committed date (`due`), as of the organisation's today."""
        return self.filter(status__in=OPEN_STATUSES, due__lt=today or org_today())


class FrictionReport(models.Model):
    """What happens to customers, and which upstream decision causes it."""

    title = models.CharField(max_length=200)
    description = models.TextField("what happens to customers")
    area = models.CharField("upstream decision area", max_length=20, choices=Area.choices)
    channel = models.CharField(max_length=10, choices=FrontlineTeam.Channel.choices)
    customers_per_week = models.PositiveIntegerField("customers affected a week (an estimate)")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    policy_reference = models.CharField(
        "the policy or decision it comes from", max_length=200, blank=True
    )
    team = models.ForeignKey(
        FrontlineTeam, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reporter = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="friction_reports"
    )
    is_anonymous = models.BooleanField(default=False)
    receipt_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Where it came from, when not straight from the frontline
    # PROTECT: exposure -> report -> decision is the chain the metrics count, so the line a
    # report was filed from cannot be deleted from under it (the reflection refuses instead).
    source_reflection_friction = models.ForeignKey(
        "immersion.ReflectionFriction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="friction_reports",
    )
    source_journey_step = models.ForeignKey(
        "immersion.JourneyStepResult",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="friction_reports",
    )
    source_escalation = models.ForeignKey(
        "immersion.Escalation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="friction_reports",
    )
    # Triage and the committed response
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="frictions_owned"
    )
    acknowledge_by = models.DateField()
    decide_by = models.DateField()
    # "Due" is defined once, here, in SQL: the board, home, the review agenda and the hourly
    # overdue scan all filter and sort on this column, so none loads open reports to compare
    # dates in Python.
    due = models.GeneratedField(
        expression=Case(When(status=Status.NEW, then=F("acknowledge_by")), default=F("decide_by")),
        output_field=models.DateField(),
        db_persist=True,
        verbose_name="next committed date",
        help_text="Acknowledge by while new, decide by after.",
    )
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    decline_reason = models.TextField(blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    decision = models.ForeignKey(
        "Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolved_reports",
        help_text="The decision that eliminated or modified the policy behind it.",
    )
    escalation_level = models.PositiveSmallIntegerField(
        default=0, help_text="How many managers up the chain an overdue report has gone."
    )
    created_at = models.DateTimeField(default=hour_now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # How many "me too"s it has, kept on the row (frictions/receivers.py) so that the board can
    # sort by it with an index: counted per request over 1.9 million supports it took 6 s.
    support_count = models.PositiveIntegerField(default=0, editable=False)

    objects = FrictionReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The board's default order: most supported first.
            models.Index(
                fields=["-support_count", "-created_at", "-id"], name="frictions_board_support"
            ),
            # The board's other sorts and its most selective filter (status), each read in index
            # order (at 500,000 reports: newest 690 -> 108 ms; overdue 778 -> 109 ms;
            # ?status=new&area=pricing 377 -> 70 ms).
            models.Index(fields=["-created_at", "-id"], name="frictions_board_newest"),
            models.Index(OPEN_FIRST, F("due"), F("id"), name="frictions_board_overdue"),
            # The area rides along (PostgreSQL: INCLUDE), so a status-and-area filter is counted
            # and paged from the index alone: counting ?status=new&area=pricing read 2,700
            # reports' rows (2.6 ms, and a page of disk when the cache has let them go).
            models.Index(
                fields=["status", "-support_count", "-created_at", "-id"],
                include=["area"],
                name="frictions_board_status",
            ),
            # Only open reports can be overdue; the partial index stays the size of the backlog.
            models.Index(
                fields=["due"], condition=Q(status__in=OPEN_STATUSES), name="frictions_open_due"
            ),
            # An executive's open reports, due soonest first (home): without it PostgreSQL
            # walked every open report by due date for one owner's, 233 ms -> 1.3 ms.
            models.Index(
                fields=["owner", "due", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="frictions_owner_open_due",
            ),
            # The quarter's roll-up (metrics/definitions.py) reads reports closed, and reports
            # due, in a quarter, open or not: without these it scanned all 500,000 reports at
            # scale (bench/bench_metrics.py), nine times for the closed ones.
            models.Index(fields=["closed_at"], name="frictions_report_closed_at"),
            models.Index(fields=["due"], name="frictions_report_due"),
        ]
        permissions = [
            ("file_friction", "Can file friction reports and support them"),
            ("view_frictions", "Can read the friction board"),
            ("triage_frictions", "Can triage friction reports and write internal notes"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(reporter__isnull=True),
                name="frictions_report_anonymous_has_no_reporter",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="frictions_report_declined_has_reason",
                violation_error_message="Say why the report is declined.",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | ~Q(resolution=""),
                name="frictions_report_resolved_says_how",
                violation_error_message="Say how it was resolved.",
            ),
            models.CheckConstraint(
                condition=~Q(status="duplicate") | Q(duplicate_of__isnull=False),
                name="frictions_report_duplicate_has_original",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The support count is the receivers' to write (frictions/receivers.py): a report loaded
        # before a "me too" and saved after must not put its old count back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name != "support_count"
                and not getattr(field, "generated", False)
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse_pk("frictions:report", self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due < (today or org_today())


class FrictionSupport(models.Model):
    """A "me too": someone else sees the same friction. Anonymous support keeps no supporter."""

    report = models.ForeignKey(FrictionReport, on_delete=models.CASCADE, related_name="supports")
    supporter = models.ForeignKey(
        USER, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=hour_now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "supporter"],
                condition=Q(supporter__isnull=False),
                name="frictions_support_once_per_person",
                violation_error_message="You already support this report.",
            ),
        ]

    def __str__(self) -> str:
        return f"Support for {self.report}"


class FrictionEvent(models.Model):
    """One line of a report's timeline and history: who did what, when, what changed.

    Public events (responses, status changes) are read by the reporter and every frontline
    agent; internal notes are not. An anonymous reporter's events have no actor."""

    class Kind(models.TextChoices):
        FILED = "filed", "Filed"
        SUPPORTED = "supported", "Supported"
        INFORMATION = "information", "Information added"
        RESPONSE = "response", "Response"
        STATUS = "status", "Status changed"
        TRIAGED = "triaged", "Owner and dates set"
        NOTE = "note", "Internal note"
        ESCALATED = "escalated", "Escalated"
        MERGED = "merged", "Duplicate merged in"

    report = models.ForeignKey(FrictionReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    public = models.BooleanField(default=True)
    actor = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=120, blank=True)
    text = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # A report's timeline (selectors.friction_timeline) in its order, its kind and
            # whether it is public beside (PostgreSQL: INCLUDE), read from the index alone: the
            # 5,000 events of the most supported report were fetched from the table and sorted
            # on every view of it (8 ms of SQL; 4.7 ms read this way).
            models.Index(
                fields=["report", "created_at", "id"],
                include=["kind", "public"],
                name="frictions_event_timeline",
            ),
            # The API's `updated_since` on SQLite: the reports with a public line since a time,
            # read from the index alone. PostgreSQL keeps that time on each report instead
            # (migration 0016), since a week's distinct reports of ~34,000 events took 9 ms.
            models.Index(
                fields=["created_at", "report"],
                condition=Q(public=True),
                name="frictions_event_public_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.report}"

    @property
    def who(self) -> str:
        return self.actor_label or (str(self.actor) if self.actor_id else "Proximity")


class OverdueAlert(models.Model):
    """The sent-log of overdue escalations: one row per report, due date and level up the
    chain, claimed before the e-mail goes, so a message never repeats."""

    report = models.ForeignKey(FrictionReport, on_delete=models.CASCADE, related_name="alerts")
    due_date = models.DateField()
    level = models.PositiveSmallIntegerField(
        help_text="0: the CX lead (no owner); 1: the owner's manager; 2: theirs…"
    )
    recipient = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "due_date", "level"], name="frictions_overdue_alert_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} overdue, level {self.level}"
