"""Journey exercises: the executive is the customer (seeds 000, 003) or mystery-shops our own
channels (seed 002), step by step, scoring how hard each step was."""

from django.db import models
from django.db.models import Q

from core.addresses import reverse_pk

from .sessions import Participant

# Customer-effort score: 1 very easy … 7 very hard. From here up a step is a friction.
HARD_EFFORT = 5


class JourneyTemplate(models.Model):
    """A journey the CX lead wants executives to walk, as a list of steps."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", "Purchase"
        ONBOARDING = "onboarding", "Onboarding"
        SUPPORT = "support", "Get support"
        RENEWAL = "renewal", "Renewal"
        SELF_SERVICE = "self_service", "Self-service"
        OUT_OF_BOX = "out_of_box", "Out-of-box"
        PHONE_MENU = "phone_menu", "Phone menu (mystery shop)"
        CHATBOT = "chatbot", "Chatbot (mystery shop)"
        WEB_PORTAL = "web_portal", "Web portal (mystery shop)"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_pk("immersion:journey_compare", self.pk)


class JourneyStep(models.Model):
    """One step of a journey. A step taken out of a template that has results is kept, inactive,
    so past exercises still read whole."""

    template = models.ForeignKey(JourneyTemplate, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class JourneyExercise(models.Model):
    """One executive walking one journey template, in one of their sessions."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="journeys")
    template = models.ForeignKey(
        JourneyTemplate, on_delete=models.PROTECT, related_name="exercises"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "template"],
                name="immersion_journeyexercise_once_per_session",
                violation_error_message="You are already walking this journey in this session.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} walked by {self.participant.person}"

    def get_absolute_url(self) -> str:
        return reverse_pk("immersion:journey_exercise", self.pk)


class JourneyStepResult(models.Model):
    """How one step went: the customer-effort score, whether it worked, a note."""

    exercise = models.ForeignKey(JourneyExercise, on_delete=models.CASCADE, related_name="results")
    step = models.ForeignKey(JourneyStep, on_delete=models.PROTECT, related_name="results")
    effort = models.PositiveSmallIntegerField(
        "customer effort", help_text="1 very easy … 7 very hard."
    )
    worked = models.BooleanField("it worked")
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["step__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "step"], name="immersion_journeystepresult_once_per_step"
            ),
            models.CheckConstraint(
                condition=Q(effort__gte=1, effort__lte=7),
                name="immersion_journeystepresult_effort_1_to_7",
                violation_error_message="The effort score runs from 1 (very easy) to 7 (hard).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step}: {self.effort}"

    @property
    def is_friction(self) -> bool:
        """A step that failed or was hard is a friction worth reporting."""
        return not self.worked or self.effort >= HARD_EFFORT
