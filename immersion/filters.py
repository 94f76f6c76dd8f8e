"""The programme's list filters (django-filter), applied by the lists' selectors: the calendar
(`selectors.calendar_sessions`), the reflections (`selectors.reflection_search`) and the
customer call list (`selectors.customer_search`). A value a filter cannot read is left out,
with the reason on the form; the rest of the filters still apply.

(No import of `immersion.forms` or `immersion.selectors` here: both import this module's
users, and the cycle would break whichever loads first.)"""

import re

import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Department, FrontlineTeam, User
from accounts.roles import Role
from accounts.selectors import people_with_role
from core.forms import BoundedDateField, DateInput, FilterForm, QuickSelect

from .models import ActivityType, Customer, Participant, Reflection, ReflectionFriction, Session

MANAGE = "immersion.manage_programme"
SHARED = "immersion.view_shared_reflections"
SEARCH_MAX = 100
# The text search configuration of the reflections' full-text indexes (migration 0010).
SEARCH_CONFIG = "english"


def _executives() -> QuerySet[User]:
    return people_with_role(role=Role.EXECUTIVE).select_related("department")


def _search(placeholder: str) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder})


class _NameSelect(QuickSelect):
    """The calendar's team filter: 200 teams read as names."""

    label_fields = ("name",)


class _PersonSelect(QuickSelect):
    """An executive filter (1,000 at issue 14's volume): names and titles read as values,
    labelled as `_PersonField.label_from_instance` labels them."""

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
        widget=_NameSelect,
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
        widget=_PersonSelect,
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
        """Every word typed (or a word beginning so), in any of the answers or a friction line.

        PostgreSQL: full-text search through the GIN indexes of migration 0010 (stemmed, so
        "prices" finds "price"; each word may be the start of one, as "pric" finds "price");
        the order stays the list's, newest session first, as the pages read "Newer"/"Older".
        Elsewhere (SQLite, the demo): the words as typed, with icontains."""
        if connection.vendor == "postgresql":
            return reflection_text_search(queryset, value)
        return queryset.filter(
            Q(surprised__icontains=value)
            | Q(would_change__icontains=value)
            | Q(customer_quote__icontains=value)
            | Q(frictions__text__icontains=value)
        ).distinct()


def reflection_search_vector():
    """What a reflection says, as the expression of its GIN index (migration 0010)."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector("surprised", "would_change", "customer_quote", config=SEARCH_CONFIG)


def friction_search_vector():
    """A friction line, as the expression of its GIN index (migration 0010)."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector("text", config=SEARCH_CONFIG)


def reflection_text_search(queryset: QuerySet[Reflection], value: str) -> QuerySet[Reflection]:
    """`queryset` narrowed to reflections whose text or friction lines hold every word of
    `value` (PostgreSQL only). The two index searches are joined by UNION rather than OR: an OR
    across the join would read every row (3.8 s at 140,000 reflections)."""
    from django.contrib.postgres.search import SearchQuery

    words = re.findall(r"\w+", value)
    if not words:
        return queryset.none()
    # Only word characters reach to_tsquery, so nothing typed can break its syntax.
    query = SearchQuery(
        " & ".join(f"{word}:*" for word in words), search_type="raw", config=SEARCH_CONFIG
    )
    by_text = (
        Reflection.objects.annotate(found=reflection_search_vector())
        .filter(found=query)
        .order_by()
        .values("pk")
    )
    by_friction = (
        ReflectionFriction.objects.annotate(found=friction_search_vector())
        .filter(found=query)
        .order_by()
        .values("reflection_id")
    )
    return queryset.filter(pk__in=by_text.union(by_friction))


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
