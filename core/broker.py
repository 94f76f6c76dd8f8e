"""Handing a task to the broker from a web request, without ever waiting on it.

Measured with Redis refusing connections: `send_task(retry=False)` still spent about 6 s
reconnecting (retry=False covers the publish, not reaching the broker), and a task sent by name
had the Redis result backend listen for a result it never stores, reconnecting for about 19 s.
Here the pooled connection is tried once and the result is never asked for: a refusal costs
0.1 s the first time in a process and a millisecond or two after that.
"""

from celery import current_app


def broker_send(name: str, *, args: list) -> None:
    """Publish the task `name` with `args`; raises at once when the broker cannot be reached
    (the caller keeps the work for its relay)."""
    with current_app.connection_or_acquire() as connection:
        connection.ensure_connection(max_retries=0)
    current_app.send_task(name, args=args, retry=False, ignore_result=True)
