# ruff: noqa: S608 - the floor SQL is assembled from the constants below, never from input
"""One quarter's roll-up at scale against its floor, the dashboard's queries at two sizes, and
the friction themes' time. Prints figures; asserts nothing (but prints MISMATCH loudly when the
floor and the roll-up disagree).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale .venv/bin/python bench/bench_metrics.py \
        [--quarter 2026Q3] [--runs 3] [--demo-database bench_demo]

Runs against the database DATABASE_URL names, as it is (generate it first with
bench/scale/generate.py); the roll-up it times is stored there, as beat would store it.

- The roll-up: `quarter_rollup_compute` for the quarter (default: the last one that has ended),
  the median of --runs runs, and each metric's own compute.
- The floor: for each metric, hand-written SQL giving the same figures for every scope
  (organisation, department, executive) in one statement (GROUPING SETS), run through a cursor;
  its figures are compared with the roll-up's. The ratio is the roll-up's time over the sum of
  the floors' (the issue's target: at most 1.5).
- The dashboard: `/metrics/?quarter=…` rendered for a leadership viewer by Django's test
  client, its queries counted, here and on a demo-sized database (seed_demo into
  --demo-database on the same server, created and seeded when empty): the counts must be equal.
- Friction themes: metrics.tasks.assign_friction_themes, its first run (learning the themes,
  placing every report) and a run over one quarter's reports.
"""

import argparse
import io
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from metrics.quarters import Quarter  # noqa: E402

# The executives: people holding the role now (metrics.definitions.executives).
EXECUTIVES = """
    SELECT ug.user_id FROM accounts_user_groups ug JOIN auth_group g ON g.id = ug.group_id
    WHERE g.name = 'executive'
"""
# Every scope at once: GROUPING() tells the organisation's row, a department's, a person's.
SCOPES = "GROUP BY GROUPING SETS ((), (department_id), (person_id))"
SCOPE_COLUMNS = "GROUPING(department_id) AS gd, GROUPING(person_id) AS gp, department_id, person_id"
ATTENDED = f"""
    SELECT p.person_id, u.department_id, p.actual_minutes, p.interactions_observed,
           p.ends_at - p.starts_at AS scheduled, a.counts_as_customer_time AS customer
    FROM immersion_participant p
    JOIN immersion_session s ON s.id = p.session_id
    JOIN immersion_activitytype a ON a.id = s.activity_type_id
    JOIN accounts_user u ON u.id = p.person_id
    WHERE p.is_active AND p.attendance = 'attended'
      AND p.starts_at >= %(start)s AND p.starts_at < %(end)s
      AND s.status <> 'cancelled' AND p.person_id IN ({EXECUTIVES})
"""
MINUTES = "COALESCE(floor(EXTRACT(epoch FROM SUM(scheduled) FILTER (WHERE {c}))/60), 0)"

