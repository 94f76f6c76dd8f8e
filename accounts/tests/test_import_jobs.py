"""A people import runs in the Celery worker as a job (core/jobs.py): its states, its progress,
the page that follows it, and a broker that is down."""

import re
import socket
import sys
import time

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import PeopleImport, User
from accounts.people_import import NOT_VALID_ROWS_MESSAGE
from accounts.services import people_import_run
from accounts.tasks import people_import_apply
from core import broker, jobs
from core.jobs import (
    JOB_BUSY_MESSAGE,
    JOB_DONE_MESSAGE,
    JOB_STARTED_MESSAGE,
    JOB_UNEXPECTED_ERROR_MESSAGE,
    JOB_WORKER_AWAY_MESSAGE,
    JOB_WORKER_LOST_MESSAGE,
    job_progress,
    job_queue,
    job_run,
    jobs_relay,
)

Status = PeopleImport.Status
GOOD = "email,name\nann@example.com,Ann\nbo@example.com,Bo\n"


def people_csv(rows: int) -> str:
    return "email,name,title\n" + "".join(
        f"person{n}@import.example,Person {n},Agent\n" for n in range(rows)
    )


@pytest.fixture
def sent(monkeypatch):
    """What was handed to the broker, instead of reaching one."""
    calls = []
    monkeypatch.setattr(
        broker.current_app, "send_task", lambda name, args, **options: calls.append((name, args))
    )
    return calls


@pytest.fixture
def broker_down(monkeypatch):
    """A broker that refuses the connection; records how it was asked."""
    asked = []

    def refuse(name, **kwargs):
        asked.append(kwargs)
        raise BrokerError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(broker.current_app, "send_task", refuse)
    return asked


@pytest.fixture
def upload(cx_lead):
    return PeopleImport.objects.create(uploaded_by=cx_lead, file_name="p.csv", content=GOOD)


def run(upload):
    return people_import_apply.run(upload.pk)


@pytest.mark.django_db
def test_job_goes_new_queued_running_done_and_is_not_queued_again(
    upload, sent, django_capture_on_commit_callbacks
):
    assert upload.status == Status.NEW
    with django_capture_on_commit_callbacks(execute=True):
        job_queue(upload=upload, options={"send_invitations": False})
    upload.refresh_from_db()
    assert (upload.status, upload.options) == (Status.QUEUED, {"send_invitations": False})
    assert sent == [("accounts.tasks.people_import_apply", [upload.pk])]
    with pytest.raises(ValidationError, match=JOB_BUSY_MESSAGE):
        job_queue(upload=upload, options={})

    assert run(upload) == Status.DONE
    upload.refresh_from_db()
    assert (upload.status, upload.progress_done, upload.progress_total) == (Status.DONE, 2, 2)
    assert None not in (upload.applied_at, upload.started_at, upload.finished_at)
    assert upload.created_count == 2
    assert User.objects.filter(email__in=["ann@example.com", "bo@example.com"]).count() == 2
    with pytest.raises(ValidationError, match=JOB_DONE_MESSAGE):
        job_queue(upload=upload, options={})


@pytest.mark.django_db
def test_a_job_sent_twice_runs_once(upload, sent):
    job_queue(upload=upload, options={})
    assert run(upload) == Status.DONE
    assert run(upload) is None
    assert User.objects.filter(email="ann@example.com").count() == 1


@pytest.mark.django_db
def test_a_refused_file_fails_the_job_writes_nothing_and_may_be_queued_again(cx_lead, sent):
    upload = PeopleImport.objects.create(
        uploaded_by=cx_lead, file_name="p.csv", content="email,name\nnot-an-address,Ann\n"
    )
    job_queue(upload=upload, options={})
    assert run(upload) == Status.FAILED
    upload.refresh_from_db()
    assert (upload.status, upload.error, upload.applied_at) == (
        Status.FAILED,
        NOT_VALID_ROWS_MESSAGE,
        None,
    )
    assert not User.objects.filter(display_name="Ann").exists()
    job_queue(upload=upload, options={})
    upload.refresh_from_db()
    assert (upload.status, upload.error) == (Status.QUEUED, "")


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_rolls_back_and_is_raised(upload, sent):
    job_queue(upload=upload, options={})

    def apply_then_break(people_import, on_row):
        people_import_run(people_import=people_import, send_invitations=False, on_row=on_row)
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        job_run(model=PeopleImport, pk=upload.pk, apply=apply_then_break)
    upload.refresh_from_db()
    assert (upload.status, upload.error, upload.applied_at) == (
        Status.FAILED,
        JOB_UNEXPECTED_ERROR_MESSAGE,
        None,
    )
    assert not User.objects.filter(email="ann@example.com").exists()


