"""The support count kept on each report (FrictionReport.support_count)."""

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
