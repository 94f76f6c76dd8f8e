"""Long work in the Celery worker, not in a web request: applying an uploaded CSV as a job.

A people import of 5,000 rows takes longer than gunicorn's 30-second timeout, so the web request
only queues the job and the page follows it. The job's states, on `core.models.CsvUpload`:

    new ──job_queue──▶ queued ──job_run claims──▶ running ──▶ done
                         ▲                           └──────▶ failed ──job_queue──▶ queued …

- `job_queue` (the request) moves new or failed to queued with a conditional UPDATE, so two
  clicks queue one job, and hands the job to the broker once that commits. A broker that cannot
  be reached is not an error for the request: the job stays queued and `jobs_relay` (Celery beat,
  every minute) sends it again.
- `job_run` (the worker) claims queued → running the same way, so a job sent twice (by the relay
  while the first message still waits behind a long import) runs once; the other copy finds it
  running or done and does nothing. It applies the file in one transaction with the mark done,
  so done means applied and failed means nothing was written.

Progress. The apply is one transaction that locks the upload's row (and on SQLite the whole
database): progress written to that row would show only when the import ends. So the worker
writes it every PROGRESS_EVERY rows to the "shared" cache, which the web processes share with it
(Redis in production; in the demo a file cache beside the filesystem broker), and the row keeps
the final figure.
"""

import csv
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .broker import broker_send
from .models import CsvUpload

logger = logging.getLogger(__name__)

# One cache write per 100 rows: 50 for the largest file, each well under a millisecond on Redis.
PROGRESS_EVERY = 100
# A job still queued after this was not picked up: the broker was down or lost the message.
RESEND_AFTER = timedelta(minutes=1)

JOB_STARTED_MESSAGE = (
    "The import has started. This page shows how far it has got; you may leave it and come back."
)
JOB_WORKER_AWAY_MESSAGE = (
    "The import is queued, but the background worker cannot be reached just now. It will start "
    "by itself when the worker is back; there is nothing more to do."
)
JOB_BUSY_MESSAGE = "This file is already being imported."
JOB_DONE_MESSAGE = "This file was already imported."
JOB_UNEXPECTED_ERROR_MESSAGE = (
    "The import stopped on an unexpected error; nothing was imported. Try again, and tell the "
    "administrator if it happens again."
)
JOB_WORKER_LOST_MESSAGE = (
    "The worker stopped during the import; nothing was imported. Import the file again."
)

Status = CsvUpload.Status


def _progress_key(model, pk: int) -> str:
    return f"job-progress:{model._meta.label_lower}:{pk}"


def _rows_in(text: str) -> int:
    """The rows under the header that are not blank: what the import will go through."""
    try:
        rows = sum(1 for cells in csv.reader(io.StringIO(text)) if any(c.strip() for c in cells))
    except csv.Error:
        return 0
    return max(0, rows - 1)


def job_send(*, model, pk: int) -> bool:
    """Hand the job to the broker, without waiting for it: False when it cannot be reached."""
    try:
        broker_send(model.job_task, args=[pk])
    except Exception:  # noqa: BLE001 - whatever the transport raises, the job waits for the relay
        logger.warning("Could not send %s %s to the broker; the relay will.", model.job_task, pk)
        return False
    return True


def job_queue(*, upload: CsvUpload, options: dict) -> bool | None:
    """Queue an upload's import for the worker, with what its confirmation form said.

    Refuses a file already imported, queued or being imported. Returns True when the broker took
    the job, False when it could not be reached (the job stays queued for the relay), None when
    it goes once the caller's own transaction commits."""
    model = type(upload)
    sent: dict[str, bool] = {}
    with transaction.atomic():
        queued = model.objects.filter(
            pk=upload.pk, status__in=[Status.NEW, Status.FAILED], applied_at__isnull=True
        ).update(
            status=Status.QUEUED,
            options=options,
            queued_at=timezone.now(),
            error="",
            progress_done=0,
            progress_total=0,
            started_at=None,
            finished_at=None,
        )
        if not queued:
            status, applied_at = model.objects.values_list("status", "applied_at").get(pk=upload.pk)
            done = applied_at is not None or status == Status.DONE
            raise ValidationError(JOB_DONE_MESSAGE if done else JOB_BUSY_MESSAGE)
        transaction.on_commit(lambda: sent.update(ok=job_send(model=model, pk=upload.pk)))
    _progress_forget(_progress_key(model, upload.pk))
    return sent.get("ok")


