"""A theme made by hand, for tests that need one without learning it (the permission matrix,
the page tests): fitting takes seconds and needs a dozen reports."""

from django.utils import timezone

from frictions.models import FrictionReport
from metrics.models import FrictionTheme, FrictionThemeFit, FrictionThemeReport


def friction_theme_for_matrix(
    *, report: FrictionReport | None = None, terms: tuple[str, ...] = ("refund", "manager")
) -> FrictionTheme:
    """A fit of one theme over `terms` (equal weights), holding `report` when given."""
    now = timezone.now()
    fit = FrictionThemeFit.objects.create(
        fitted_at=now, report_count=1, vocabulary=dict.fromkeys(terms, 1.0)
    )
    weight = 1 / len(terms) ** 0.5
    theme = FrictionTheme.objects.create(
        fit=fit, top_terms=list(terms), component=dict.fromkeys(terms, weight), created_at=now
    )
    if report is not None:
        FrictionThemeReport.objects.create(report=report, theme=theme, weight=1.0, assigned_at=now)
    return theme
