"""Records every app shares: the organisation's holidays and the shape of an uploaded CSV."""

from django.conf import settings
from django.db import models


class Holiday(models.Model):
    """A day nobody is scheduled (and no Officer of the Day shift)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d %b %Y})"


class CsvUpload(models.Model):
    """An uploaded CSV file: previewed first, applied once (by the Celery worker, core/jobs.py),
    kept as a record of who did it.

    Its job goes new → queued → running → done, or → failed and may be queued again. The task
    that applies it is named by `job_task` on each concrete model."""

    class Status(models.TextChoices):
        NEW = "new", "Not imported"
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    job_task: str = ""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    content = models.TextField()
    applied_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    # What the confirmation form said (send invitations…), for the task and for a re-send.
    options = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["new", "queued", "running", "done", "failed"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(progress_done__lte=models.F("progress_total")),
                name="%(app_label)s_%(class)s_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"

    @property
    def job_active(self) -> bool:
        """Queued or running: the page follows it rather than offering the import."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
