"""E-mail really leaves through the broker, a worker and an SMTP server."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from celery import Celery
from django.conf import settings as django_settings
from django.urls import reverse

from accounts.tests.factories import UserFactory

LINK = re.compile(r"https?://\S+/accounts/password/reset/\S+/\S+/")


def test_password_reset_mail_goes_through_the_worker_to_smtp(client, celery_worker, smtp_server):
    person = UserFactory(email="reset.me@example.com", display_name="Reset Me")
    # An unknown address gets the same page and no e-mail.
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    known = client.post(reverse("accounts:password_reset"), {"email": "Reset.Me@Example.com"})
    assert unknown.status_code == known.status_code == 302
    assert unknown.url == known.url == reverse("accounts:password_reset_done")

    messages = smtp_server.wait_for(1)
    time.sleep(0.5)  # give a wrongly sent second message the chance to arrive
    assert [m["to"] for m in smtp_server.messages] == [["reset.me@example.com"]]
    mail = messages[0]["message"]
    assert mail["Subject"] == "Choose your Proximity password"
    text = next(part for part in mail.walk() if part.get_content_type() == "text/plain")
    link = LINK.search(text.get_payload(decode=True).decode()).group(0)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new_password = "a long and new passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.url == reverse("accounts:password_reset_complete")
    person.refresh_from_db()
    assert person.check_password(new_password)
    assert client.get(link, follow=True).context["validlink"] is False, "links work once"


def test_invitation_reaches_a_person_with_no_password_yet(client, celery_worker, smtp_server):
    person = UserFactory(email="invited@example.com")
    person.set_unusable_password()
    person.save()
    client.post(reverse("accounts:password_reset"), {"email": "invited@example.com"})
    (message,) = smtp_server.wait_for(1)
    assert message["to"] == ["invited@example.com"]


def test_demo_worker_process_delivers_over_the_filesystem_broker(tmp_path, smtp_server):
    """What `make demo` runs: a separate `celery worker` process, no broker server at all."""
    broker_dir = tmp_path / "celery"
    options = {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "control_folder": str(broker_dir / "control"),
    }
    for folder in options.values():
        Path(folder).mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_RESULT_BACKEND": f"file://{broker_dir / 'results'}",
        "CELERY_FILESYSTEM_DIR": str(broker_dir),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "EMAIL_URL": f"smtp://127.0.0.1:{django_settings.EMAIL_PORT}",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "INFO"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        producer = Celery("producer", broker="filesystem://")
        producer.conf.broker_transport_options = options
        producer.send_task(
            "accounts.tasks.send_email",
            kwargs={"subject": "Hello from the demo", "body": "It works.", "to": ["a@example.com"]},
        )
        messages = smtp_server.wait_for(1, timeout=60)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode()
    assert messages, f"worker delivered nothing; its output:\n{output}"
    assert messages[0]["message"]["Subject"] == "Hello from the demo"
