"""The programme's rhythm: what executives do (activity types) and how often (cadence targets)."""

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

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
