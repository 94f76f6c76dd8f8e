"""A web request hands a task over without waiting on a broker that is down."""

import socket
from time import monotonic

import pytest
from celery import Celery
from kombu.exceptions import OperationalError

from core import broker
from core.broker import broker_send


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_broker_send_to_a_redis_that_refuses_raises_at_once_instead_of_reconnecting(monkeypatch):
    """The site's Celery app as REDIS_URL sets it up, Redis on a port nobody listens on: its real
    client and transport, no server needed. Left to itself kombu reconnects for ~6 s and the
    result backend ~19 s; a CSV import or a notification would keep the request that long."""
    down = Celery("proximity", set_as_current=False)
    down.config_from_object("django.conf:settings", namespace="CELERY")
    down.conf.broker_url = down.conf.result_backend = f"redis://127.0.0.1:{_closed_port()}/0"
    monkeypatch.setattr(broker, "current_app", down)
    started = monotonic()
    with pytest.raises(OperationalError):
        broker_send("core.tasks.relay_waiting_jobs", args=[])
    assert monotonic() - started < 1
