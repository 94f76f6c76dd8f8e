"""What is sent to whom, and when: an outbox row per message, and what people want by e-mail.

A `Notification` is written in the same transaction as the change that causes it, with a key
(kind, subject, recipient, occasion) the database keeps unique: the same occasion never makes a
second message. The row is the in-app item too; its e-mail goes out from the worker
(services.notification_send), which marks it sent, skipped (with the reason) or failed.
"""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.addresses import reverse_pk

# Reminder lead times are hours before the start; a week at most, like any other range here.
LEAD_HOURS_MAX = 7 * 24


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not e-mailed"
        FAILED = "failed", "Failed"

    # One of notifications.kinds.KINDS; not choices, so a new kind needs no migration.
    kind = models.CharField(max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # What it is about, as "app_label.model" and a primary key: any model, without a join.
    subject_type = models.CharField(max_length=60)
    subject_id = models.PositiveBigIntegerField()
    # Which time this subject is announced to this person: "24h", "due-2026-11-27", "seq-4"...
    occasion = models.CharField(max_length=80)
    # Shown in the in-app list and the e-mail; never a secret (a reset link is made at send time).
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500, help_text="The page to act on, from the site's root.")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Not before: quiet hours move this on, a failed attempt moves it back by the back-off.
    send_after = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    # When it was last handed to the broker; the relay hands again what waited too long.
    handed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True, help_text="Why it was not sent.")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "recipient", "occasion"],
                name="notification_once_per_occasion",
            ),
        ]
        indexes = [
            # The relay's scan: only what still waits, oldest first.
            models.Index(
                fields=["send_after"],
                condition=Q(status="pending"),
                name="notification_pending",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]
        permissions = [
            ("manage_notifications", "Set notification defaults and see failed messages"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.recipient}"

    def get_absolute_url(self) -> str:
        return reverse_pk("notifications:open", self.pk)


class Preference(models.Model):
    """Whether a kind of message is e-mailed: a person's own choice, or (person empty) the
    organisation's default set by the CX lead. The in-app list always has everything."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_preferences",
    )
    kind = models.CharField(max_length=40)
    email = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(person__isnull=False),
                name="preference_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(person__isnull=True), name="preference_one_default"
            ),
        ]

    def __str__(self) -> str:
        whose = self.person or "everyone"
        return f"{self.kind} for {whose}: {'e-mail' if self.email else 'in-app only'}"


def validate_lead_hours(value) -> None:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(h, int) and 1 <= h <= LEAD_HOURS_MAX for h in value)
    ):
        raise ValidationError(f"Give one to five whole hours, each from 1 to {LEAD_HOURS_MAX}.")
    if len(value) > 5:
        raise ValidationError("Give at most five lead times.")


class NotificationSettings(models.Model):
    """The CX lead's settings for everyone: reminder lead times and quiet hours (one row)."""

    lead_hours = models.JSONField(
        default=list,
        validators=[validate_lead_hours],
        help_text="Hours before a session or shift that its reminders go out, largest first.",
    )
    quiet_from = models.TimeField(default=time(20, 0))
    quiet_until = models.TimeField(default=time(8, 0))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "notification settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="notification_settings_single_row"),
        ]

    def __str__(self) -> str:
        return "Notification settings"

    @classmethod
    def current(cls) -> "NotificationSettings":
        found = cls.objects.filter(pk=1).first()
        return found or cls(pk=1, lead_hours=list(DEFAULT_LEAD_HOURS))


DEFAULT_LEAD_HOURS = (24, 1)
