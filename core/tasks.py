import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from .jobs import jobs_relay


@shared_task(
    bind=True,
    # The name it had before it moved to core: messages queued (or waiting to retry) across the
    # deploy that moved it still find it.
    name="accounts.tasks.send_email",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=8,
    # Not safe to run twice (nothing records that it was sent), so acknowledged on receipt: a
    # worker killed while sending loses that message rather than sending it twice. Only the
    # outbox's own tasks, which are, acknowledge late.
    acks_late=False,
)
def send_email(
    self, *, subject: str, body: str, to: list[str], html_body: str | None = None
) -> None:
    """Send one rendered message; a mail server that is down is retried with back-off.

    New messages go through the notifications outbox (notifications/services.py), which makes
    the e-mail at send time. This task stays for the messages already rendered and queued (or
    waiting to retry) before that deploy: without it the worker would drop them. It can go once
    no queue holds one (CELERY_TASK_TIME_LIMIT plus the last retry's back-off after the deploy).
    """
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()


@shared_task
def relay_waiting_jobs() -> int:
    """Celery beat, every minute: send again the imports the broker never took (core/jobs.py)."""
    return jobs_relay()
