"""The programme's list filters (django-filter), applied by the lists' selectors: the calendar
(`selectors.calendar_sessions`), the reflections (`selectors.reflection_search`) and the
customer call list (`selectors.customer_search`). A value a filter cannot read is left out,
with the reason on the form; the rest of the filters still apply.

(No import of `immersion.forms` or `immersion.selectors` here: both import this module's
users, and the cycle would break whichever loads first.)"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from accounts.models import Department, FrontlineTeam, User
from accounts.roles import Role
from accounts.selectors import people_with_role
from core.forms import BoundedDateField, DateInput, FilterForm

from .models import ActivityType, Customer, Participant, Reflection, Session

MANAGE = "immersion.manage_programme"
SHARED = "immersion.view_shared_reflections"
SEARCH_MAX = 100


def _executives() -> QuerySet[User]:
    return people_with_role(role=Role.EXECUTIVE).select_related("department")


def _search(placeholder: str) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder})


class _QuickSelect(forms.Select):
    """A select of records drawn in one pass of Python from `label_fields` read as values: the
    calendar's executive and team filters list every one of 1,000 executives and 200 teams,
    and Django's per-option templates and model instances took 650 ms of the month's page."""

    label_fields: tuple[str, ...] = ("name",)

    def label(self, *values) -> str:
        return values[0]

    def _options(self):
        field = self.choices.field
        if field.empty_label is not None:
            yield "", field.empty_label
        for pk, *values in field.queryset.values_list("pk", *self.label_fields):
            yield pk, self.label(*values)

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) == chosen else ""}>'
            f"{escape(label)}</option>"
            for key, label in self._options()
        )
        attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return format_html("<select{}>{}</select>", attrs, mark_safe(options))  # noqa: S308 - escaped above


class _PersonSelect(_QuickSelect):
    label_fields = ("display_name", "title")

    def label(self, name, title) -> str:
        return f"{name} — {title}" if title else name


class _PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} — {obj.title}" if obj.title else obj.display_name


class _PersonFilter(django_filters.ModelChoiceFilter):
    field_class = _PersonField


class _WhereMixin:
    """Where the calendar is (month or week, which day): read by the view to choose the
    window, not a filter of the sessions in it."""

    def filter(self, qs, value):
        return qs


class _ViewFilter(_WhereMixin, django_filters.ChoiceFilter):
    pass


class _DayFilter(_WhereMixin, django_filters.DateFilter):
    field_class = BoundedDateField


class CalendarFilter(django_filters.FilterSet):
    """The people filters test for a participant (EXISTS) rather than join participants, so a
    session is never repeated and the calendar needs no DISTINCT around its per-day ranking."""

    view = _ViewFilter(
        choices=[("month", "Month"), ("week", "Week"), ("day", "Day")], empty_label=None
    )
    date = _DayFilter(widget=DateInput, label="Go to")
    activity = django_filters.ModelChoiceFilter(
        field_name="activity_type",
        queryset=ActivityType.objects.all(),
        label="Activity",
        empty_label="Every activity",
    )
    executive = _PersonFilter(
        queryset=lambda request: _executives(),
        method="by_executive",
        label="Executive",
        empty_label="Every executive",
        widget=_PersonSelect,
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(),
        method="by_department",
        label="Department",
        empty_label="Every department",
    )
    team = django_filters.ModelChoiceFilter(
        field_name="host_team",
        queryset=FrontlineTeam.objects.all(),
        label="Team",
        empty_label="Every team",
        widget=_QuickSelect,
    )

    class Meta:
        model = Session
        fields = ["view", "date", "activity", "executive", "department", "team"]
        form = FilterForm

    def by_executive(self, queryset, name, value):
        return queryset.filter(Exists(_active_places().filter(person=value)))

    def by_department(self, queryset, name, value):
        return queryset.filter(Exists(_active_places().filter(person__department=value)))


def _active_places() -> QuerySet[Participant]:
    return Participant.objects.filter(session=OuterRef("pk"), is_active=True)


class ReflectionFilter(django_filters.FilterSet):
    """`user` decides the filters: only those who read other people's reflections (the CX
    lead, leadership) may pick an executive."""

    q = django_filters.CharFilter(
        method="search",
        label="Search",
        max_length=SEARCH_MAX,
        widget=_search("A word from what was written"),
    )
    person = _PersonFilter(
        field_name="participant__person",
        queryset=lambda request: _executives(),
        label="Executive",
        empty_label="Everyone",
    )

    class Meta:
        model = Reflection
        fields = ["q", "person"]
        form = FilterForm

    def __init__(self, data=None, queryset=None, *, user: User, **kwargs):
        super().__init__(data, queryset, **kwargs)
        if not (user.has_perm(MANAGE) or user.has_perm(SHARED)):
            del self.filters["person"]

    def search(self, queryset, name, value):
        """The words as typed, in any of the answers or a friction line."""
        return queryset.filter(
            Q(surprised__icontains=value)
            | Q(would_change__icontains=value)
            | Q(customer_quote__icontains=value)
            | Q(frictions__text__icontains=value)
        ).distinct()


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        max_length=SEARCH_MAX,
        widget=_search("Name, account or e-mail"),
    )

    class Meta:
        model = Customer
        fields = ["q"]
        form = FilterForm

    def search(self, queryset, name, value):
        """The words as typed, in the name, the account or the e-mail."""
        return queryset.filter(
            Q(name__icontains=value) | Q(account__icontains=value) | Q(email__icontains=value)
        )
