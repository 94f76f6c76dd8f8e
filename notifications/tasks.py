"""The worker's side of the outbox (services.py); beat runs the relay and the scans."""

import time

from celery import shared_task
from django.core.cache import caches
from django.utils import timezone

from .scans import scans_run
from .services import notification_send, notifications_relay

# When beat last made the relay run, for /healthz/ (the shared cache: the web processes see it).
BEAT_LAST_RUN_KEY = "notifications:relay:last-run"


@shared_task(
    name="notifications.tasks.send_notification",
    # Safe to run twice (the row is locked and its status checked), so the message is only
    # acknowledged once the work is done: a worker killed halfway loses nothing.
    acks_late=True,
    reject_on_worker_lost=True,
)
def send_notification(pk: int) -> str:
    return notification_send(pk=pk)


@shared_task(name="notifications.tasks.relay_notifications")
def relay_notifications() -> int:
    """Beat, every minute: what is due and not yet with the worker goes to it."""
    caches["shared"].set(BEAT_LAST_RUN_KEY, time.time(), timeout=None)
    return notifications_relay()


@shared_task(name="notifications.tasks.scan_due")
def scan_due() -> dict[str, int]:
    """Beat, every SCAN_EVERY: write what has come due (scans/), then hand what is due now."""
    done = scans_run(now=timezone.now())
    notifications_relay()
    return done
