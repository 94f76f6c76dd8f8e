"""Fixtures all tests share: people in each role, a real Celery worker, a real SMTP server."""

import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings

from accounts.roles import Role
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

ROLE_NAMES = ["anonymous", "frontline", "executive", "cx_lead", "leadership", "superuser"]
TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "celery_worker",
    "celery_worker_process",
}
# Rows that data migrations install; transactional tests empty the database when they end.
MIGRATED_DEFAULTS = [
    ("accounts.migrations.0002_default_departments", "add_departments"),
    ("immersion.migrations.0003_activity_catalogue", "add_catalogue"),
    ("immersion.migrations.0005_journey_catalogue", "add_journeys"),
    ("immersion.migrations.0010_officer_desks", "default_desk"),
]


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return (marker is not None and bool(marker.kwargs.get("transaction"))) or bool(
        TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


@pytest.fixture(autouse=True)
def _caches_start_empty():
    """Every test starts with empty caches: the shared one is files that outlive a test, and
    what it remembers (a "me too", a rate count, import progress) is keyed by ids a later test
    may be given again."""
    from django.core.cache import caches

    for alias in ("default", "shared"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _migrated_defaults(request):
    """Transactional tests (live server, real worker) flush the database when they end, rows
    from data migrations included. Put those back before each one, with the migrations' own
    functions. (Serialized rollback would do it, but not inside Playwright's event loop, where
    Django hands out a fresh connection wrapper without the snapshot.) Groups and permissions
    come back by themselves: a flush re-emits post_migrate."""
    if not _is_transactional(request.node):
        return
    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for module, function in MIGRATED_DEFAULTS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def make_user(db):
    """make_user(roles=[Role.EXECUTIVE], **fields) -> a saved person with that password."""

    def make(*, roles=(), **fields):
        return UserFactory(roles=[Role(r).value for r in roles], **fields)

    return make


@pytest.fixture
def cx_lead(make_user):
    return make_user(roles=[Role.CX_LEAD], display_name="Casey Lead")


@pytest.fixture
def executive(make_user):
    return make_user(roles=[Role.EXECUTIVE], display_name="Evelyn Exec")


@pytest.fixture
def frontline(make_user):
    return make_user(roles=[Role.FRONTLINE], display_name="Frankie Agent")


@pytest.fixture
def leadership(make_user):
    return make_user(roles=[Role.LEADERSHIP], display_name="Lee Board")


@pytest.fixture
def superuser(make_user):
    return make_user(is_superuser=True, is_staff=True, display_name="Sam Admin")


@pytest.fixture
def user_for_role(request, db):
    """Fixture factory: user_for_role("executive") -> that role's person, None for anonymous."""

    def get(role: str):
        return None if role == "anonymous" else request.getfixturevalue(role)

    return get


@pytest.fixture
def queries_at_two_sizes(client, django_assert_max_num_queries):
    """queries_at_two_sizes(build, shown, ceiling=N, sizes=(small, large)) -> the two counts.

    For each size, build(size) makes that much data and returns the address of the page to
    measure; the page is fetched (in at most `ceiling` queries) and shown(response) counts what
    the data put on it. A page that looked the same at both sizes would prove nothing, so the
    large size must show more before the query counts are compared. warm_up=True fetches the
    page once first, for pages whose first visit creates something (a calendar address).
    Each size is fetched with empty caches: a page's worst case, and nothing the smaller size
    left remembered (at-risk rows, the dashboard's fragments) makes the larger look cheaper."""
    from django.core.cache import caches

    def measure(build, shown, *, ceiling, sizes=(3, 40), warm_up=False):
        counts, seen = [], []
        for size in sizes:
            url = build(size)
            if warm_up:
                client.get(url)
            for alias in ("default", "shared"):
                caches[alias].clear()
            with django_assert_max_num_queries(ceiling) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            counts.append(len(queries))
            seen.append(shown(response))
        assert seen[0] < seen[1], f"{url} did not grow with its data: showed {seen}"
        assert counts[0] == counts[1], f"{url}: {counts} queries at sizes {sizes}"
        return counts

    return measure


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (in a thread) consuming the configured broker: Redis or filesystem."""
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def _child_database_url() -> str:
    """The test database as a DATABASE_URL for another process: pytest-django renamed it
    (test_<name>) when it made it, so it is read from the live connection's settings."""
    from django.db import connection

    database = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("a worker in another process needs a database server (DATABASE_URL)")
    user = quote(database["USER"] or "", safe="")
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    host = database["HOST"] or "localhost"
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{database['NAME']}"


class WorkerProcess:
    """A `celery worker` started as its own OS process (what production runs), so that a test
    can SIGKILL it. Its output goes to a file, read back when a test fails."""

    def __init__(self, *, env: dict[str, str], queue: str, log_path):
        self.log_path = log_path
        self._log = log_path.open("wb")  # closed by stop() or kill()
        name = f"test-{uuid.uuid4().hex[:8]}@%h"
        self.popen = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "-n",
                name,
                "-l",
                "INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60.0) -> "WorkerProcess":
        deadline = time.monotonic() + timeout
        while " ready." not in self.output():
            if self.popen.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the worker did not start; its output:\n{self.output()}")
            time.sleep(0.1)
        return self

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, no rollback but the database's own."""
        if self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)
        self._log.close()

    def stop(self) -> None:
        """SIGTERM: a warm shutdown that finishes the task in hand."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """start() -> a WorkerProcess: a real `celery worker` in its own OS process, on the test
    database (PostgreSQL; skipped otherwise), this test run's broker and queue, and the SMTP
    server Django is pointed at when it starts (the `smtp_server` fixture, or another).

    The child reads its settings like production (config.settings.local, django-environ): the
    test database's name, the broker and the SMTP port go through its environment. Each worker
    started is stopped (or killed) when the test ends, before the database is emptied."""
    from config.celery_app import app

    started: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": _child_database_url(),
            "CELERY_BROKER_URL": app.conf.broker_url,
            "PROXIMITY_SITE_URL": settings.SITE_URL,
        }
        if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
            env["EMAIL_URL"] = f"smtp://{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        worker = WorkerProcess(
            env=env,
            queue=app.conf.task_default_queue,
            log_path=tmp_path / f"worker-{len(started) + 1}.log",
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


class _Collector:
    """aiosmtpd handler keeping every message the server receives."""

    def __init__(self):
        self.messages = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.arrived:
            self.messages.append(
                {
                    "from": envelope.mail_from,
                    "to": list(envelope.rcpt_tos),
                    "message": message_from_bytes(envelope.original_content),
                }
            )
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count=1, timeout=20.0):
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.arrived.wait(left)
        return self.messages


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost; Django is pointed at it for the test."""
    from aiosmtpd.controller import Controller

    handler = _Collector()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield handler
    finally:
        controller.stop()


def pytest_report_header(config):
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = "redis" if os.environ.get("REDIS_URL") else "filesystem"
    chromium = shutil.which("chromium") or "not installed"
    return [f"proximity: database={database} celery-broker={broker} chromium={chromium}"]


@pytest.fixture
def notifications_written(db):
    """notifications_written(**filters) -> the outbox rows written, oldest first, as
    (kind, recipient's address, title, url). Read through the app registry, so that the tests
    of apps below notifications (accounts, immersion) need not import it."""
    notification = apps.get_model("notifications", "Notification")

    def rows(**filters):
        return list(
            notification.objects.filter(**filters)
            .order_by("pk")
            .values_list("kind", "recipient__email", "title", "url")
        )

    return rows


BROWSER_TESTS = Path(__file__).parent / "tests" / "browser"


def pytest_collection_modifyitems(config, items):
    """Refuse a test outside tests/browser that takes pytest-playwright's fixtures (a parameter
    named `page`, say): pytest groups it with the browser tests, and moves them all (they flush
    the database) in among the database tests, whose catalogue they empty."""
    tied = [
        item.nodeid
        for item in items
        if "browser_name" in getattr(item, "fixturenames", ())
        and BROWSER_TESTS not in Path(str(item.fspath)).parents
    ]
    if tied:
        raise pytest.UsageError(
            "These tests take pytest-playwright's browser (rename a parameter called `page`, "
            "`browser` or `context`): " + ", ".join(tied[:5])
        )
