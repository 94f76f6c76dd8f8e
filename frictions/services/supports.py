"""What is kept on each report's row: its support count (FrictionReport.support_count), and on
PostgreSQL when its public timeline last changed (`changed_at`, kept by a trigger: frictions
migration 0016)."""

from contextlib import contextmanager

from django.db import connection
from django.db.models import OuterRef

from core.queries import counted

from ..models import FrictionReport, FrictionSupport


def friction_support_counts_refresh(*, report_ids=None) -> int:
    """Count the supports of `report_ids` (every report when None) again onto their rows, in
    one UPDATE; returns how many rows it wrote."""
    reports = FrictionReport.objects.all()
    if report_ids is not None:
        reports = reports.filter(pk__in=report_ids)
    return reports.update(
        support_count=counted(FrictionSupport.objects.filter(report=OuterRef("pk")), "report")
    )


@contextmanager
def friction_changed_at_deferred():
    """Bulk writes of events (the scale generator's COPY) inside: the triggers that keep each
    report's `changed_at` are off meanwhile (millions of events would each update their
    report, and every index of it), and the times are computed once at the end. Nothing
    happens on SQLite, which keeps no such time."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(_TRIGGER_SWITCH.format(switch="DISABLE"))
        try:
            yield
        finally:
            cursor.execute(_TRIGGER_SWITCH.format(switch="ENABLE"))
        cursor.execute(_CHANGED_AT_REFRESH)


_TRIGGER_SWITCH = "ALTER TABLE frictions_frictionevent {switch} TRIGGER USER"
_CHANGED_AT_REFRESH = """
UPDATE frictions_frictionreport AS r SET changed_at = e.at
FROM (
    SELECT report_id, MAX(created_at) AS at FROM frictions_frictionevent
    WHERE public GROUP BY report_id
) AS e
WHERE e.report_id = r.id
"""
