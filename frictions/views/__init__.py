"""The frictions pages, one module per area; urls.py names them all."""

import time
from functools import wraps

from django.conf import settings

FILE = "frictions.file_friction"
VIEW = "frictions.view_frictions"
TRIAGE = "frictions.triage_frictions"
VIEW_DECISIONS = "frictions.view_decisions"
LOG_DECISIONS = "frictions.log_decisions"


def no_sooner_than(setting: str):
    """Answer a POST no sooner than settings.<setting> seconds after it arrived, so answers
    that do different work (a named filing and an anonymous one; a real receipt code and a
    made-up one) cannot be told apart by how long they take."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            started = time.monotonic()
            response = view(request, *args, **kwargs)
            if request.method == "POST":
                floor = getattr(settings, setting)
                time.sleep(max(0.0, floor - (time.monotonic() - started)))
            return response

        return wrapper

    return decorator