FLOORS = {
    "exposure_hours": f"""
        SELECT {SCOPE_COLUMNS},
               (COALESCE(SUM(actual_minutes), 0) + {MINUTES.format(c="actual_minutes IS NULL")})
               / 60.0
        FROM ({ATTENDED}) rows WHERE customer {SCOPES}""",
    "interactions_observed": f"""
        SELECT {SCOPE_COLUMNS}, COALESCE(SUM(interactions_observed), 0)::float
        FROM ({ATTENDED}) rows {SCOPES}""",
    "journey_completion": f"""
        WITH done AS (
            SELECT DISTINCT pp.person_id FROM immersion_journeyexercise j
            JOIN immersion_participant pp ON pp.id = j.participant_id
            WHERE j.completed_at >= %(start)s AND j.completed_at < %(end)s
              AND pp.person_id IN ({EXECUTIVES}))
        SELECT {SCOPE_COLUMNS},
               CASE WHEN GROUPING(person_id) = 1
                    THEN COUNT(done.person_id)::float / NULLIF(COUNT(*), 0)
                    ELSE (COUNT(done.person_id) > 0)::int::float END
        FROM (SELECT u.id AS person_id, u.department_id FROM accounts_user u
              WHERE u.id IN ({EXECUTIVES})) people
        LEFT JOIN done USING (person_id) {SCOPES}""",
    "reviews_held": f"""
        SELECT {SCOPE_COLUMNS},
               CASE WHEN GROUPING(department_id) = 1 AND GROUPING(person_id) = 1
                    THEN COUNT(DISTINCT session_id)
                    ELSE COUNT(DISTINCT session_id) FILTER (WHERE is_executive) END::float
        FROM (SELECT p.session_id, p.person_id, u.department_id,
                     p.person_id IN ({EXECUTIVES}) AS is_executive
              FROM immersion_participant p
              JOIN immersion_session s ON s.id = p.session_id
              JOIN frictions_frictionreview r ON r.session_id = s.id
              JOIN accounts_user u ON u.id = p.person_id
              WHERE p.is_active AND p.attendance = 'attended' AND s.status <> 'cancelled'
                AND p.starts_at >= %(start)s AND p.starts_at < %(end)s) rows
        {SCOPES}
        HAVING (GROUPING(department_id) = 1 AND GROUPING(person_id) = 1)
            OR COUNT(*) FILTER (WHERE is_executive) > 0""",
    "decisions_changed_after_exposure": f"""
        SELECT {SCOPE_COLUMNS}, COUNT(*)::float
        FROM (SELECT d.owner_id AS person_id, u.department_id FROM frictions_decision d
              JOIN accounts_user u ON u.id = d.owner_id
              WHERE d.changed_at >= %(start)s AND d.changed_at < %(end)s AND (
                EXISTS (SELECT 1 FROM frictions_decision_sessions x
                        JOIN immersion_session s ON s.id = x.session_id
                        WHERE x.decision_id = d.id AND s.starts_at < d.changed_at
                          AND s.status <> 'cancelled')
                OR EXISTS (SELECT 1 FROM frictions_decision_reflections x
                           JOIN immersion_reflection r ON r.id = x.reflection_id
                           WHERE x.decision_id = d.id AND r.created_at < d.changed_at)
                OR EXISTS (SELECT 1 FROM frictions_decision_journeys x
                           JOIN immersion_journeyexercise j ON j.id = x.journeyexercise_id
                           WHERE x.decision_id = d.id AND j.started_at < d.changed_at)
                OR EXISTS (SELECT 1 FROM frictions_decision_escalations x
                           JOIN immersion_escalation e ON e.id = x.escalation_id
                           WHERE x.decision_id = d.id AND e.logged_at < d.changed_at)
                OR EXISTS (SELECT 1 FROM frictions_decision_friction_reports x
                           JOIN frictions_frictionreport f ON f.id = x.frictionreport_id
                           WHERE x.decision_id = d.id AND f.created_at < d.changed_at))) rows
        {SCOPES}""",
    "policies_changed_from_feedback": f"""
        SELECT {SCOPE_COLUMNS}, COUNT(*)::float
        FROM (SELECT f.owner_id AS person_id, u.department_id FROM frictions_frictionreport f
              LEFT JOIN accounts_user u ON u.id = f.owner_id
              WHERE f.status = 'resolved'
                AND f.resolution IN ('policy_eliminated', 'policy_modified')
                AND f.closed_at >= %(start)s AND f.closed_at < %(end)s) rows
        {SCOPES}""",
    "decisions_with_impact_assessment": f"""
        SELECT {SCOPE_COLUMNS},
               COUNT(*) FILTER (WHERE assessed)::float / NULLIF(COUNT(*), 0)
        FROM (SELECT d.owner_id AS person_id, u.department_id,
                     d.impact_who <> '' AND d.impact_effect <> '' AS assessed
              FROM frictions_decision d JOIN accounts_user u ON u.id = d.owner_id
              WHERE d.decided_on >= %(first_day)s AND d.decided_on < %(next_day)s) rows
        {SCOPES}""",
    "reports_past_due": f"""
        SELECT {SCOPE_COLUMNS}, COUNT(*)::float
        FROM (SELECT f.owner_id AS person_id, u.department_id FROM frictions_frictionreport f
              LEFT JOIN accounts_user u ON u.id = f.owner_id
              WHERE f.due >= %(first_day)s AND f.due < %(last_day)s
                AND (f.closed_at IS NULL
                     OR (f.closed_at AT TIME ZONE %(zone)s)::date >= f.due + 1)) rows
        {SCOPES}""",
}
RESOLUTION = f"""
    SELECT {SCOPE_COLUMNS},
           percentile_cont(%(fraction)s) WITHIN GROUP (ORDER BY days)
    FROM (SELECT f.owner_id AS person_id, u.department_id,
                 EXTRACT(epoch FROM f.closed_at - f.created_at) / 86400.0 AS days
          FROM frictions_frictionreport f LEFT JOIN accounts_user u ON u.id = f.owner_id
          WHERE f.status IN ('resolved', 'declined')
            AND f.closed_at >= %(start)s AND f.closed_at < %(end)s) rows
    {SCOPES}"""
