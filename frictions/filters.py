"""The filters of the friction board and the decision log (django-filter), applied by their
selectors (`friction_board`, `decision_log`). A value a filter cannot read is left out, and the
form says why."""

import django_filters
from django import forms

from accounts.models import FrontlineTeam
from core.calendar import org_today
from core.forms import FilterForm

from .models import OPEN_FIRST, OPEN_STATUSES, Area, Decision, FrictionReport, Status

SORTS = {
    "supported": "Most supported",
    "newest": "Newest",
    "overdue": "Oldest overdue, then next due",
}
DEFAULT_SORT = "supported"


class BoardFilter(django_filters.FilterSet):
    area = django_filters.ChoiceFilter(choices=Area.choices, label="Area", empty_label="All areas")
    status = django_filters.ChoiceFilter(
        choices=[("open", "Open"), *Status.choices],
        method="by_status",
        label="Status",
        empty_label="Any status",
    )
    team = django_filters.ModelChoiceFilter(
        queryset=FrontlineTeam.objects.all(), label="Team", empty_label="All teams"
    )
    overdue = django_filters.BooleanFilter(
        method="only_overdue", label="Overdue only", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        choices=list(SORTS.items()), method="sorted_by", label="Sort", empty_label=None
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
