"""The programme's rhythm: what executives do (activity types) and how often (cadence targets)."""

from datetime import date, time
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.calendar import org_today

USER = settings.AUTH_USER_MODEL
DUPLICATE_TARGET_MESSAGE = "There is already a target for this activity, period and audience."
# Targets that existed before their history was kept judge every quarter back to this day.
TARGETS_HISTORY_BEGINS = date(2000, 1, 1)


class Pillar(models.TextChoices):
    DIRECT = "direct", "Direct customer interaction"
    OBSERVATION = "observation", "Frontline observation"
    ACCOUNTABILITY = "accountability", "Reverse accountability"


class ActivityType(models.Model):
    """Something an executive does to stay close to customers: listen to calls, be a customer…"""

    class Mode(models.TextChoices):
        INDIVIDUAL = "individual", "One executive per session"
        GROUP = "group", "A group meeting (all selected executives)"
        OFFICER_OF_THE_DAY = "officer_of_the_day", "Officer of the Day shift (one a day per desk)"

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


class CadenceTerms(models.Model):
    """What a cadence target asks, shared by the target as it stands (CadenceTarget) and its
    earlier versions (CadenceTargetVersion), so that both read and print the same way."""

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

    amount = models.DecimalField(max_digits=6, decimal_places=2)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    period = models.CharField(max_length=10, choices=Period.choices)
    applies_to = models.CharField(
        max_length=20, choices=AppliesTo.choices, default=AppliesTo.EACH_EXECUTIVE
    )
    is_active = models.BooleanField(default=True)

    # What a change of the target is a change of (a new version); valid_from is not a term.
    TERMS = (
        "activity_type_id",
        "amount",
        "unit",
        "period",
        "applies_to",
        "department_id",
        "is_active",
    )

    class Meta:
        abstract = True

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


class CadenceTarget(CadenceTerms):
    """How much of an activity is expected, per executive or for the programme, per period: the
    target as it stands now, in force since `valid_from`.

    Targets change, and a quarter is judged by the targets in force then (last year by last
    year's). The history is kept in a second table, CadenceTargetVersion, rather than as
    dated rows of this one, because everything that plans or shows progress (the rotation
    builder, the schedule, at-risk, the setup page) wants the target as it is now: with the old
    versions elsewhere, those reads need no date filter, and a target keeps its id, its edit
    address and its place in links across every change. The id is what identifies a target
    across its versions (the metrics' `compliance:<id>`). A change is made by
    services.targets.cadence_target_save, which copies the terms it replaces into a version
    ending the day the change takes effect. There is no deleting a target: a target is ended by
    making it not in force, which is a change like any other; a target with history is
    protected from deletion (a cascade would erase the history with it).
    """

    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.CASCADE, related_name="targets"
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text="Only executives in this department; empty for everyone.",
    )
    valid_from = models.DateField(
        default=org_today,
        help_text="Since when it asks what it asks now (earlier: its versions).",
    )

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

    @property
    def target_key(self) -> int:
        """What identifies the target across its versions."""
        return self.pk


class CadenceTargetVersion(CadenceTerms):
    """A target as it was before a change: what it asked from `valid_from` until the day
    before `valid_until`, the day the next version took effect. Written only by
    services.targets.cadence_target_save; the versions of a target and the target itself
    (from its own valid_from) follow each other without gap or overlap. Nothing here cascades:
    history is not erased by deleting what it refers to."""

    target = models.ForeignKey(CadenceTarget, on_delete=models.PROTECT, related_name="versions")
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateField()
    valid_until = models.DateField(help_text="The first day it no longer applied.")

    class Meta:
        ordering = ["target", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="immersion_cadencetargetversion_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")),
                name="immersion_cadencetargetversion_at_least_a_day",
            ),
            models.UniqueConstraint(
                fields=["target", "valid_from"], name="immersion_cadencetargetversion_one_a_day"
            ),
        ]

    @property
    def target_key(self) -> int:
        return self.target_id
