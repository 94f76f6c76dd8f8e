"""Roll-ups: each metric's figure per quarter and scope, computed by Celery and read by the
dashboard, which never scans raw data (metrics/definitions.py says what each figure counts)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.addresses import reverse_pk


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


# Friction themes (metrics/themes/): what frontline text says, grouped by a Celery task.


class FrictionThemeFit(models.Model):
    """One fit of the theme model: the terms it reads, each with its inverse document frequency
    ({term: idf}). Its themes place every report; a refit replaces it and them.

    Stored as JSON rather than a pickled scikit-learn object: readable in the admin, loaded
    without unpickling anything from the database, and unaffected by a scikit-learn upgrade."""

    fitted_at = models.DateTimeField()
    report_count = models.PositiveIntegerField(help_text="How many reports it learnt from.")
    vocabulary = models.JSONField(default=dict, help_text="Each term with its idf.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who asked for it; empty when the nightly task made the first fit.",
    )
    # Counted by the task after each run of placements, so that the themes page does not count
    # every report of the organisation on each view (1.3 s at 500,000 reports).
    unthemed = models.PositiveIntegerField(default=0, help_text="Reports placed in no theme.")
    looked_up_to = models.PositiveBigIntegerField(
        default=0, help_text="The highest report id the task has looked at."
    )

    class Meta:
        ordering = ["-fitted_at", "-pk"]

    def __str__(self) -> str:
        return f"Theme fit of {self.fitted_at:%Y-%m-%d %H:%M} ({self.report_count} reports)"


class FrictionTheme(models.Model):
    """A theme: a direction in term space (its NMF component, {term: weight}, unit length),
    named by its top terms until the CX lead names it."""

    fit = models.ForeignKey(FrictionThemeFit, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(
        max_length=80, blank=True, help_text="The CX lead's name; empty: its top terms."
    )
    top_terms = models.JSONField(default=list)
    component = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    renamed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    renamed_at = models.DateTimeField(null=True, blank=True)
    # The reports placed in it, counted by the task after each run (FrictionThemeFit.unthemed).
    report_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        permissions = [
            ("view_themes", "Can read friction themes"),
            ("manage_themes", "Can rename friction themes and ask for a refit"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse_pk("metrics:theme", self.pk)

    @property
    def terms_name(self) -> str:
        return " · ".join(self.top_terms[:3]) or f"Theme {self.pk}"

    @property
    def display_name(self) -> str:
        return self.name or self.terms_name


class FrictionThemeReport(models.Model):
    """Where the theme task placed a report: its nearest theme and how near (cosine
    similarity), or no theme (empty) when none was near enough. A report with no row has not
    been looked at yet."""

    report = models.OneToOneField(
        "frictions.FrictionReport", on_delete=models.CASCADE, related_name="theme_placement"
    )
    theme = models.ForeignKey(
        FrictionTheme, on_delete=models.CASCADE, null=True, blank=True, related_name="placements"
    )
    weight = models.FloatField(help_text="Cosine similarity to the theme, 0 to 1.")
    assigned_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=1.000001),
                name="theme_weight_is_a_similarity",
            ),
        ]

    def __str__(self) -> str:
        return f"report {self.report_id} -> theme {self.theme_id} ({self.weight:.2f})"
