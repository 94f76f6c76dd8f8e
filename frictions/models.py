"""Reverse accountability (seed 000): friction reports the frontline files about upstream
decisions, the support they gather, and their public timeline.

Anonymous reports store nothing that identifies who filed them: no user, no address, no user
agent, and their times are kept to the hour. Only the hash of the reporter's receipt code is
kept, so only the person holding the code can follow the report as its reporter.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import FrontlineTeam

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
    source_reflection_friction = models.ForeignKey(
        "immersion.ReflectionFriction",
        on_delete=models.SET_NULL,
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

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "decide_by"])]
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

    def get_absolute_url(self) -> str:
        return reverse("frictions:report", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def due_date(self):
        """The next committed date: acknowledging while new, deciding after."""
        return self.acknowledge_by if self.status == Status.NEW else self.decide_by

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_date() < today


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


class FrictionReview(models.Model):
    """A weekly friction review: a session of the friction-review activity, with its agenda."""

    session = models.OneToOneField(
        "immersion.Session", on_delete=models.PROTECT, related_name="friction_review"
    )
    prepared_at = models.DateTimeField(auto_now_add=True)
    prepared_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-session__starts_at"]

    def __str__(self) -> str:
        return f"Friction review of {timezone.localtime(self.session.starts_at):%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("frictions:review", kwargs={"pk": self.pk})


class ReviewItem(models.Model):
    """One report on a review's agenda, why it is there, and the minutes about it."""

    class Reason(models.TextChoices):
        NEW = "new", "New since the last review"
        OVERDUE = "overdue", "Overdue"
        SUPPORTED = "supported", "Most supported"

    review = models.ForeignKey(FrictionReview, on_delete=models.CASCADE, related_name="items")
    report = models.ForeignKey(
        FrictionReport, on_delete=models.CASCADE, related_name="review_items"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    position = models.PositiveSmallIntegerField(default=0)
    decision = models.TextField("what was decided", blank=True)
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    committed_date = models.DateField("date committed", null=True, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "report"], name="frictions_review_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report} in {self.review}"


class Decision(models.Model):
    """An upstream decision in the decision log, with its customer-impact assessment and the
    customer exposure it rests on.

    "Changed after customer exposure" is never ticked: a decision counts when it was changed or
    reversed (`changed_at`) and its linked evidence includes exposure dated before that."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded"
        REVERSED = "reversed", "Reversed"

    title = models.CharField(max_length=200)
    area = models.CharField(max_length=20, choices=Area.choices)
    context = models.TextField()
    options_considered = models.TextField(blank=True)
    decision = models.TextField("the decision")
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="decisions_owned")
    deciders = models.ManyToManyField(USER, blank=True, related_name="decisions_taken")
    decided_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    review_by = models.DateField("review by", null=True, blank=True)
    outcome_check = models.TextField("outcome check", blank=True)
    outcome_checked_at = models.DateTimeField(null=True, blank=True)
    # The customer-impact assessment, required before approval.
    impact_who = models.TextField("who is affected", blank=True)
    impact_effect = models.TextField("expected effect on customers", blank=True)
    impact_evidence = models.TextField("evidence", blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When an approved decision was last changed or reversed."
    )
    # Evidence
    friction_reports = models.ManyToManyField(
        FrictionReport, blank=True, related_name="evidence_for"
    )
    sessions = models.ManyToManyField("immersion.Session", blank=True, related_name="decisions")
    reflections = models.ManyToManyField(
        "immersion.Reflection", blank=True, related_name="decisions"
    )
    journeys = models.ManyToManyField(
        "immersion.JourneyExercise", blank=True, related_name="decisions"
    )
    escalations = models.ManyToManyField(
        "immersion.Escalation", blank=True, related_name="decisions"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("view_decisions", "Can read the decision log"),
            ("log_decisions", "Can record and change decisions"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved")
                | (~Q(impact_who="") & ~Q(impact_effect="") & ~Q(impact_evidence="")),
                name="frictions_decision_approved_has_assessment",
                violation_error_message=(
                    "A decision needs its customer-impact assessment before it is approved."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("frictions:decision", kwargs={"pk": self.pk})

    @property
    def has_assessment(self) -> bool:
        return bool(self.impact_who and self.impact_effect and self.impact_evidence)


class DecisionEvent(models.Model):
    """The history of a decision: who changed what, when."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Change to {self.decision}"


class ApiIntegration(models.Model):
    """A contact-centre tool allowed to use the API. Its token is shown once when issued; only
    its hash is kept. Revoking it stops it at once."""

    name = models.CharField(max_length=100, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(
        max_length=8, help_text="The token's first characters, to tell tokens apart."
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
