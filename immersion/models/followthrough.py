"""What a session leaves behind: the executive's reflection, the frictions they saw and what
they committed to do."""

from django.conf import settings
from django.db import models

from core.addresses import reverse_pk

from .sessions import Participant

USER = settings.AUTH_USER_MODEL


class Reflection(models.Model):
    """One participant's structured reflection on one session (seed 000: "what surprised you?
    what would you change?"). Private to its author and the CX lead unless shared."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private: only me and the CX lead"
        LEADERSHIP = "leadership", "Shared with leadership"

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="reflection"
    )
    surprised = models.TextField("What surprised you?")
    would_change = models.TextField("What would you change?")
    customer_quote = models.TextField("A customer quote", blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The reflections list, newest written first (selectors.reflections_visible_to).
            models.Index(fields=["created_at", "id"], name="immersion_reflection_newest"),
        ]
        permissions = [
            ("view_shared_reflections", "Can read reflections executives share with leadership"),
        ]

    def __str__(self) -> str:
        return f"Reflection by {self.participant.person} on {self.participant.session}"

    def get_absolute_url(self) -> str:
        session_url = reverse_pk("immersion:session_detail", self.participant.session_id)
        return f"{session_url}#reflection-{self.pk}"


class ReflectionFriction(models.Model):
    """One friction the executive saw, in a line; it can become a friction report."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="frictions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Commitment(models.Model):
    """Something the executive said they would do, by a date; on their home page until done."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="commitments")
    person = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="commitments")
    text = models.CharField(max_length=300)
    due_date = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["person", "done_at", "due_date"])]

    def __str__(self) -> str:
        return f"{self.text} (by {self.due_date:%d %b %Y})"
