"""/healthz/ tells the truth: database, broker, static files and beat, each named."""

import socket
import time

import pytest
from django.core.cache import caches
from django.db import OperationalError, connection

from config.views import BROKER_TIMEOUT_SECONDS
from notifications.tasks import BEAT_LAST_RUN_KEY, relay_notifications

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_beat_record():
    caches["shared"].delete(BEAT_LAST_RUN_KEY)
    yield
    caches["shared"].delete(BEAT_LAST_RUN_KEY)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends


def test_healthz_answers_200_with_each_check_when_all_hold(client):
    relay_notifications()
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failed": [],
        "checks": {"database": "ok", "broker": "ok", "static": "ok", "beat": "ok"},
    }


def test_healthz_is_503_naming_the_broker_when_it_is_unreachable_and_answers_quickly(
    client, settings
):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    started = time.monotonic()
    response = client.get("/healthz/")
    assert time.monotonic() - started < 2 * BROKER_TIMEOUT_SECONDS
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"].startswith("failed")
    assert "127.0.0.1" not in response.content.decode()


def test_healthz_is_503_naming_the_database_when_it_cannot_be_reached(client, monkeypatch):
    """Every query fails, as when PostgreSQL is down: the page still answers, and says which."""

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 10.0.0.5 failed: Connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == "failed (OperationalError)"
    assert "10.0.0.5" not in response.content.decode()


def test_healthz_is_503_naming_static_files_when_the_manifest_is_missing(
    client, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path  # collectstatic never ran here: no manifest
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["failed"] == ["static"]


def test_healthz_is_503_naming_beat_when_the_relay_has_not_run_for_five_periods(client, settings):
    period = settings.CELERY_BEAT_SCHEDULE["relay-notifications"]["schedule"]
    caches["shared"].set(BEAT_LAST_RUN_KEY, time.time() - 5 * period - 60, timeout=None)
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["failed"] == ["beat"]
    assert response.json()["checks"]["beat"] == "stale"
    caches["shared"].set(BEAT_LAST_RUN_KEY, time.time() - period, timeout=None)
    assert client.get("/healthz/").status_code == 200


def test_healthz_does_not_fail_before_beat_first_runs(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json()["checks"]["beat"] == "not yet run"


def test_beat_is_alive_as_soon_as_it_sends_the_relay_even_if_no_worker_has_run_it(client):
    """Behind a backlog of mail the relay waits in the queue; beat itself is not stale."""
    relay_notifications.apply_async()  # what beat does every minute; nobody runs it here
    assert client.get("/healthz/").json()["checks"]["beat"] == "ok"