FLOORS["resolution_days_median"] = RESOLUTION
FLOORS["resolution_days_p90"] = RESOLUTION
FRACTIONS = {"resolution_days_median": 0.5, "resolution_days_p90": 0.9}

# Compliance: the two aggregates the family needs (attendance by executive and activity; the
# team's sessions held), then the same arithmetic as metrics.definitions.compliance.
COMPLIANCE_EACH = f"""
    SELECT p.person_id, s.activity_type_id, COUNT(*), SUM(p.actual_minutes),
           EXTRACT(epoch FROM SUM(p.ends_at - p.starts_at) FILTER (WHERE p.actual_minutes IS NULL))
    FROM immersion_participant p JOIN immersion_session s ON s.id = p.session_id
    WHERE p.is_active AND p.attendance = 'attended' AND s.status <> 'cancelled'
      AND p.starts_at >= %(start)s AND p.starts_at < %(end)s
      AND p.person_id IN ({EXECUTIVES}) AND s.activity_type_id = ANY(%(activities)s)
    GROUP BY 1, 2"""
COMPLIANCE_TEAM = """
    SELECT s.activity_type_id, COUNT(*), EXTRACT(epoch FROM SUM(s.ends_at - s.starts_at))
    FROM immersion_session s
    WHERE s.activity_type_id = ANY(%(activities)s) AND s.status <> 'cancelled'
      AND s.starts_at >= %(start)s AND s.starts_at < %(end)s
      AND EXISTS (SELECT 1 FROM immersion_participant p WHERE p.session_id = s.id
                  AND p.is_active AND p.attendance = 'attended'
                  -- a place keeps its session's times: the quarter's places only
                  AND p.starts_at >= %(start)s AND p.starts_at < %(end)s)
    GROUP BY 1"""
EXECUTIVE_DEPARTMENTS = f"SELECT id, department_id FROM accounts_user WHERE id IN ({EXECUTIVES})"

# The friction funnel: the quarter's reports by stage, for every scope and every frontline team
# in one statement; the anonymity rule (metrics/anonymity.py) applied to the teams' rows here.
FUNNEL = """
    SELECT GROUPING(department_id), GROUPING(person_id), GROUPING(team_id),
           department_id, person_id, team_id,
           COUNT(*), COUNT(*) FILTER (WHERE status <> 'new'),
           COUNT(*) FILTER (WHERE status = 'resolved'), COUNT(*) FILTER (WHERE status = 'declined'),
           COUNT(*) FILTER (WHERE status IN ('new', 'acknowledged', 'in_progress')
                            AND due < %(today)s),
           COUNT(*) FILTER (WHERE is_anonymous)
    FROM (SELECT f.owner_id AS person_id, u.department_id, f.team_id, f.status, f.due,
                 f.is_anonymous
          FROM frictions_frictionreport f LEFT JOIN accounts_user u ON u.id = f.owner_id
          WHERE f.created_at >= %(start)s AND f.created_at < %(end)s
            AND f.status <> 'duplicate') rows
    GROUP BY GROUPING SETS ((), (department_id), (person_id), (team_id))"""
