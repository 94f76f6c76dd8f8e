"""The filters of the friction board and the decision log (django-filter), applied by their
selectors (`friction_board`, `decision_log`). A value a filter cannot read is left out, and the
form says why."""

from datetime import timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, F, Func
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import FrontlineTeam
from core.calendar import org_today
from core.forms import FilterForm, QuickSelect

from .models import (
    OPEN_FIRST,
    OPEN_STATUSES,
    Area,
    Decision,
    FrictionEvent,
    FrictionReport,
    Status,
)

SORTS = {
    "supported": "Most supported",
    "newest": "Newest",
    "overdue": "Oldest overdue, then next due",
}
DEFAULT_SORT = "supported"


class _NameSelect(QuickSelect):
    """The team filter read as names: ~330 FrontlineTeam instances were built on every view
    of the board only to print their names (issue 14)."""

    label_fields = ("name",)


class BoardFilter(django_filters.FilterSet):
    area = django_filters.ChoiceFilter(
        choices=Area.choices, label="Area", empty_label="All areas", widget=QuickSelect
    )
    status = django_filters.ChoiceFilter(
        choices=[("open", "Open"), *Status.choices],
        method="by_status",
        label="Status",
        empty_label="Any status",
        widget=QuickSelect,
    )
    team = django_filters.ModelChoiceFilter(
        queryset=FrontlineTeam.objects.all(),
        label="Team",
        empty_label="All teams",
        widget=_NameSelect,
    )
    overdue = django_filters.BooleanFilter(
        method="only_overdue", label="Overdue only", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        choices=list(SORTS.items()),
        method="sorted_by",
        label="Sort",
        empty_label=None,
        widget=QuickSelect,
    )

    class Meta:
        model = FrictionReport
        fields = ["area", "status", "team", "overdue", "sort"]
        form = FilterForm

    def by_status(self, queryset, name, value):
        """ "open" is every status still waiting for a response."""
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def only_overdue(self, queryset, name, value):
        """Open and past the due date, as of the organisation's today."""
        return queryset.overdue(today=org_today()) if value else queryset

    def sorted_by(self, queryset, name, value):
        return queryset  # applied in filter_queryset, so that no sort means the default one

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or DEFAULT_SORT
        if sort == "newest":
            return queryset.order_by("-created_at", "-pk")
        if sort == "overdue":
            # Open reports first, the longest overdue at the top (an overdue report is an open
            # one whose due date has passed), then the closed. Not "overdue as of today" in the
            # order itself: a date in the expression cannot be indexed (FrictionReport.Meta).
            return queryset.order_by(OPEN_FIRST, "due", "pk")
        return queryset.order_by("-support_count", "-created_at", "-pk")


class DecisionLogFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Decision.Status.choices, label="Status", empty_label="Any"
    )
    area = django_filters.ChoiceFilter(choices=Area.choices, label="Area", empty_label="All areas")

    class Meta:
        model = Decision
        fields = ["status", "area"]
        form = FilterForm


class _InArray(Func):
    """`value = ANY(array)` (PostgreSQL)."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


# The reports whose public timeline gained a line since a time, from the index on the time kept
# on their row (PostgreSQL: frictions migration 0016).
_CHANGED_SINCE = "ARRAY(SELECT id FROM frictions_frictionreport WHERE changed_at >= %s)"


# How far back `updated_since` may go: a tool syncs changes since its last run, and lists
# everything (without it) the first time; further back, the reports read grow with the table.
UPDATED_SINCE_DAYS_MAX = 31
UPDATED_SINCE_MESSAGE = (
    f"updated_since goes back at most {UPDATED_SINCE_DAYS_MAX} days; to sync everything, "
    "list without it."
)


class ApiFrictionFilter(django_filters.FilterSet):
    """GET /api/frictions/: what a contact-centre tool syncs. A value it cannot read is refused
    (400, with the reason), never left out: a tool must not sync the wrong set silently."""

    status = django_filters.ChoiceFilter(
        choices=[("open", "Open"), *Status.choices],
        method="by_status",
        help_text='A status, or "open" for every status still waiting for a response.',
    )
    updated_since = django_filters.IsoDateTimeFilter(
        method="updated_after",
        help_text=(
            "Only reports whose public timeline gained a line (filed, triaged, a response, a "
            'status, a "me too"…) at or after this time (ISO 8601, with its offset).'
        ),
    )

    class Meta:
        model = FrictionReport
        fields = ["status", "updated_since"]

    def by_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def updated_after(self, queryset, name, value):
        if connection.vendor == "postgresql":
            # From the time kept on each report by a trigger (migration 0016), read into an
            # array once: as `IN (subquery)` PostgreSQL merged it with the reports in number
            # order, reading them all (2 s for a week's changes).
            return queryset.filter(_InArray(F("pk"), RawSQL(_CHANGED_SINCE, [value])))  # noqa: S611
        # SQLite: from the events, read by their time (FrictionEvent.Meta).
        touched = (
            FrictionEvent.objects.filter(public=True, created_at__gte=value)
            .order_by()
            .values("report_id")
            .distinct()
        )
        return queryset.filter(pk__in=touched)

    def filter_queryset(self, queryset):
        since = self.form.cleaned_data.get("updated_since")
        if since and since < timezone.now() - timedelta(days=UPDATED_SINCE_DAYS_MAX):
            raise ValidationError({"updated_since": [UPDATED_SINCE_MESSAGE]})
        return super().filter_queryset(queryset)