@pytest.mark.django_db
def test_progress_is_published_every_hundred_rows_while_the_job_runs(cx_lead, sent):
    upload = PeopleImport.objects.create(
        uploaded_by=cx_lead, file_name="p.csv", content=people_csv(250)
    )
    job_queue(upload=upload, options={})
    seen = []

    def apply(people_import, on_row):
        def on_row_and_look(row):
            on_row(row)
            people_import.refresh_from_db(fields=["status", "progress_done", "progress_total"])
            seen.append(job_progress(upload=people_import).done)

        people_import_run(
            people_import=people_import, send_invitations=False, on_row=on_row_and_look
        )

    job_run(model=PeopleImport, pk=upload.pk, apply=apply)
    assert sorted(set(seen)) == [0, 100, 200, 250]
    upload.refresh_from_db()
    assert (upload.progress_done, upload.progress_total) == (250, 250)


@pytest.mark.django_db
def test_the_relay_resends_jobs_waiting_over_a_minute_and_fails_lost_ones(
    cx_lead, upload, sent, settings
):
    fresh = PeopleImport.objects.create(uploaded_by=cx_lead, file_name="f.csv", content=GOOD)
    lost = PeopleImport.objects.create(uploaded_by=cx_lead, file_name="l.csv", content=GOOD)
    job_queue(upload=upload, options={})
    job_queue(upload=fresh, options={})
    now = jobs.timezone.now()
    PeopleImport.objects.filter(pk=upload.pk).update(queued_at=now - jobs.RESEND_AFTER * 2)
    PeopleImport.objects.filter(pk=lost.pk).update(
        status=Status.RUNNING,
        started_at=now - jobs.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120),
    )

    assert jobs_relay() == 1
    assert sent == [("accounts.tasks.people_import_apply", [upload.pk])]
    lost.refresh_from_db()
    assert (lost.status, lost.error) == (Status.FAILED, JOB_WORKER_LOST_MESSAGE)


# The pages


def post_import(client, upload, **data):
    return client.post(reverse("accounts:people_import_preview", kwargs={"pk": upload.pk}), data)


