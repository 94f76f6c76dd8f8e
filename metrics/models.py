"""Roll-ups: each metric's figure per quarter and scope, computed by Celery and read by the
dashboard, which never scans raw data (metrics/definitions.py says what each figure counts)."""

from django.db import models
from django.db.models import Q


class QuarterRollup(models.Model):
    """One quarter's computed figures: when they were computed, and whether the quarter was
    over then (a closed quarter is not computed again by beat)."""

    quarter = models.CharField(max_length=6, unique=True, help_text="Like 2026Q3.")
    computed_at = models.DateTimeField()
    closed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-quarter"]
        permissions = [
            ("view_dashboard", "Can read the quarterly dashboard"),
            ("view_own_scorecard", "Can read one's own executive scorecard"),
        ]

    def __str__(self) -> str:
        return f"{self.quarter} (computed {self.computed_at:%Y-%m-%d %H:%M})"


class QuarterFigure(models.Model):
    """One metric for one quarter, for the organisation, a department or an executive."""

    class Scope(models.TextChoices):
        ORGANISATION = "org", "Organisation"
        DEPARTMENT = "department", "Department"
        EXECUTIVE = "executive", "Executive"
        # A frontline team: the team a report was filed from. Only the friction funnel has
        # team figures, and the anonymity rule (metrics/anonymity.py) hides those of a team
        # with fewer than 5 anonymous reports in the quarter.
        TEAM = "team", "Frontline team"

    rollup = models.ForeignKey(QuarterRollup, on_delete=models.CASCADE, related_name="figures")
    metric = models.CharField(max_length=60)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    # The department's, the executive's or the team's id; empty for the organisation.
    scope_id = models.PositiveBigIntegerField(null=True, blank=True)
    value = models.FloatField(
        null=True, blank=True, help_text="Empty: nothing to measure, or hidden (a team's figure)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rollup", "metric", "scope", "scope_id"],
                condition=Q(scope_id__isnull=False),
                name="figure_once_per_scope",
            ),
            models.UniqueConstraint(
                fields=["rollup", "metric"],
                condition=Q(scope="org"),
                name="figure_once_for_the_organisation",
            ),
            models.CheckConstraint(
                condition=Q(scope="org", scope_id__isnull=True)
                | (~Q(scope="org") & Q(scope_id__isnull=False)),
                name="figure_scope_has_id_unless_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.scope} {self.scope_id or ''}: {self.value}"
