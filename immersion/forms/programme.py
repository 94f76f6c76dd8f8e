"""Input checks for the programme's pages. Rules that hold the data are in services; these
only turn what was typed into values, in the viewer's own time zone."""

from datetime import date, datetime, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Department, FrontlineTeam
from core.calendar import org_today
from core.forms import (
    INT_MAX,
    BoundedDateField,
    BoundedIntegerField,
    BoundedModelMultipleChoiceField,
    QuickCheckboxes,
    TimeInput,
)
from core.models import Holiday

from ..models import (
    ActivityType,
    CadenceTarget,
    Escalation,
    OfficerDesk,
    OfficerDeskTeam,
)
from ..planner import bucket_after
from ..selectors import (
    executives,
    frontline_agents,
)

MAX_DAYS = 400
RANGE_BACKWARDS_MESSAGE = "The last day must be on or after the first day."
RANGE_TOO_LONG_MESSAGE = f"Plan at most {MAX_DAYS} days at a time."
RANGE_PAST_MESSAGE = "Those dates are over; choose dates from today on."
CHOOSE_EXECUTIVES_MESSAGE = "Choose at least one executive."
CHOOSE_DEPARTMENT_MESSAGE = "Choose the department."
# Up to this many executives the builder lists them all to tick; beyond, the list (1,000
# executives: 290 KB of the page's 355 KB) gives way to a search, and only those chosen so far
# are drawn.
CHOOSE_FROM_LIST_UP_TO = 60
SEARCH_MAX = 100
SEARCH_TOO_LONG_MESSAGE = f"Search with at most {SEARCH_MAX} characters."
HOST_TEAMS_MESSAGE = "{activity} is held with a frontline team: choose at least one host team."
DURATION_MESSAGE = "A session lasts between 5 minutes and 24 hours."
AGENT_TEAM_MESSAGE = "{agent} is not on {team}; choose one of its agents or another team."


def _label_person(person) -> str:
    return f"{person.display_name} — {person.title}" if person.title else person.display_name


class ExecutiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _label_person(obj)


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.frontline_team})" if obj.frontline_team_id else str(obj)


class ExecutivesChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _label_person(obj)


class WhenMixin(forms.Form):
    """A day, a start time and a length, read in the viewer's time zone."""

    day = BoundedDateField()
    start_time = forms.TimeField(widget=TimeInput, label="Starts at")
    duration_minutes = BoundedIntegerField(
        label="Length (minutes)",
        min_value=5,
        max_value=24 * 60,
        required=False,
        help_text="Leave empty for the activity's usual length.",
        error_messages={"min_value": DURATION_MESSAGE, "max_value": DURATION_MESSAGE},
    )

    def when(self, default_minutes: int) -> tuple[datetime, datetime]:
        data = self.cleaned_data
        start = timezone.make_aware(
            datetime.combine(data["day"], data["start_time"]), timezone.get_current_timezone()
        )
        return start, start + timedelta(minutes=data.get("duration_minutes") or default_minutes)


class HostMixin(forms.Form):
    """Which team hosts a session and, optionally, which of its agents the executive sits with."""

    host_team = forms.ModelChoiceField(
        queryset=FrontlineTeam.objects.all(), required=False, empty_label="No host team"
    )
    host_agent = AgentChoiceField(
        queryset=None,
        required=False,
        empty_label="No one in particular",
        label="Sit with (frontline agent)",
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Notes for participants"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_agent"].queryset = frontline_agents()

    def clean(self):
        cleaned = super().clean()
        team, agent = cleaned.get("host_team"), cleaned.get("host_agent")
        if agent and team and agent.frontline_team_id != team.pk:
            self.add_error("host_agent", AGENT_TEAM_MESSAGE.format(agent=agent, team=team))
        return cleaned