# Friction themes: the quarter's reports placed in each theme, one grouped statement.
THEMES = """
    SELECT t.theme_id, COUNT(*)::float FROM metrics_frictionthemereport t
    JOIN frictions_frictionreport f ON f.id = t.report_id
    WHERE t.theme_id IS NOT NULL AND f.created_at >= %(start)s AND f.created_at < %(end)s
    GROUP BY 1"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quarter", default=str(Quarter.current().previous))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--demo-database", default="bench_demo")
    parser.add_argument("--dashboard-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    logging.getLogger("axes").setLevel(logging.WARNING)  # force_login's sign-in notes
    quarter = Quarter.parse(args.quarter)
    if args.dashboard_only:  # the demo-sized run, in its own process and database
        print(json.dumps(dashboard_queries(quarter, seed=True)))
        return
    if connection.vendor != "postgresql":
        sys.exit("bench_metrics measures PostgreSQL: set DATABASE_URL.")
    print(f"database: {connection.settings_dict['NAME']}; quarter {quarter}")
    print(volume())
    themes(quarter)  # first: the roll-up counts each theme's reports
    print()
    rollup_vs_floor(quarter, args.runs)
    print()
    scale = dashboard_queries(quarter, seed=False)
    demo = demo_dashboard(quarter, args.demo_database)
    print(f"dashboard /metrics/?quarter={quarter}: {scale['queries']} queries at scale, ", end="")
    print(f"{demo['queries']} at demo size ({demo['sessions']:,} sessions) — ", end="")
    print("equal" if scale["queries"] == demo["queries"] else "NOT EQUAL")
    print(f"  at scale: {scale['sessions']:,} sessions, {scale['seconds'] * 1000:.0f} ms, ", end="")
    print(f"{scale['bytes'] / 1024:.0f} KB")


def volume() -> str:
    tables = [
        ("sessions", "immersion_session"),
        ("places", "immersion_participant"),
        ("reflections", "immersion_reflection"),
        ("reports", "frictions_frictionreport"),
        ("supports", "frictions_frictionsupport"),
        ("decisions", "frictions_decision"),
    ]
    with connection.cursor() as cursor:
        counts = []
        for label, table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts.append(f"{cursor.fetchone()[0]:,} {label}")
    return "volume: " + ", ".join(counts)


def timed(run, runs: int) -> tuple[float, object]:
    """The median time of `runs` calls of `run`, and what the last returned."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def parameters(quarter: Quarter) -> dict:
    from core.calendar import org_today

    return {
        "start": quarter.starts_at,
        "end": quarter.ends_at,
        "first_day": quarter.first_day,
        "next_day": quarter.next.first_day,
        "last_day": min(quarter.next.first_day, org_today()),
        "today": org_today(),
        "zone": settings.TIME_ZONE,
    }


# The same statements one scope at a time, as the roll-up asks them (three a metric).
SPLIT = [
    {
        SCOPE_COLUMNS: "1, 1, NULL::bigint, NULL::bigint",
        "GROUPING(department_id)": "1",
        "GROUPING(person_id)": "1",
        SCOPES: "",
    },
    {
        SCOPE_COLUMNS: "0, 1, department_id, NULL::bigint",
        "GROUPING(department_id)": "0",
        "GROUPING(person_id)": "1",
        SCOPES: "GROUP BY department_id",
    },
    {
        SCOPE_COLUMNS: "1, 0, NULL::bigint, person_id",
        "GROUPING(department_id)": "1",
        "GROUPING(person_id)": "0",
        SCOPES: "GROUP BY person_id",
    },
]


def split(sql: str, replacements: dict) -> str:
    for old, new in replacements.items():
        sql = sql.replace(old, new)
    return sql


def floor_of(key: str, quarter: Quarter, *, one_statement: bool = True) -> dict:
    """One metric's figures from its hand-written SQL: {(scope, id): value}; in one statement
    for every scope (GROUPING SETS), or one statement a scope."""
    params = parameters(quarter) | {"fraction": FRACTIONS.get(key)}
    statements = [FLOORS[key]] if one_statement else [split(FLOORS[key], r) for r in SPLIT]
    rows = []
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)
            rows += cursor.fetchall()
    figures = {}
    for gd, gp, department, person, value in rows:
        if gd and gp:
            figures[("org", None)] = value
        elif not gd and department is not None:
            figures[("department", department)] = value
        elif not gp and person is not None:
            figures[("executive", person)] = value
    return figures


