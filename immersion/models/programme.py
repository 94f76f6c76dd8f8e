"""The programme's rhythm: what executives do (activity types), how often (cadence targets),
when (sessions), who is away (time off, holidays), who swapped, and Officer of the Day
escalations."""

import secrets
import uuid
from datetime import time
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from accounts.models import FrontlineTeam

USER = settings.AUTH_USER_MODEL
DUPLICATE_TARGET_MESSAGE = "There is already a target for this activity, period and audience."


class Pillar(models.TextChoices):
    DIRECT = "direct", "Direct customer interaction"
    OBSERVATION = "observation", "Frontline observation"
    ACCOUNTABILITY = "accountability", "Reverse accountability"


class ActivityType(models.Model):
    """Something an executive does to stay close to customers: listen to calls, be a customer…"""

    class Mode(models.TextChoices):
        INDIVIDUAL = "individual", "One executive per session"
        GROUP = "group", "A group meeting (all selected executives)"
        OFFICER_OF_THE_DAY = "officer_of_the_day", "Officer of the Day shift (one a day)"

    class Exercise(models.TextChoices):
        NONE = "", "Nothing besides attendance and a reflection"
        JOURNEY = "journey", "A journey exercise, step by step"
        CUSTOMER_CALLS = "customer_calls", "Customer calls from the call list"

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    pillar = models.CharField(max_length=20, choices=Pillar.choices)
    description = models.TextField(blank=True)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.INDIVIDUAL)
    counts_as_customer_time = models.BooleanField(
        "counts as direct customer interaction",
        default=True,
        help_text="Its hours count towards time in direct customer interaction.",
    )
    needs_host_team = models.BooleanField(
        default=False, help_text="Held with a frontline team, which hosts a limited number a week."
    )
    default_duration_minutes = models.PositiveSmallIntegerField(default=60)
    default_start_time = models.TimeField(
        default=time(9, 0),
        help_text="For shifts and group meetings: when they start, in the organisation's zone.",
    )
    exercise = models.CharField(
        max_length=20,
        choices=Exercise.choices,
        blank=True,
        help_text="What the executive records during the session, besides attendance.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["pillar", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_duration_minutes__gte=5, default_duration_minutes__lte=24 * 60),
                name="immersion_activitytype_duration_sane",
                violation_error_message="A session lasts between 5 minutes and 24 hours.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_officer_of_the_day(self) -> bool:
        return self.mode == self.Mode.OFFICER_OF_THE_DAY

    @property
    def is_exposure(self) -> bool:
        """Time with customers or the frontline, which asks for a reflection afterwards."""
        return self.pillar in (Pillar.DIRECT, Pillar.OBSERVATION)


class CadenceTarget(models.Model):
    """How much of an activity is expected, per executive or for the programme, per period."""

    class Unit(models.TextChoices):
        HOURS = "hours", "hours"
        SESSIONS = "sessions", "sessions"

    class Period(models.TextChoices):
        WEEK = "week", "week"
        MONTH = "month", "month"
        QUARTER = "quarter", "quarter"

    class AppliesTo(models.TextChoices):
        EACH_EXECUTIVE = "each_executive", "each executive"
        LEADERSHIP_TEAM = "leadership_team", "the leadership team (together)"

    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.CASCADE, related_name="targets"
    )
    amount = models.DecimalField(max_digits=6, decimal_places=2)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    period = models.CharField(max_length=10, choices=Period.choices)
    applies_to = models.CharField(
        max_length=20, choices=AppliesTo.choices, default=AppliesTo.EACH_EXECUTIVE
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text="Only executives in this department; empty for everyone.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["activity_type__name", "period"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="immersion_cadencetarget_amount_positive",
                violation_error_message="A target must be more than zero.",
            ),
            # Two partial constraints rather than NULLS NOT DISTINCT, which SQLite lacks.
            models.UniqueConstraint(
                fields=["activity_type", "period", "applies_to", "department"],
                condition=Q(department__isnull=False),
                name="immersion_cadencetarget_one_per_department",
                violation_error_message=DUPLICATE_TARGET_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["activity_type", "period", "applies_to"],
                condition=Q(department__isnull=True),
                name="immersion_cadencetarget_one_for_everyone",
                violation_error_message=DUPLICATE_TARGET_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        who = self.get_applies_to_display()
        if self.department_id:
            who = f"{who} in {self.department}"
        return f"{self.amount_label} of {self.activity_type} a {self.period}, {who}"

    @property
    def amount_label(self) -> str:
        return self.quantity(self.amount)

    def quantity(self, amount) -> str:
        """An amount in this target's unit, as people say it: "1 session", "1.5 hours"."""
        number = f"{Decimal(amount).normalize():f}"
        unit = self.get_unit_display()
        return f"{number} {unit.rstrip('s') if amount == 1 else unit}"


class TimeOff(models.Model):
    """Days a person cannot be scheduled. The reason is private to them and the CX lead."""

    person = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="time_off")
    start_date = models.DateField()
    end_date = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_date"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="immersion_timeoff_ends_after_start",
                violation_error_message="Time off cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.start_date} – {self.end_date}"


