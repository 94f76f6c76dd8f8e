from celery import shared_task

from .services import frictions_escalate_overdue


@shared_task
def escalate_overdue_frictions() -> int:
    """Beat, hourly: overdue reports go up their owner's reporting chain, a week a level."""
    return frictions_escalate_overdue()
