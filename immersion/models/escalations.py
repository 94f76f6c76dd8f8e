"""Officer of the Day: the desks officers sit at, and escalations, a customer issue the frontline
hands to whoever is on shift at their desk."""

from django.db import models
from django.db.models import Q

from accounts.models import FrontlineTeam
from core.addresses import reverse_pk

from .programme import USER
from .sessions import Session

DUPLICATE_DESK_MESSAGE = "There is already a desk with this name."


class OfficerDesk(models.Model):
    """Where an Officer of the Day sits: the whole organisation, or one region, contact centre or
    line of business. Each desk has its own officer every working day, so a large organisation
    runs several shifts at once; frontline teams escalate to their desk."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", "Whole organisation"
        REGION = "region", "Region"
        CONTACT_CENTRE = "contact_centre", "Contact centre"
        LINE_OF_BUSINESS = "line_of_business", "Line of business"

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REGION)
    teams = models.ManyToManyField(
        FrontlineTeam,
        through="OfficerDeskTeam",
        blank=True,
        related_name="+",
        help_text="Frontline teams whose escalations come to this desk (a team to one desk).",
    )
    is_active = models.BooleanField(
        default=True, help_text="Rotations plan shifts for desks in use only."
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = "desk"
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="immersion_officerdesk_name_unique",
                violation_error_message=DUPLICATE_DESK_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OfficerDeskTeam(models.Model):
    """A frontline team's desk: its escalations go to that desk's officer (a team has one)."""

    desk = models.ForeignKey(OfficerDesk, on_delete=models.CASCADE, related_name="+")
    team = models.OneToOneField(FrontlineTeam, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.team} → {self.desk}"


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
    desk = models.ForeignKey(
        OfficerDesk,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
        help_text="The desk it was escalated to (the agent's team's, unless they chose one).",
    )
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
        # The escalations page lists the open ones and the last resolved: by status, newest
        # resolved first, without joining every escalation ever before sorting.
        permissions = [
            ("log_escalation", "Can escalate a customer issue to the Officer of the Day"),
            ("work_escalations", "Can work escalations routed to them"),
        ]
        indexes = [
            # The escalations page: the open few, and the last resolved newest first. Without
            # the second, the CX lead's page joined all 2,500 resolved ones to their people
            # before taking 20 (243 ms -> under 1 ms); both stay the size of what they list.
            models.Index(
                fields=["logged_at"], condition=Q(status="open"), name="immersion_escalation_open"
            ),
            models.Index(
                fields=["-resolved_at"],
                condition=Q(status="resolved"),
                name="immersion_escalation_resolved",
            ),
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
        return reverse_pk("immersion:escalation_detail", self.pk)

    @property
    def time_to_resolve(self):
        return self.resolved_at - self.logged_at if self.resolved_at else None
