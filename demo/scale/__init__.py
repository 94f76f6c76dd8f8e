"""A realistic volume for benchmarks (issues 13 and 14): an organisation of 1,000 executives and
10,000 frontline agents with five years of the programme behind it, written with bulk inserts
(PostgreSQL's COPY) in minutes.

    DATABASE_URL=postgres://…/scale .venv/bin/python bench/scale/generate.py [--executives 1000]

Here, beside the demo, because it sits above every app (it reads their models and writes their
tables) and nothing imports it; `bench/scale/generate.py` is the command. The story follows
the demo's (demo/history/): participation rises, reports are answered faster, decisions rest
on exposure more often. Deterministic: the same volume and seed give the same rows (but for
the dates, which follow today). What each step writes: people.py (the organisation and the
programme's settings), sessions.py (sessions, attendance, follow-through, escalations),
frictions.py (the decision log, reports with supports and timelines, reviews).
"""

import random
import time

from frictions.services.supports import (
    friction_changed_at_deferred,
    friction_support_counts_refresh,
)

from .base import Volume, Written
from .frictions import Frictions
from .people import People
from .sessions import Sessions
from .tables import Tables

__all__ = ["Volume", "generate"]


def generate(*, volume: Volume, log=print) -> dict[str, tuple[int, float]]:
    """Write `volume` into the database, which must hold no generated data yet (migrated, with
    the catalogue its migrations fill); returns {table: (rows, seconds)}."""
    tables = Tables(log=log)
    written = Written()
    rng = random.Random(volume.seed)  # noqa: S311 - bench data, not a secret
    with friction_changed_at_deferred():
        for step in (People, Sessions, Frictions):
            started = time.perf_counter()
            log(f"{step.__name__}:")
            step(volume=volume, tables=tables, written=written, rng=rng).run()
            log(f"{step.__name__}: {time.perf_counter() - started:.1f} s")
    tables.finish()
    # COPY sends no signals: the support counts the board sorts by, counted once at the end.
    started = time.perf_counter()
    friction_support_counts_refresh()
    log(f"support counts: {time.perf_counter() - started:.1f} s")
    return tables.written
