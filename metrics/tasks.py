"""Beat keeps the quarterly figures fresh: the current quarter nightly, and the quarter just
ended once more, after which it is closed and left alone."""

from celery import shared_task

from .models import QuarterRollup
from .quarters import Quarter
from .services import quarter_close, quarter_rollup_compute


@shared_task(name="metrics.tasks.rollup_current_quarter")
def rollup_current_quarter() -> list[str]:
    """Nightly: close the previous quarter if it is not closed yet (its last days' attendance
    may have been confirmed since) and mail its quarterly pack, then refresh the current one.
    Safe to run twice."""
    done = []
    current = Quarter.current()
    previous = current.previous
    if not QuarterRollup.objects.filter(quarter=str(previous), closed=True).exists():
        quarter_close(quarter=previous)
        done.append(str(previous))
    quarter_rollup_compute(quarter=current)
    done.append(str(current))
    return done
