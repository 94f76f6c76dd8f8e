"""The decision log: upstream decisions, their customer-impact assessment, evidence, history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.addresses import reverse_pk

from .reports import Area, FrictionReport

USER = settings.AUTH_USER_MODEL


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

    class Verdict(models.TextChoices):
        """What the outcome check found of the change the decision made."""

        HELD = "held", "The change held"
        PARTLY = "partly", "It partly held"
        REVERTED = "reverted", "The change was undone: things went back to how they were"

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
    # Empty until the outcome check; a change found undone is a fade the CX lead is shown.
    outcome_verdict = models.CharField(
        "what the check found", max_length=10, choices=Verdict.choices, blank=True
    )
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
        return reverse_pk("frictions:decision", self.pk)

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
