"""How long the receipt page takes for a real code and for a made-up one. The issue asks for a
plain "not found" in the same time as a real answer, so nobody can probe codes by timing.
Prints figures; asserts nothing.

    .venv/bin/python bench/receipt_timing.py [--requests 300]

Runs against a throwaway test database (SQLite in memory, or PostgreSQL when DATABASE_URL is
set), with 500 reports on the board and a timeline of 10 events on the real one.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(requests: int) -> None:
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from accounts.roles import Role
    from accounts.tests.factories import UserFactory
    from frictions.models import FrictionReport
    from frictions.services import (
        anonymous_writes_release,
        friction_report_add_information,
        friction_report_file,
    )

    agent = UserFactory(roles=[Role.FRONTLINE])
    values = {
        "description": "Customers wait.",
        "area": "policy",
        "channel": "phone",
        "customers_per_week": 10,
        "severity": "medium",
    }
    for n in range(500):
        friction_report_file(reporter=agent, anonymous=True, title=f"Report {n}", **values)
    report, code = friction_report_file(
        reporter=agent, anonymous=True, title="The real one", **values
    )
    # Anonymous reports wait in the holding table for their hour; release them all now.
    anonymous_writes_release(now=timezone.now() + timedelta(hours=1))
    report = FrictionReport.objects.get(receipt_hash=report.receipt_hash)
    for n in range(10):
        friction_report_add_information(report=report, text=f"More {n}")
    client = Client()
    settings.FRICTION_RECEIPT_MIN_SECONDS = float(
        os.environ.get("PROXIMITY_RECEIPT_MIN_SECONDS", "0.25")
    )
    # This measures the floor, not the rate limit (bench/receipt_load.py measures that).
    settings.FRICTION_RECEIPT_RATE_PER_CODE = settings.FRICTION_RECEIPT_RATE_GLOBAL = 10**9
    url = "/frictions/receipt/"
    timings = {"real code": [], "made-up code": []}
    for n in range(requests):
        for label, given in (("real code", code), ("made-up code", "ABCD-EFGH-JKMN-PQRS")):
            started = time.perf_counter()
            response = client.post(url, {"code": given})
            timings[label].append((time.perf_counter() - started) * 1000)
            if response.status_code not in (302, 404):
                raise SystemExit(f"unexpected answer {response.status_code}")
        if n == 0:
            timings = {label: [] for label in timings}  # the first round warms caches
    floor = settings.FRICTION_RECEIPT_MIN_SECONDS
    print(f"receipt page, {requests - 1} requests each ({connection.vendor}, floor {floor} s):")
    for label, values_ms in timings.items():
        values_ms.sort()
        p90 = values_ms[int(len(values_ms) * 0.9)]
        print(f"  {label:13} median {statistics.median(values_ms):6.2f} ms   p90 {p90:6.2f} ms")


if __name__ == "__main__":
    main()