def compliance_floor(quarter: Quarter) -> dict:
    from metrics.definitions import _periods_in, _targets_of, compliance_key

    targets = _targets_of(quarter)
    params = parameters(quarter) | {"activities": sorted({t.activity_type_id for t in targets})}
    with connection.cursor() as cursor:
        cursor.execute(COMPLIANCE_EACH, params)
        done = {(p, a): (n, m, s) for p, a, n, m, s in cursor.fetchall()}
        cursor.execute(COMPLIANCE_TEAM, params)
        held = {a: (n, s) for a, n, s in cursor.fetchall()}
        cursor.execute(EXECUTIVE_DEPARTMENTS)
        people = cursor.fetchall()
    found = {}
    for target in targets:
        required = float(target.amount) * _periods_in(quarter, target.period)
        sessions = target.unit == target.Unit.SESSIONS
        figures = {}
        if target.applies_to == target.AppliesTo.LEADERSHIP_TEAM:
            n, seconds = held.get(target.activity_type_id, (0, 0))
            value = n if sessions else float(seconds or 0) // 60 / 60
            figures[("org", None)] = value / required
        else:
            met: dict = {}
            for person, department in people:
                if target.department_id not in (None, department):
                    continue
                n, minutes, seconds = done.get((person, target.activity_type_id), (0, 0, 0))
                value = n if sessions else ((minutes or 0) + float(seconds or 0) // 60) / 60
                figures[("executive", person)] = value / required
                met.setdefault(("org", None), []).append(value / required >= 1)
                if department is not None:
                    met.setdefault(("department", department), []).append(value / required >= 1)
            figures[("org", None)] = None
            figures |= {key: sum(flags) / len(flags) for key, flags in met.items()}
        found[compliance_key(target.target_key)] = figures
    return found


def funnel_floor(quarter: Quarter) -> dict:
    from metrics.anonymity import team_figure_suppressed
    from metrics.definitions import FUNNEL_STAGES, funnel_key

    stages = [stage for stage, _ in FUNNEL_STAGES]
    with connection.cursor() as cursor:
        cursor.execute(FUNNEL, parameters(quarter))
        rows = cursor.fetchall()
    found = {funnel_key(stage): {} for stage in stages}
    for gd, gp, gt, department, person, team, *counts in rows:
        anonymous = counts.pop()
        if gd and gp and gt:
            key = ("org", None)
        elif not gd and department is not None:
            key = ("department", department)
        elif not gp and person is not None:
            key = ("executive", person)
        elif not gt and team is not None:
            key = ("team", team)
            if team_figure_suppressed(anonymous_reports=anonymous):
                counts = [None] * len(counts)
        else:
            continue
        for stage, count in zip(stages, counts, strict=True):
            found[funnel_key(stage)][key] = None if count is None else float(count)
    return found


def themes_floor(quarter: Quarter) -> dict:
    from metrics.definitions import theme_key

    with connection.cursor() as cursor:
        cursor.execute(THEMES, parameters(quarter))
        return {theme_key(theme): {("org", None): n} for theme, n in cursor.fetchall()}


# The families (several metric keys computed together) and their floors.
FAMILY_FLOORS = {
    "compliance": compliance_floor,
    "funnel": funnel_floor,
    "themes": themes_floor,
}


def same(left: dict, right: dict) -> list[str]:
    """Where two {(scope, id): value} differ, beyond float noise."""
    differences = []
    for key in sorted(set(left) | set(right), key=str):
        a, b = left.get(key), right.get(key)
        if a is None or b is None:
            if a != b:
                differences.append(f"{key}: roll-up {a}, floor {b}")
        elif abs(float(a) - float(b)) > 1e-6 * max(1.0, abs(float(a))):
            differences.append(f"{key}: roll-up {a}, floor {b}")
    return differences


def rollup_vs_floor(quarter: Quarter, runs: int) -> None:
    from metrics.definitions import METRICS, MetricFamily
    from metrics.services import quarter_rollup_compute

    total, rollup = timed(lambda: quarter_rollup_compute(quarter=quarter), runs)
    stored = rollup.figures.count()
    print(f"{'metric':<36}{'roll-up':>10}{'floor':>10}{'ratio':>8}  figures")
    computes, floors, split_floors, mismatches = 0.0, 0.0, 0.0, 0
    for key, definition in METRICS.items():
        if isinstance(definition, MetricFamily):
            if key not in FAMILY_FLOORS:
                print(f"{key:<36}  (a family without a floor here yet)")
                continue
            spent, computed = timed(lambda d=definition: d.compute_many(quarter), runs)
            floor_time, floor = timed(lambda k=key: FAMILY_FLOORS[k](quarter), runs)
            split_floors += floor_time  # its aggregates are one statement each already
        else:
            spent, figures = timed(lambda d=definition: d.compute(quarter), runs)
            computed = {key: figures}
            floor_time, floor = timed(lambda k=key: {k: floor_of(k, quarter)}, runs)
            three, by_scope = timed(
                lambda k=key: {k: floor_of(k, quarter, one_statement=False)}, runs
            )
            split_floors += three
            split_mismatch = same(by_scope[key], floor[key])
            if split_mismatch:
                print(f"  MISMATCH between the floor's two forms of {key}: {split_mismatch[:3]}")
        computes += spent
        floors += floor_time
        count = sum(len(f) for f in computed.values())
        ratio = spent / floor_time if floor_time else float("inf")
        print(f"{key:<36}{spent * 1000:>8.0f}ms{floor_time * 1000:>8.0f}ms{ratio:>8.2f}  {count:,}")
        for metric in sorted(set(computed) | set(floor)):
            differences = same(computed.get(metric, {}), floor.get(metric, {}))
            if differences:
                mismatches += 1
                print(f"  MISMATCH {metric}: {len(differences)} figures differ, e.g.")
                for line in differences[:3]:
                    print(f"    {line}")
    print(f"{'every metric computed':<36}{computes * 1000:>8.0f}ms{floors * 1000:>8.0f}ms", end="")
    print(f"{computes / floors:>8.2f}")
    print(
        f"{'quarter_rollup_compute (stored)':<36}{total * 1000:>8.0f}ms{floors * 1000:>8.0f}ms",
        end="",
    )
    print(f"{total / floors:>8.2f}  {stored:,} figures stored; target ≤ 1.5")
    print(f"{'floor as one statement a scope':<36}{'':>10}{split_floors * 1000:>8.0f}ms", end="")
    print(f"{total / split_floors:>8.2f}  (the roll-up's own shape: three queries a metric)")
    print("floor and roll-up agree" if not mismatches else f"MISMATCH in {mismatches} metrics")


def dashboard_queries(quarter: Quarter, *, seed: bool) -> dict:
    """Render the dashboard for a leadership viewer; its query count, time and size."""
    from django.test import Client

    from accounts.models import User
    from accounts.roles import Role
    from immersion.models import Session

    if seed:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        if not Session.objects.exists():
            settings.DEBUG = True  # seed_demo refuses without it (its published password)
            call_command("seed_demo", stdout=io.StringIO())
            settings.DEBUG = False
    viewer = User.objects.filter(groups__name=Role.LEADERSHIP).order_by("pk").first()
    client = Client()
    client.force_login(viewer)
    address = f"/metrics/?quarter={quarter}"
    client.get(address)  # warm: templates, the permission cache
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(address)
        seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"/metrics/ answered {response.status_code}")
    return {
        "queries": len(queries),
        "seconds": seconds,
        "bytes": len(response.content),
        "sessions": Session.objects.count(),
    }


