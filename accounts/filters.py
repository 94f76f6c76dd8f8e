"""The people list's filters (django-filter), applied by `selectors.people_list`."""

import django_filters
from django.db.models import Q

from core.forms import FilterForm, QuickSelect

from .models import Department, FrontlineTeam, User
from .roles import Role

STATUS_CHOICES = [("active", "Active"), ("inactive", "Deactivated"), ("all", "Everyone")]


class _NameSelect(QuickSelect):
    """A department or team filter read as names: at issue 14's volume the team filter built
    ~330 FrontlineTeam instances on every view of the people page, only to print their names."""

    label_fields = ("name",)


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search", max_length=100)
    role = django_filters.ChoiceFilter(
        field_name="groups__name", choices=Role.choices, empty_label="Any role"
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), empty_label="Any department", widget=_NameSelect
    )
    team = django_filters.ModelChoiceFilter(
        field_name="frontline_team",
        queryset=FrontlineTeam.objects.all(),
        empty_label="Any team",
        widget=_NameSelect,
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="by_status", empty_label=None
    )

    class Meta:
        model = User
        fields = ["q", "role", "department", "team", "status"]
        form = FilterForm

    def search(self, queryset, name, value):
        """Every word in the name, e-mail or title."""
        for word in value.split():
            queryset = queryset.filter(
                Q(display_name__icontains=word)
                | Q(email__icontains=word)
                | Q(title__icontains=word)
            )
        return queryset

    def by_status(self, queryset, name, value):
        return queryset  # applied in filter_queryset, so that no status means active people

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        status = self.form.cleaned_data.get("status") or "active"
        if status == "all":
            return queryset
        return queryset.filter(is_active=status == "active")
