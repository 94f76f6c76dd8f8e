"""What tests of several apps need to prove a rule under real concurrency (used by tests only)."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections


def skip_unless_postgresql() -> None:
    """Concurrent writers need PostgreSQL: SQLite serialises them by design."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises them by design")


def race(action: Callable[[Any], Any], arguments: list[Any]) -> list[Any]:
    """Call `action(argument)` for each argument, each in its own thread, all released at
    once; what each returned, or the message of the ValidationError it was refused with."""
    barrier = threading.Barrier(len(arguments))
    outcomes: list[Any] = []

    def attempt(argument):
        try:
            barrier.wait()
            outcomes.append(action(argument))
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(one,)) for one in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
