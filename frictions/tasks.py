from celery import shared_task

from .services import anonymous_writes_release, frictions_escalate_overdue


@shared_task
def escalate_overdue_frictions() -> int:
    """Beat, hourly: overdue reports go up their owner's reporting chain, a week a level; the
    messages go through the notifications outbox."""
    return frictions_escalate_overdue()


@shared_task
def release_anonymous_writes() -> int:
    """Beat, every few minutes: anonymous reports, support and information of an hour that has
    ended go from the holding table to the real tables, in random order."""
    return anonymous_writes_release()
