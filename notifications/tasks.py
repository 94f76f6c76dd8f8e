"""The worker's side of the outbox (services.py); beat runs the relay and the scans."""

import logging
import time

from celery import shared_task
from celery.signals import before_task_publish
from django.core.cache import caches
from django.utils import timezone

from .scans import scans_run
from .services import notification_send, notifications_relay

logger = logging.getLogger(__name__)

# When beat last sent the relay, for /healthz/ (the shared cache: the web processes see it).
BEAT_LAST_RUN_KEY = "notifications:relay:last-run"
RELAY_TASK = "notifications.tasks.relay_notifications"


def _beat_alive() -> None:
    try:
        caches["shared"].set(BEAT_LAST_RUN_KEY, time.time(), timeout=None)
    except Exception:  # noqa: BLE001 - a cache that is down must not stop beat or the relay
        logger.warning("Could not record beat's heartbeat in the shared cache.")


@before_task_publish.connect
def _beat_sends_the_relay(sender=None, **kwargs) -> None:
    """Beat's heartbeat is written when beat *sends* the relay (every minute), not only when a
    worker runs it: behind a backlog of mail the relay may wait in the queue for many minutes,
    and /healthz/ would call a live beat stale and have a load balancer pull the site."""
    if sender == RELAY_TASK:
        _beat_alive()


@shared_task(
    name="notifications.tasks.send_notification",
    # Safe to run twice (the row is locked and its status checked), so the message is only
    # acknowledged once the work is done: a worker killed halfway loses nothing.
    acks_late=True,
    reject_on_worker_lost=True,
)
def send_notification(pk: int) -> str:
    return notification_send(pk=pk)


@shared_task(name=RELAY_TASK)
def relay_notifications() -> int:
    """Beat, every minute: what is due and not yet with the worker goes to it."""
    _beat_alive()
    return notifications_relay()


@shared_task(name="notifications.tasks.scan_due")
def scan_due() -> dict[str, int]:
    """Beat, every SCAN_EVERY: write what has come due (scans/), then hand what is due now."""
    done = scans_run(now=timezone.now())
    notifications_relay()
    return done