class SessionCreateForm(HostMixin, WhenMixin):
    activity_type = forms.ModelChoiceField(queryset=ActivityType.objects.filter(is_active=True))
    participants = ExecutivesChoiceField(
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )

    desk = forms.ModelChoiceField(
        queryset=OfficerDesk.objects.filter(is_active=True),
        required=False,
        empty_label="Every desk",
        label="Officer of the Day desk",
        help_text="For an Officer of the Day shift: the desk it covers.",
    )

    field_order = [
        "activity_type",
        "day",
        "start_time",
        "duration_minutes",
        "participants",
        "desk",
        "host_team",
        "host_agent",
        "notes",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = executives()

    def clean(self):
        cleaned = super().clean()
        activity = cleaned.get("activity_type")
        if activity and activity.needs_host_team and not cleaned.get("host_team"):
            self.add_error("host_team", HOST_TEAMS_MESSAGE.format(activity=activity))
        return cleaned


class SessionEditForm(HostMixin, WhenMixin):
    field_order = ["day", "start_time", "duration_minutes", "host_team", "host_agent", "notes"]


class ReassignForm(forms.Form):
    person = forms.ModelChoiceField(queryset=None, label="Take the place of")
    replacement = ExecutiveChoiceField(queryset=None, label="Give it to")

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        people = [p.person_id for p in session.participants.filter(is_active=True)]
        self.fields["person"].queryset = get_user_model().objects.filter(pk__in=people)
        self.fields["replacement"].queryset = executives().exclude(pk__in=people)


class SwapRequestForm(forms.Form):
    offered_to = ExecutiveChoiceField(
        queryset=None,
        required=False,
        empty_label="Anyone who can take it",
        label="Ask",
        help_text="A named colleague gets an e-mail; anyone else sees it on their schedule.",
    )
    message = forms.CharField(max_length=300, required=False, label="Message (optional)")

    def __init__(self, *args, requested_by, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offered_to"].queryset = executives().exclude(pk=requested_by.pk)


class TimeOffForm(forms.Form):
    person = ExecutiveChoiceField(queryset=None, required=False, label="For", empty_label="Myself")
    start_date = BoundedDateField(label="First day")
    end_date = BoundedDateField(label="Last day")
    note = forms.CharField(
        max_length=200, required=False, help_text="Only you and the CX lead see this."
    )

    def __init__(self, *args, for_others: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if for_others:
            self.fields["person"].queryset = executives()
        else:
            del self.fields["person"]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("start_date"), cleaned.get("end_date")
        if first and last and last < first:
            self.add_error("end_date", RANGE_BACKWARDS_MESSAGE)
        return cleaned


class CadenceTargetForm(forms.ModelForm):
    class Meta:
        model = CadenceTarget
        fields = [
            "activity_type",
            "amount",
            "unit",
            "period",
            "applies_to",
            "department",
            "is_active",
        ]
        labels = {"is_active": "In force"}
        help_texts = {
            "is_active": "A change applies from today: earlier quarters are still judged by "
            "the target as it was then."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].empty_label = "Every department"
        self.fields["amount"].widget.attrs["min"] = "0.25"
        self.fields["amount"].widget.attrs["step"] = "0.25"


class ActivityTypeForm(forms.ModelForm):
    default_duration_minutes = BoundedIntegerField(
        min_value=5, max_value=24 * 60, initial=60, label="Usual length (minutes)"
    )

    class Meta:
        model = ActivityType
        fields = [
            "name",
            "pillar",
            "mode",
            "description",
            "counts_as_customer_time",
            "needs_host_team",
            "default_duration_minutes",
            "default_start_time",
            "exercise",
            "is_active",
        ]
        widgets = {
            "default_start_time": TimeInput,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"default_duration_minutes": "Usual length (minutes)", "is_active": "In use"}

    def save(self, commit=True):
        if not self.instance.slug:
            self.instance.slug = _unique_slug(self.instance.name)
        return super().save(commit)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "activity"
    slug, n = base, 2
    while ActivityType.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class OfficerDeskForm(forms.ModelForm):
    """A desk, and the frontline teams whose escalations come to it."""

    teams = BoundedModelMultipleChoiceField(
        queryset=FrontlineTeam.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Frontline teams that escalate here",
        help_text="A team escalates to one desk: ticking it here moves it from another desk. "
        "Teams on no desk escalate to the first desk.",
    )

    class Meta:
        model = OfficerDesk
        fields = ["name", "kind", "is_active"]
        labels = {"is_active": "In use (rotations plan an officer here every working day)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["teams"] = list(
                OfficerDeskTeam.objects.filter(desk=self.instance).values_list("team", flat=True)
            )


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "name"]
        field_classes = {"date": BoundedDateField}


class _TeamBoxes(QuickCheckboxes):
    label_fields = ("name",)


class RotationForm(forms.Form):
    PERIODS = [
        ("next_month", "Next month"),
        ("next_quarter", "Next quarter"),
        ("range", "These dates"),
    ]
    WHO = [
        ("all", "Every executive"),
        ("department", "One department"),
        ("chosen", "The executives I choose"),
    ]

    activity_type = forms.ModelChoiceField(
        queryset=ActivityType.objects.filter(is_active=True), label="Activity"
    )
    period = forms.ChoiceField(choices=PERIODS, widget=forms.RadioSelect, initial="next_month")
    start_date = BoundedDateField(required=False, label="From")
    end_date = BoundedDateField(required=False, label="To")
    who = forms.ChoiceField(choices=WHO, widget=forms.RadioSelect, initial="all", label="For")
    department = forms.ModelChoiceField(queryset=Department.objects.all(), required=False)
    chosen = ExecutivesChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Executives"
    )
    host_teams = BoundedModelMultipleChoiceField(
        queryset=FrontlineTeam.objects.filter(weekly_listener_capacity__gt=0),
        required=False,
        widget=_TeamBoxes,
        label="Host teams",
    )
    cover_every_day = forms.BooleanField(
        required=False, label="Officer of the Day: cover every working day, not just the targets"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = executives()
        self.fields["chosen"].queryset = people
        # One read decides and, for a programme small enough, is the list: a COUNT and then
        # the list were a query more on a small programme than on a large one. Only what a
        # label shows: 61 people with their departments, every column, on each view at scale.
        shown = people.select_related(None).only("display_name", "title")
        listed = list(shown[: CHOOSE_FROM_LIST_UP_TO + 1])
        self.search_executives = len(listed) > CHOOSE_FROM_LIST_UP_TO
        if not self.search_executives:
            self.fields["chosen"].widget.choices = [(p.pk, _label_person(p)) for p in listed]

    def chosen_people(self) -> list:
        """The executives ticked so far, as posted (drawn ticked above the search)."""
        values = self.data.getlist(self.add_prefix("chosen")) if self.is_bound else []
        return list(executives().filter(pk__in=_ids(values)))

    def clean(self):
        cleaned = super().clean()
        start, end = self._dates(cleaned)
        if start and end:
            if end < start:
                self.add_error("end_date", RANGE_BACKWARDS_MESSAGE)
            elif (end - start).days > MAX_DAYS:
                self.add_error("end_date", RANGE_TOO_LONG_MESSAGE)
            elif end < org_today():
                self.add_error("end_date", RANGE_PAST_MESSAGE)
            cleaned["start"], cleaned["end"] = max(start, org_today()), end
        who = cleaned.get("who")
        if who == "department" and not cleaned.get("department"):
            self.add_error("department", CHOOSE_DEPARTMENT_MESSAGE)
        if who == "chosen" and not cleaned.get("chosen"):
            self.add_error("chosen", CHOOSE_EXECUTIVES_MESSAGE)
        activity = cleaned.get("activity_type")
        if activity and activity.needs_host_team and not cleaned.get("host_teams"):
            self.add_error("host_teams", HOST_TEAMS_MESSAGE.format(activity=activity))
        if not self.errors and not self.selected_executives(cleaned):
            self.add_error(None, CHOOSE_EXECUTIVES_MESSAGE)
        return cleaned

    def _dates(self, cleaned) -> tuple[date | None, date | None]:
        period = {"next_month": "month", "next_quarter": "quarter"}.get(cleaned.get("period"))
        if period:
            following = bucket_after(period, org_today())
            return following.first, following.last
        for name in ("start_date", "end_date"):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, "Give the date.")
        return cleaned.get("start_date"), cleaned.get("end_date")

    def selected_executives(self, cleaned=None) -> list:
        cleaned = cleaned or self.cleaned_data
        people = executives()
        if cleaned.get("who") == "department":
            people = people.filter(department=cleaned.get("department"))
        elif cleaned.get("who") == "chosen":
            people = people.filter(pk__in=[p.pk for p in cleaned.get("chosen") or []])
        return list(people)


class ExecutiveSearchForm(forms.Form):
    """The rotation builder's search for executives to add (an organisation too large to
    list them all); `chosen` are those already ticked, left out of the matches."""

    q = forms.CharField(
        max_length=SEARCH_MAX,
        required=False,
        strip=True,
        error_messages={"max_length": SEARCH_TOO_LONG_MESSAGE},
    )

    def chosen_people(self) -> list:
        """Those already ticked (sent along as `chosen`): drawn ticked, left out of the
        matches. A value that is not an executive's number is dropped."""
        values = self.data.getlist("chosen") if self.is_bound else []
        return list(executives().filter(pk__in=_ids(values)))


def _ids(values) -> list[int]:
    return [int(v) for v in values if v.isdigit() and int(v) <= INT_MAX]


class EscalationForm(forms.ModelForm):
    """With several Officer of the Day desks the agent may choose one; left empty (or with a
    single desk, when the field is not shown) it goes to their team's desk."""

    class Meta:
        model = Escalation
        fields = ["customer_reference", "channel", "urgency", "desk", "what_happened"]
        widgets = {"what_happened": forms.Textarea(attrs={"rows": 5})}
        labels = {"what_happened": "What happened, and what the customer needs"}

    def __init__(self, *args, desks=None, **kwargs):
        super().__init__(*args, **kwargs)
        desks = list(desks if desks is not None else OfficerDesk.objects.filter(is_active=True))
        if len(desks) < 2:
            del self.fields["desk"]
            return
        field = self.fields["desk"]
        field.queryset = OfficerDesk.objects.filter(pk__in=[d.pk for d in desks])
        field.required = False
        field.empty_label = "My team's desk"
        field.label = "Officer of the Day desk"
        field.help_text = "Another region, contact centre or line of business, if it is theirs."


class ResolveForm(forms.Form):
    resolution_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="How it was resolved",
        error_messages={"required": "Say how it was resolved."},
    )
