"""Computing a quarter's roll-up: every metric (metrics/definitions.py), stored for the
dashboard, which reads only these rows."""

from django.db import connection, transaction
from django.utils import timezone

from .definitions import METRICS, MetricFamily
from .models import QuarterFigure, QuarterRollup
from .notices import quarterly_pack_notify
from .quarters import Quarter

INSERT_FIGURES = (
    "INSERT INTO metrics_quarterfigure (rollup_id, metric, scope, scope_id, value) "
    "SELECT %s, * FROM UNNEST(%s::varchar[], %s::varchar[], %s::bigint[], %s::float8[])"
)
FUTURE_QUARTER_MESSAGE = "That quarter has not started yet: there is nothing to compute."


@transaction.atomic
def quarter_rollup_compute(*, quarter: Quarter) -> QuarterRollup:
    """Compute and store every metric of `quarter`, replacing what was stored: running it twice
    gives the same rows. A quarter that has ended is marked closed. Refuses a future quarter."""
    if quarter.is_future():
        raise ValueError(FUTURE_QUARTER_MESSAGE)
    figures = []
    for key, definition in METRICS.items():
        # A family (compliance: one key per cadence target) gives several metrics at once.
        if isinstance(definition, MetricFamily):
            computed = definition.compute_many(quarter)
        else:
            computed = {key: definition.compute(quarter)}
        for metric, found in computed.items():
            for (scope, scope_id), value in found.items():
                figures.append((metric, scope, scope_id, value))
    rollup, _ = QuarterRollup.objects.select_for_update().update_or_create(
        quarter=str(quarter),
        defaults={"computed_at": timezone.now(), "closed": quarter.has_ended()},
    )
    rollup.figures.all().delete()
    _figures_store(rollup=rollup, figures=figures)
    return rollup


def _figures_store(*, rollup: QuarterRollup, figures: list[tuple]) -> None:
    """Insert (metric, scope, scope id, value) rows of `rollup`. On PostgreSQL one INSERT of
    four arrays: at scale (1,000 executives: 6,800 figures) building a model object and its
    parameters for each took half a second, as long as computing half the metrics
    (bench/bench_metrics.py). Elsewhere (the demo's SQLite) bulk_create."""
    if connection.vendor != "postgresql":
        QuarterFigure.objects.bulk_create(
            [QuarterFigure(rollup=rollup, metric=m, scope=s, scope_id=i, value=v)
             for m, s, i, v in figures],
            batch_size=1000,
        )  # fmt: skip
        return
    if not figures:
        return
    metrics, scopes, ids, values = (list(column) for column in zip(*figures, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(INSERT_FIGURES, [rollup.pk, metrics, scopes, ids, values])


@transaction.atomic
def quarter_close(*, quarter: Quarter) -> QuarterRollup:
    """Compute an ended quarter's figures a last time, closed, and write its quarterly pack to
    the outbox of everyone who reads the dashboard, in one transaction: a quarter is never
    closed without its pack written, nor the pack written for figures that were rolled back.
    Beat does this once per quarter (tasks.rollup_current_quarter); a second call recomputes
    and writes no second pack (the outbox key)."""
    rollup = quarter_rollup_compute(quarter=quarter)
    if rollup.closed:
        quarterly_pack_notify(rollup=rollup)
    return rollup
