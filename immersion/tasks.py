"""The call list import's job, run by the Celery worker (core/jobs.py)."""

from celery import shared_task

from core.jobs import job_run

from .models import CallListImport
from .services.calls import call_list_run


@shared_task(acks_late=True)
def call_list_apply(call_list_import_id: int) -> str | None:
    """Apply a queued call list upload."""
    return job_run(
        model=CallListImport,
        pk=call_list_import_id,
        apply=lambda call_list_import, on_row: call_list_run(
            call_list_import=call_list_import, on_row=on_row
        ),
    )
