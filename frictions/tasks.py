from celery import shared_task
from django.core.cache import caches
from django.utils import timezone

from .services import anonymous_writes_release, frictions_escalate_overdue

# When beat last had the overdue scan run, for /healthz/ to tell a stopped beat from a quiet one.
OVERDUE_SCAN_LAST_RUN_KEY = "beat:escalate-overdue-frictions:last-run"


@shared_task
def escalate_overdue_frictions() -> int:
    """Beat, hourly: overdue reports go up their owner's reporting chain, a week a level."""
    sent = frictions_escalate_overdue()
    caches["shared"].set(OVERDUE_SCAN_LAST_RUN_KEY, timezone.now().timestamp(), timeout=None)
    return sent


@shared_task
def release_anonymous_writes() -> int:
    """Beat, every few minutes: anonymous reports, support and information of an hour that has
    ended go from the holding table to the real tables, in random order."""
    return anonymous_writes_release()
