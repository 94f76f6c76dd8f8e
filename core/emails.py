"""Rendering e-mails in the request and handing them to the worker to send."""

from functools import partial

from django.db import transaction
from django.template import loader

from .tasks import send_email as send_email_task


def email_enqueue(*, subject: str, body: str, to: list[str], html_body: str | None = None) -> None:
    """Send a rendered message through the Celery worker once the current transaction commits."""
    transaction.on_commit(
        partial(send_email_task.delay, subject=subject, body=body, to=to, html_body=html_body)
    )


def email_render_and_enqueue(
    *,
    subject_template: str,
    body_template: str,
    context: dict,
    to: list[str],
    html_template: str | None = None,
) -> None:
    """Render subject (one line) and body from templates, then enqueue them."""
    subject = "".join(loader.render_to_string(subject_template, context).splitlines())
    body = loader.render_to_string(body_template, context)
    html_body = loader.render_to_string(html_template, context) if html_template else None
    email_enqueue(subject=subject, body=body, to=to, html_body=html_body)
