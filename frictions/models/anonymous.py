"""The holding table of the anonymous channel.

An anonymous report, an anonymous "me too" and what an anonymous reporter adds are not written
to the real tables when they are sent: a row written then would sit, by its id and its place in
the table, next to what the same person wrote just before (a reflection, an escalation). They
wait here, with a random id and the hour only, until a periodic task inserts every write of an
hour that has ended, in random order, and deletes them from here (services.anonymous).
"""

import uuid

from django.db import models

from .reports import FrictionReport, hour_now


class AnonymousWrite(models.Model):
    """One anonymous write waiting for its hour to end: a report, a support or information."""

    class Kind(models.TextChoices):
        REPORT = "report", "Report"
        SUPPORT = "support", "Support"
        INFORMATION = "information", "Information"

    # A random key, not a sequence: the rows waiting cannot be put in the order they came.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Support and information: the (public) report they are about.
    report = models.ForeignKey(
        FrictionReport, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A report: its receipt code's hash, so the reporter can be told it is on its way.
    receipt_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=hour_now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="report", receipt_hash__isnull=False, report__isnull=True)
                | (~models.Q(kind="report") & models.Q(report__isnull=False)),
                name="frictions_anonymous_write_has_its_target",
            ),
        ]

    def __str__(self) -> str:
        return f"Anonymous {self.get_kind_display().lower()} waiting"