def demo_dashboard(quarter: Quarter, database: str) -> dict:
    """The same on a demo-sized database on the same server, in a second process."""
    url = settings.DATABASES["default"]
    address = f"postgres://{url['USER']}@{url['HOST']}:{url['PORT'] or 5432}/{database}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{database}"')
    output = subprocess.run(
        [sys.executable, __file__, "--dashboard-only", "--quarter", str(quarter)],
        env=os.environ | {"DATABASE_URL": address},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def themes(quarter: Quarter) -> None:
    """The friction theme task (metrics.tasks.assign_friction_themes), as beat runs it: its
    first run on a database with no themes (learn them from the newest reports, then place
    every report), then a run over one quarter's reports (its placements removed first, so
    the task places exactly them, as a night after a refit would)."""
    from frictions.models import FrictionReport
    from metrics.models import FrictionThemeFit, FrictionThemeReport
    from metrics.tasks import assign_friction_themes

    if not FrictionThemeFit.objects.exists():
        started = time.perf_counter()
        placed = assign_friction_themes()
        print(f"themes, first run (fit, then every report): {time.perf_counter() - started:.1f} s")
        learnt = FrictionThemeFit.objects.get().themes.count()
        print(f"  {placed:,} reports looked at, {learnt} themes learnt")
    reports = FrictionReport.objects.filter(
        created_at__gte=quarter.starts_at, created_at__lt=quarter.ends_at
    )
    FrictionThemeReport.objects.filter(report__in=reports).delete()
    started = time.perf_counter()
    placed = assign_friction_themes()
    print(f"themes, one quarter ({quarter}): {placed:,} reports placed in ", end="")
    print(f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
