"""The people import's job, run by the Celery worker (core/jobs.py)."""

from celery import shared_task

from core.jobs import job_run

from .models import PeopleImport
from .services import people_import_run


@shared_task(acks_late=True)
def people_import_apply(people_import_id: int) -> str | None:
    """Apply a queued people import, with what its confirmation form said."""
    return job_run(
        model=PeopleImport,
        pk=people_import_id,
        apply=lambda people_import, on_row: people_import_run(
            people_import=people_import,
            send_invitations=bool(people_import.options.get("send_invitations")),
            on_row=on_row,
        ),
    )
