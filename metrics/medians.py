"""Medians of spans of days, the way metrics/definitions.py computes them: PostgreSQL's
percentile_cont in the database; SQLite (the embedded demo) has no percentile aggregate, so
there the rows' few values are read and ranked here with the same interpolation."""

from collections.abc import Callable
from datetime import date, datetime

from django.db import connection
from django.db.models import Expression, ExpressionWrapper, F, FloatField, Func, QuerySet
from django.db.models.functions import Extract

from .definitions import _Percentile, _percentile


def days_between(start: str, end: str) -> Expression:
    """PostgreSQL: days from the datetime `start` to the datetime `end`, with their fraction."""
    return ExpressionWrapper(
        Extract(F(end) - F(start), "epoch") / 86400.0, output_field=FloatField()
    )


def dates_apart(start: str, end: str) -> Expression:
    """PostgreSQL: whole days from the date `start` to the date `end` (date - date)."""
    return Func(F(end), F(start), template="(%(expressions)s)", arg_joiner=" - ")


def span_days(start: date | datetime | None, end: date | datetime | None) -> float | None:
    """The Python twin of the two expressions above."""
    if start is None or end is None:
        return None
    if isinstance(start, datetime):
        return (end - start).total_seconds() / 86400
    return float((end - start).days)


def median(
    rows: QuerySet,
    *,
    database: Expression,
    fields: tuple[str, str],
    fraction: float = 0.5,
) -> float | None:
    """The median (or `fraction`) of a span of days over `rows`: `database` computes it on
    PostgreSQL (days_between or dates_apart); elsewhere the two `fields` are read and
    span_days ranks them. None with nothing to measure. One query either way."""
    if connection.vendor == "postgresql":
        return rows.aggregate(value=_Percentile(database, fraction=fraction))["value"]
    return median_of([span_days(*pair) for pair in rows.values_list(*fields)], fraction)


def median_of(values: list[float | None], fraction: float = 0.5) -> float | None:
    found = sorted(v for v in values if v is not None)
    return _percentile(found, fraction) if found else None


def grouped_medians(
    rows: QuerySet,
    *,
    group: str,
    database: Expression,
    fields: tuple[str, str],
    key: Callable = lambda value: value,
) -> dict:
    """median() for each value of the annotation or field `group` (read through `key`): one
    query."""
    if connection.vendor == "postgresql":
        grouped = (
            rows.values(group).order_by(group).annotate(value=_Percentile(database, fraction=0.5))
        )
        return {key(row[group]): row["value"] for row in grouped}
    spans: dict = {}
    for value, *pair in rows.values_list(group, *fields):
        spans.setdefault(key(value), []).append(span_days(*pair))
    return {name: median_of(values) for name, values in spans.items()}
