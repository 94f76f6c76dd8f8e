"""Beat's short scans for what is due (DESIGN.md: never long countdown tasks on the broker).

Each scan finds, with a fixed number of queries however many there are, the messages that are
due or will be due before the next scan, and writes them with services.notify_many (the unique
key makes a second scan of the same moment write nothing). The relay then hands them to the
worker once each row's `send_after` has come. A scan is registered with @scan; the task
`scan_due` (every SCAN_EVERY) runs them all.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

logger = logging.getLogger(__name__)

SCAN_EVERY = timedelta(minutes=5)
SCANS: list[Callable[..., int]] = []


def scan(function: Callable[..., int]) -> Callable[..., int]:
    """Register a scan: `function(*, now) -> rows offered`."""
    SCANS.append(function)
    return function


def scans_run(*, now: datetime) -> dict[str, int]:
    """Every scan once; one that fails is logged and does not stop the others."""
    done = {}
    for function in SCANS:
        try:
            done[function.__name__] = function(now=now)
        except Exception:
            logger.exception("Notification scan %s failed", function.__name__)
    return done


from . import followthrough, frictions, sessions  # noqa: E402, F401 - they register
