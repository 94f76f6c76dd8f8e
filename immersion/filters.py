"""The programme's list filters (django-filter), applied by the lists' selectors: the calendar
(`selectors.calendar_sessions`), the reflections (`selectors.reflection_search`) and the
customer call list (`selectors.customer_search`). A value a filter cannot read is left out,
with the reason on the form; the rest of the filters still apply.

(No import of `immersion.forms` or `immersion.selectors` here: both import this module's
users, and the cycle would break whichever loads first.)"""

import re

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Exists, Expression, OuterRef, Q, QuerySet
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from accounts.models import Department, FrontlineTeam, User
from accounts.roles import Role
from accounts.selectors import people_with_role
from core.forms import BoundedDateField, DateInput, FilterForm, QuickSelect

from .models import ActivityType, Customer, Participant, Reflection, Session

MANAGE = "immersion.manage_programme"
SHARED = "immersion.view_shared_reflections"
SEARCH_MAX = 100
# The text search configuration of the reflections' stored words (migration 0015).
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


def person_options_html(people: QuerySet[User]) -> str:
    """`people` as a _PersonSelect's options, in its order and with its labels, without the
    empty choice: what `KnownPersonSelect` is handed."""
    select = _PersonSelect()
    return "".join(
        f'<option value="{pk}">{escape(select.label(*values))}</option>'
        for pk, *values in people.values_list("pk", *select.label_fields)
    )


class KnownPersonSelect(_PersonSelect):
    """The executive filter of the calendar and the reflections page, whose 1,000 options the
    view hands over rendered (`options_html`, from `person_options_html`, remembered by the
    selectors): read and written on every view, they were ~10 ms of it. Read as _PersonSelect
    reads them when nothing is handed over."""

    options_html: str | None = None

    def render(self, name, value, attrs=None, renderer=None):
        if self.options_html is None:
            return super().render(name, value, attrs, renderer)
        options, empty = self.options_html, ""
        for chosen in self.format_value(value):
            if not chosen:
                empty = " selected"
                continue
            mark = f'<option value="{escape(chosen)}">'
            options = options.replace(mark, f"{mark[:-1]} selected>", 1)
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html(
            '<select{}><option value=""{}>{}</option>{}</select>',
            flatatt(final),
            empty,
            self.choices.field.empty_label,
            mark_safe(options),  # noqa: S308 - escaped by person_options_html
        )


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
        widget=KnownPersonSelect,
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
        widget=KnownPersonSelect,
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

        PostgreSQL: full-text search of the words each reflection keeps stored, its lines' with
        them (`reflection_text_search`, migration 0015): stemmed, so "prices" finds "price";
        each word may be the start of one, as "pric" finds "price"; the order stays the
        list's, newest written first, as the pages read "Newer"/"Older".
        Elsewhere (SQLite, the demo): the words as typed, with icontains."""
        if connection.vendor == "postgresql":
            return reflection_text_search(queryset, value)
        return queryset.filter(
            Q(surprised__icontains=value)
            | Q(would_change__icontains=value)
            | Q(customer_quote__icontains=value)
            | Q(frictions__text__icontains=value)
        ).distinct()


class _StoredWords(Expression):
    """What a reflection says, its friction lines with it, as PostgreSQL keeps it in the
    reflection's `search_vector` column (migration 0015; not on the model, which SQLite could
    not hold), on whatever alias the query gives the reflections' table."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name('search_vector')}", []


def reflection_text_search(queryset: QuerySet[Reflection], value: str) -> QuerySet[Reflection]:
    """`queryset` narrowed to reflections whose answers and friction lines hold every word of
    `value` (PostgreSQL only), through the words each reflection keeps stored (migration
    0015). Whichever way the planner goes, walking the newest-first index until a page is full
    (a common word), counting the first matches, or reading the index (a rare word), testing a
    row is reading it: "price" (9,400 matches) takes ~1 ms a page and ~2 ms to count. Matched
    on two expression indexes joined by UNION, every match was joined to all 140,000
    reflections before 20 were taken (70 ms, and 40 more to count)."""
    words = re.findall(r"\w+", value)
    if not words:
        return queryset.none()
    # Only word characters reach to_tsquery, so nothing typed can break its syntax.
    query = SearchQuery(
        " & ".join(f"{word}:*" for word in words), search_type="raw", config=SEARCH_CONFIG
    )
    return queryset.alias(found=_StoredWords()).filter(found=query)


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
