"""The weekly friction review and its agenda."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.addresses import reverse_pk

from .reports import FrictionReport

USER = settings.AUTH_USER_MODEL


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
        return reverse_pk("frictions:review", self.pk)


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
