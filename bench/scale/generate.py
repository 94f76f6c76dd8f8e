"""Generate the volume issues 13 and 14 benchmark against (demo/scale/ says what it writes).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale .venv/bin/python bench/scale/generate.py \
        [--executives 1000 --agents 10000 --years 5 --reports 500000 --supports 1900000] \
        [--decisions 1500] [--seed 13] [--reset] [--no-themes] [--no-rollups]

Migrates the database first. A database that already holds friction reports is refused unless
--reset, which drops every table (PostgreSQL: the public schema) and migrates again. Ends with
ANALYZE, then learns the friction themes and places every report in one (as the nightly theme
task's first run would, about 2.5 minutes), then computes every quarter's roll-up (as
`manage.py rollup --all` would), so the dashboard has its eight quarters of trend and themes.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def main() -> None:
    from demo.scale import Volume, generate

    defaults = Volume()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("executives", "agents", "reports", "supports", "decisions", "seed"):
        parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
    parser.add_argument("--years", type=float, default=defaults.years)
    parser.add_argument("--reset", action="store_true", help="drop everything first")
    parser.add_argument(
        "--no-themes", action="store_true", help="skip learning friction themes (about 2.5 min)"
    )
    parser.add_argument("--no-rollups", action="store_true", help="skip computing roll-ups")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    volume = Volume(**{k: getattr(args, k) for k in vars(defaults)})
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; {volume}")
    started = time.perf_counter()
    if args.reset:
        reset()
    call_command("migrate", interactive=False, verbosity=0)
    from frictions.models import FrictionReport

    if FrictionReport.objects.exists():
        sys.exit("This database already holds friction reports: run with --reset to start over.")
    written = generate(volume=volume)
    rows = sum(n for n, _ in written.values())
    print(f"written: {rows:,} rows in {time.perf_counter() - started:.0f} s")
    if not args.no_themes:
        themes()
    if not args.no_rollups:
        rollups()
    print(f"total: {time.perf_counter() - started:.0f} s")


# --reset drops everything: only in a database named for benchmarks, never one a developer or
# a deployment points DATABASE_URL at by habit.
BENCH_NAMES = ("scale", "bench")


def reset() -> None:
    if connection.vendor != "postgresql":
        sys.exit("--reset drops the public schema: PostgreSQL only (delete the SQLite file).")
    name = connection.settings_dict["NAME"]
    if not any(word in name for word in BENCH_NAMES):
        sys.exit(
            f"--reset drops every table of {name!r}: only a database whose name says it is for "
            f"benchmarks ({' or '.join(BENCH_NAMES)} in it) is reset."
        )
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


def themes() -> None:
    """The themes the nightly task learns and every report placed in one, as a deployment that
    has run a night has them: without, the dashboard's themes section read nothing at scale."""
    from metrics.tasks import assign_friction_themes

    started = time.perf_counter()
    placed = assign_friction_themes()
    print(f"themes: {placed:,} reports placed in {time.perf_counter() - started:.1f} s")


def rollups() -> None:
    from immersion.models import Session
    from metrics.quarters import Quarter
    from metrics.services import quarter_rollup_compute

    first = Session.objects.order_by("starts_at").values_list("starts_at", flat=True).first()
    quarter = Quarter.of(first.date())
    started = time.perf_counter()
    count = 0
    while not quarter.is_future():
        quarter_rollup_compute(quarter=quarter)
        quarter = quarter.next
        count += 1
    print(f"roll-ups: {count} quarters in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