@pytest.mark.django_db(transaction=True)
def test_import_button_queues_the_job_and_the_page_follows_it(client, cx_lead, upload, sent):
    client.force_login(cx_lead)
    response = post_import(client, upload, send_invitations="on")
    assert response.url == upload.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [JOB_STARTED_MESSAGE]
    assert sent == [("accounts.tasks.people_import_apply", [upload.pk])]
    upload.refresh_from_db()
    assert (upload.status, upload.options) == (Status.QUEUED, {"send_invitations": True})

    page = client.get(upload.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "Waiting for the worker to start the import." in page
    assert "Import 2 rows" not in page


@pytest.mark.django_db(transaction=True)
def test_a_worker_quicker_than_the_redirect_sends_the_page_on_to_the_people(
    client, cx_lead, upload, sent
):
    client.force_login(cx_lead)
    post_import(client, upload)
    run(upload)  # the worker finishes before the browser asks for the page that follows it

    response = client.get(upload.get_absolute_url(), follow=True)
    assert response.redirect_chain == [(reverse("accounts:people"), 302)]
    page = response.content.decode()
    assert "Imported: 2 added, 0 updated, 0 unchanged." in page
    assert JOB_STARTED_MESSAGE not in page  # it has already ended
    # Only the page that started it is sent on; opened again later, the preview stays.
    assert client.get(upload.get_absolute_url()).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_request_answers_and_the_job_waits(
    client, cx_lead, upload, broker_down
):
    client.force_login(cx_lead)
    response = post_import(client, upload)
    # Asked once, no retries, no result to wait for.
    assert broker_down == [{"args": [upload.pk], "retry": False, "ignore_result": True}]
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [JOB_WORKER_AWAY_MESSAGE]
    upload.refresh_from_db()
    assert upload.status == Status.QUEUED


@pytest.mark.django_db
def test_progress_fragment_shows_the_rows_done_in_a_fixed_number_of_queries(
    client, cx_lead, upload, django_assert_num_queries
):
    client.force_login(cx_lead)
    PeopleImport.objects.filter(pk=upload.pk).update(
        status=Status.RUNNING, progress_total=2, progress_done=1
    )
    url = reverse("accounts:people_import_progress", kwargs={"pk": upload.pk})
    # The session, the person, the upload: the same at any size (the person's permissions
    # were read at sign-in and are remembered in the shared cache).
    with django_assert_num_queries(3):
        response = client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert '<progress class="progress-done"' in html
    assert 'value="1" max="2"' in html
    assert "Importing: 1 of 2 rows." in html
    assert "<html" not in html


@pytest.mark.django_db
def test_a_finished_job_sends_the_polling_page_on_with_the_counts(client, cx_lead, upload, sent):
    client.force_login(cx_lead)
    job_queue(upload=upload, options={})
    run(upload)
    url = reverse("accounts:people_import_progress", kwargs={"pk": upload.pk})
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == reverse("accounts:people")
    assert "Imported: 2 added, 0 updated, 0 unchanged." in client.get(
        reverse("accounts:people")
    ).content.decode("utf-8")


def wait_for_the_job(upload, timeout=240.0, *, follow=None) -> str:
    """The job's state once it has ended; `follow()` is called on each look. (SQLite in memory
    refuses a read while the worker's transaction writes; that is a moment to wait, not an
    error.)"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if follow is not None:
                follow()
            status = PeopleImport.objects.values_list("status", flat=True).get(pk=upload.pk)
        except OperationalError:
            status = None
        if status in (Status.DONE, Status.FAILED):
            return status
        time.sleep(0.2)
    raise AssertionError("the job did not end in time")


def test_a_5000_row_import_runs_through_the_worker(client, cx_lead, celery_worker, capsys):
    upload = PeopleImport.objects.create(
        uploaded_by=cx_lead, file_name="big.csv", content=people_csv(5000)
    )
    client.force_login(cx_lead)
    started = time.monotonic()
    response = post_import(client, upload)
    answered = time.monotonic() - started
    assert response.status_code == 302
    # The page's progress bar, polled as htmx does while the worker runs. On PostgreSQL only:
    # SQLite in memory locks the tables the page reads (the signed-in person) until the
    # worker's one transaction ends.
    progress_url = reverse("accounts:people_import_progress", kwargs={"pk": upload.pk})
    polled = connection.vendor == "postgresql"
    shown = []

    def follow():
        fragment = client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
        shown.extend(int(n.replace(",", "")) for n in re.findall(r"Importing: ([\d,]+)", fragment))

    assert wait_for_the_job(upload, follow=follow if polled else None) == Status.DONE
    took = time.monotonic() - started
    if polled:
        assert any(0 < done < 5000 for done in shown), f"the bar never moved: {shown}"
    upload.refresh_from_db()
    assert (upload.progress_done, upload.progress_total, upload.created_count) == (
        5000,
        5000,
        5000,
    )
    assert User.objects.filter(email__endswith="@import.example", title="Agent").count() == 5000
    with capsys.disabled():
        sys.stdout.write(
            f"\n5,000-row people import: request answered in {answered:.2f} s, "
            f"worker done {took:.1f} s after the click"
            + (f"; the page's bar showed {len(set(shown))} counts\n" if polled else "\n")
        )


@pytest.mark.django_db(transaction=True)
def test_with_the_shared_cache_down_too_the_import_is_queued_and_its_page_answers(
    client, cx_lead, upload, sent, settings
):
    """Redis down takes the shared cache with the broker: progress is a nicety, not a 500."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed}/0",
        },
    }
    client.force_login(cx_lead)
    response = post_import(client, upload)
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.status == Status.QUEUED
    PeopleImport.objects.filter(pk=upload.pk).update(status=Status.RUNNING, progress_total=2)
    assert client.get(upload.get_absolute_url()).status_code == 200