class Rotation(models.Model):
    """A published run of the rotation builder: which sessions it created, moved, cancelled."""

    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT)
    start_date = models.DateField()
    end_date = models.DateField()
    parameters = models.JSONField(default=dict)
    published_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)
    created_count = models.PositiveIntegerField(default=0)
    moved_count = models.PositiveIntegerField(default=0)
    cancelled_count = models.PositiveIntegerField(default=0)
    shortfalls = models.JSONField(default=list)

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.activity_type}, {self.start_date:%d %b} – {self.end_date:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("immersion:rotation_detail", kwargs={"pk": self.pk})


class Session(models.Model):
    """One occurrence of an activity: when, with which team, who takes part."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    host_team = models.ForeignKey(
        FrontlineTeam, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    host_agent = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_sessions",
        help_text="The frontline agent the executive sits with.",
    )
    notes = models.TextField("notes for participants", blank=True)
    rotation = models.ForeignKey(
        Rotation, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    sequence = models.PositiveIntegerField(default=0, help_text="Raised on every change (iCal).")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="immersion_session_ends_after_start",
                violation_error_message="A session must end after it starts.",
            ),
        ]
        permissions = [
            ("manage_programme", "Can run the programme: rotations, targets, reassignments"),
            ("view_programme", "Can see the programme calendar"),
            ("attend_sessions", "Can be scheduled, keep a schedule, swap sessions"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_type} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("immersion:session_detail", kwargs={"pk": self.pk})

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Participant(models.Model):
    """A person in a session, with their attendance.

    The session's times are copied here so that PostgreSQL can refuse, with an exclusion
    constraint, one person in two overlapping sessions (see migration 0002). A participant taken
    off a session (swapped, reassigned, cancelled) stays as a row with is_active off, so calendar
    feeds can tell their calendar the event is cancelled.
    """

    class Attendance(models.TextChoices):
        INVITED = "invited", "Invited"
        ATTENDED = "attended", "Attended"
        MISSED = "missed", "Missed"
        EXCUSED = "excused", "Excused"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="participations")
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.INVITED
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)
    actual_minutes = models.PositiveIntegerField("minutes spent", null=True, blank=True)
    interactions_observed = models.PositiveIntegerField(
        "customer calls or interactions observed", null=True, blank=True
    )
    confirmed_at = models.DateTimeField("attendance confirmed at", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["session__starts_at"]
        indexes = [models.Index(fields=["person", "starts_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="immersion_participant_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.session}"


class SessionChange(models.Model):
    """The history shown on a session: who changed what, when, from what to what."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        MOVED = "moved", "Moved"
        SWAPPED = "swapped", "Swapped"
        REASSIGNED = "reassigned", "Reassigned"
        CANCELLED = "cancelled", "Cancelled"
        CONFIRMED = "confirmed", "Confirmed"
        EDITED = "edited", "Edited"
        ATTENDANCE = "attendance", "Attendance recorded"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    changed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.changed_by}"


class SwapRequest(models.Model):
    """An executive asks a named colleague, or anyone, to take their place in a session."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="swap_requests")
    requested_by = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="swaps_asked")
    offered_to = models.ForeignKey(
        USER,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="swaps_offered",
        help_text="Empty means anyone may take it.",
    )
    message = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    answered_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "requested_by"],
                condition=Q(status="pending"),
                name="immersion_swaprequest_one_pending",
                violation_error_message="You already asked for a swap of this session.",
            ),
        ]

    def __str__(self) -> str:
        return f"Swap of {self.session} asked by {self.requested_by}"


class CalendarFeed(models.Model):
    """A person's secret calendar address. Regenerating it makes the old address a 404."""

    person = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.person}"


class Escalation(models.Model):
    """A customer issue escalated to the Officer of the Day (or the CX lead when nobody is on)."""

    class Urgency(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    Channel = FrontlineTeam.Channel  # the channels frontline teams work in

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    customer_reference = models.CharField(
        max_length=120, help_text="Account or case number; no card numbers or passwords."
    )
    what_happened = models.TextField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    logged_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="escalations_logged")
    logged_at = models.DateTimeField(auto_now_add=True)
    routed_to = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="escalations_routed")
    shift = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalations",
        help_text="The Officer of the Day shift it arrived in; empty when nobody was on shift.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-logged_at"]
        permissions = [
            ("log_escalation", "Can escalate a customer issue to the Officer of the Day"),
            ("work_escalations", "Can work escalations routed to them"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | Q(status="resolved", resolved_at__isnull=False),
                name="immersion_escalation_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_reference}: {self.what_happened[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("immersion:escalation_detail", kwargs={"pk": self.pk})

    @property
    def time_to_resolve(self):
        return self.resolved_at - self.logged_at if self.resolved_at else None
