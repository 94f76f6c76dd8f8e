"""A year of rotations for 1,000 executives: how long the planner takes, and how many queries
loading its input and publishing its plan take. Prints figures; asserts nothing.

    .venv/bin/python bench/rotation_year.py [--executives 1000] [--teams 25] [--desks 50]

Runs against a throwaway test database (SQLite in memory, or PostgreSQL when DATABASE_URL is
set). The issue's target: the generator itself in at most one second.
"""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executives", type=int, default=1000)
    parser.add_argument("--teams", type=int, default=25)
    parser.add_argument(
        "--desks",
        type=int,
        default=50,
        help="Officer of the Day desks, each with an officer a working day (1: one for everyone)",
    )
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.executives, args.teams, args.desks)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(executive_count: int, team_count: int, desk_count: int) -> None:
    from django.contrib.auth.models import Group

    from accounts.models import Department, FrontlineTeam, User
    from accounts.roles import Role
    from immersion import planner
    from immersion.models import ActivityType, OfficerDesk, Session
    from immersion.services.rotations import (
        RotationChoice,
        rotation_publish,
        rotation_request_build,
    )

    departments = list(Department.objects.all())
    zones = ["Europe/London", "America/New_York", "Europe/Berlin", "Asia/Singapore"]
    User.objects.bulk_create(
        User(
            email=f"exec{n}@bench.example",
            display_name=f"Executive {n}",
            time_zone=zones[n % len(zones)],
            department=departments[n % len(departments)],
            password="!",  # noqa: S106 - an unusable password, as Django writes it
        )
        for n in range(executive_count)
    )
    people = list(User.objects.filter(email__endswith="@bench.example").order_by("pk"))
    Group.objects.get(name=Role.EXECUTIVE).user_set.add(*people)
    FrontlineTeam.objects.bulk_create(
        FrontlineTeam(
            name=f"Team {n}", channel="phone", weekly_listener_capacity=20, time_zone=zones[n % 4]
        )
        for n in range(team_count)
    )
    teams = list(FrontlineTeam.objects.all())
    lead = User.objects.create(email="lead@bench.example", display_name="Lead")
    # The migration's desk for the whole organisation, and regions beside it.
    OfficerDesk.objects.bulk_create(
        OfficerDesk(name=f"Region {n}", kind=OfficerDesk.Kind.REGION) for n in range(1, desk_count)
    )

    first = date(timezone.now().year + 1, 1, 1)
    last = date(first.year, 12, 31)
    print(
        f"{executive_count} executives, {team_count} host teams, "
        f"{OfficerDesk.objects.count()} Officer of the Day desks, {first} – {last}"
    )
    print(f"database: {connection.vendor}")
    print()
    print(f"{'activity':<28}{'load':>9}{'queries':>9}{'plan':>9}{'sessions':>10}{'unmet':>8}")
    for slug, host_teams, chosen in (
        ("call-listening", teams, people),
        ("officer-of-the-day", [], people),
        ("friction-review", [], people[:12]),
    ):
        activity = ActivityType.objects.get(slug=slug)
        choice = RotationChoice(activity, first, last, chosen, host_teams)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as loading:
            request = rotation_request_build(choice=choice)
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        plan = planner.plan_rotation(request)
        plan_seconds = time.perf_counter() - started
        print(
            f"{slug:<28}{load_seconds:>8.2f}s{len(loading):>9}{plan_seconds:>8.2f}s"
            f"{len(plan.changes):>10}{len(plan.shortfalls):>8}"
        )
        if slug == "call-listening":
            listening = (choice, plan)

    choice, plan = listening
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as publishing:
        rotation_publish(
            choice=choice,
            include={p.key for p in plan.changes},
            fingerprint=plan.fingerprint(),
            by=lead,
        )
    print()
    print(
        f"publishing the listening rotation: {time.perf_counter() - started:.2f}s, "
        f"{len(publishing)} queries, {Session.objects.count()} sessions written"
    )
    started = time.perf_counter()
    rerun = planner.plan_rotation(rotation_request_build(choice=choice))
    print(
        f"re-running it over the published year: {time.perf_counter() - started:.2f}s, "
        f"{len(rerun.changes)} changes proposed"
    )


if __name__ == "__main__":
    main()