def _progress_forget(key: str) -> None:
    """Progress is a nicety: a shared cache that is down (Redis, with the broker) must not turn
    a job already queued into an error page."""
    try:
        caches["shared"].delete(key)
    except Exception:  # noqa: BLE001 - whatever the cache's client raises
        logger.warning("Could not clear the progress of %s in the shared cache.", key)


class _Progress:
    """Counts the rows the service reports and publishes the count every PROGRESS_EVERY."""

    def __init__(self, key: str, total: int):
        self.key, self.total, self.done = key, total, 0

    def __call__(self, *row) -> None:
        self.done += 1
        if self.done % PROGRESS_EVERY == 0 or self.done == self.total:
            caches["shared"].set(self.key, self.done, timeout=settings.CELERY_TASK_TIME_LIMIT)


def job_run(*, model, pk: int, apply: Callable[[CsvUpload, Callable], object]) -> str | None:
    """Run a queued job in the worker: `apply(upload, on_row)` calls the app's service, which
    calls `on_row` for each row it writes. Returns the state it ended in, or None when the job
    was not queued (already run by another copy of the message).

    The apply and the mark done commit together; a refusal (ValidationError) or any other error
    rolls the apply back and marks the job failed with why."""
    content = model.objects.filter(pk=pk, status=Status.QUEUED).values_list("content", flat=True)
    text = content.first()
    if text is None:
        logger.info("%s %s is not queued; nothing to do.", model._meta.label, pk)
        return None
    total = _rows_in(text)
    claimed = model.objects.filter(pk=pk, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), progress_total=total
    )
    if not claimed:
        return None
    progress = _Progress(_progress_key(model, pk), total)
    try:
        with transaction.atomic():
            apply(model.objects.get(pk=pk), progress)
            model.objects.filter(pk=pk).update(
                status=Status.DONE,
                progress_done=progress.done,
                progress_total=max(total, progress.done),
                finished_at=timezone.now(),
            )
    except ValidationError as exc:
        _fail(model, pk, " ".join(exc.messages))
        return Status.FAILED
    except Exception:
        _fail(model, pk, JOB_UNEXPECTED_ERROR_MESSAGE)
        raise
    finally:
        caches["shared"].delete(progress.key)
    return Status.DONE


def _fail(model, pk: int, error: str) -> None:
    model.objects.filter(pk=pk).update(
        status=Status.FAILED, error=error, progress_done=0, finished_at=timezone.now()
    )


@dataclass
class JobProgress:
    done: int
    total: int
    waited_long: bool


def job_progress(*, upload: CsvUpload) -> JobProgress:
    """How far an upload's job has got: the worker's last published count while it runs."""
    done = upload.progress_done
    if upload.status == Status.RUNNING:
        try:
            published = caches["shared"].get(_progress_key(type(upload), upload.pk))
        except Exception:  # noqa: BLE001 - the cache is down: the row's own figure will do
            published = None
        done = max(done, published or 0)
    waited_long = (
        upload.status == Status.QUEUED
        and upload.queued_at is not None
        and timezone.now() - upload.queued_at > RESEND_AFTER
    )
    return JobProgress(
        done=min(done, upload.progress_total), total=upload.progress_total, waited_long=waited_long
    )


def jobs_relay() -> int:
    """Send again every job queued more than RESEND_AFTER ago, and mark failed every job running
    longer than the task's hard time limit (its worker was killed, and its transaction with it).
    Returns how many jobs were sent again."""
    now = timezone.now()
    lost_after = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    sent = 0
    for model in apps.get_models():
        if not (issubclass(model, CsvUpload) and model.job_task):
            continue
        model.objects.filter(status=Status.RUNNING, started_at__lt=now - lost_after).update(
            status=Status.FAILED, error=JOB_WORKER_LOST_MESSAGE, finished_at=now
        )
        waiting = model.objects.filter(status=Status.QUEUED, queued_at__lt=now - RESEND_AFTER)
        for pk in waiting.values_list("pk", flat=True):
            sent += job_send(model=model, pk=pk)
    return sent
