"""Friction themes at one quarter's volume: N generated report texts (default 25,000, about one
quarter of the 500,000-report history the issue sizes for), then the theme task's steps timed:
the fit (TF-IDF + NMF over the newest MAX_FIT_REPORTS), placing every report, the quarter's
theme figures (one grouped query), and a nightly run over 1% more reports. Prints figures;
asserts nothing.

    .venv/bin/python bench/bench_themes.py [--reports 25000]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_themes.py

Runs against a throwaway test database (SQLite in memory, or PostgreSQL when DATABASE_URL is
set). Texts are drawn (fixed seed) from twelve frictions, each a handful of phrases, mixed with
words every report uses, so the texts overlap as real ones do.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

FRICTIONS = {
    "refunds": ["refund", "manager approval", "refund limit", "chargeback", "approval queue"],
    "password": ["password reset", "reset link", "login loop", "locked out", "reset email"],
    "hold": ["on hold", "phone queue", "callback", "hold music", "wait time"],
    "shipping": ["shipping delay", "carrier", "tracking number", "late delivery", "parcel"],
    "billing": ["invoice", "double charge", "billing date", "billing address", "plan upgrade"],
    "chatbot": ["chatbot", "bot loop", "live agent", "chat transfer", "virtual assistant"],
    "cancel": ["cancel subscription", "cancellation fee", "retention offer", "notice period"],
    "pricing": ["price increase", "discount code", "promo price", "renewal price"],
    "app": ["mobile app", "app crash", "app update", "push notification"],
    "returns": ["return label", "return window", "restocking fee", "exchange"],
    "outage": ["outage", "service down", "status page", "maintenance window"],
    "onboarding": ["setup guide", "activation code", "welcome email", "first login"],
}
COMMON = [
    "customers",
    "agents",
    "call",
    "again",
    "week",
    "days",
    "because",
    "every",
    "time",
    "angry",
    "complain",
    "told",
    "wait",
    "support",
    "team",
    "policy",
    "ask",
    "said",
    "cannot",
    "need",
    "still",
    "today",
]


def texts(count: int, seed: int = 13) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    topics = list(FRICTIONS)
    found = []
    for _ in range(count):
        phrases = FRICTIONS[rng.choice(topics)]
        title = f"{rng.choice(phrases).capitalize()} {rng.choice(COMMON)} {rng.choice(phrases)}"
        words = [rng.choice(phrases) for _ in range(3)] + rng.sample(COMMON, 6)
        rng.shuffle(words)
        found.append((title, " ".join(words).capitalize() + "."))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=25_000)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.reports)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def file(rows: list[tuple[str, str]]) -> None:
    from frictions.models import FrictionReport

    today = timezone.localdate()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    FrictionReport.objects.bulk_create(
        (
            FrictionReport(
                title=title,
                description=description,
                area="policy",
                channel="phone",
                customers_per_week=10,
                severity="medium",
                acknowledge_by=today,
                decide_by=today,
                created_at=now,
            )
            for title, description in rows
        ),
        batch_size=2000,
    )


def timed(label: str, action):
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = action()
    print(f"{label:<44}{time.perf_counter() - started:>8.2f}s{len(queries):>8} queries   {result}")
    return result


def run(count: int) -> None:
    from metrics.definitions import METRICS
    from metrics.models import FrictionTheme
    from metrics.quarters import Quarter
    from metrics.themes import services

    print(f"database: {connection.vendor}; {count:,} reports")
    started = time.perf_counter()
    file(texts(count))
    print(f"{'generated and inserted':<44}{time.perf_counter() - started:>8.2f}s")
    # Importing scikit-learn is part of the worker's first run, not of the fit.
    timed("import scikit-learn", lambda: __import__("sklearn.decomposition") and "")
    fit = timed(
        f"fit (newest {min(count, services.MAX_FIT_REPORTS):,} reports)",
        lambda: services.friction_themes_fit(),
    )
    themes = list(FrictionTheme.objects.filter(fit=fit).values_list("top_terms", flat=True))
    timed(f"place all {count:,} reports", lambda: services.friction_themes_assign())
    timed(
        "the quarter's theme figures",
        lambda: f"{len(METRICS['themes'].compute_many(Quarter.current()))} themes counted",
    )
    file(texts(count // 100, seed=14))
    timed(f"nightly: place {count // 100:,} new reports", lambda: services.friction_themes_assign())
    print()
    print(f"{len(themes)} themes:")
    for terms in themes:
        print("   ", ", ".join(terms))


if __name__ == "__main__":
    main()
