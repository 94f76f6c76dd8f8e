"""Forms for friction reports: the shape of input only; the rules are the services'."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from accounts.models import FrontlineTeam
from core.forms import (
    BoundedDateField,
    BoundedIntegerField,
    BoundedModelMultipleChoiceField,
    QuickEmailInput,
    QuickTextarea,
)
from core.generations import remembered
from immersion.filters import KnownPersonSelect
from immersion.selectors import executive_options_html, executives
from immersion.selectors.programme import PROGRAMME

from .models import Area, Decision, FrictionReport, Resolution, Severity, Status
from .selectors import (
    NUMBER_MAX,
    decisions_visible_to,
    friction_reports_visible_to,
    typed_number,
)
from .services import REPORT_TRANSITIONS
from .services.decisions import DECISION_TRANSITIONS, VERDICT_REQUIRED_MESSAGE

DESCRIPTION_REQUIRED_MESSAGE = "Describe what happens to customers."
TITLE_REQUIRED_MESSAGE = "Give the report a short title."
AREA_MESSAGE = "Choose the upstream decision area from the list."
CUSTOMERS_MESSAGE = "Give an estimate as a whole number, 0 or more."


class FrictionReportForm(forms.ModelForm):
    anonymous = forms.BooleanField(
        label="File anonymously",
        required=False,
        help_text=(
            "Your name is not stored, not even for administrators. You get a receipt code to "
            "follow the report; keep it, it is shown once."
        ),
    )
    team = forms.ModelChoiceField(
        label="Team that sees it (optional)",
        queryset=FrontlineTeam.objects.all(),
        required=False,
        help_text="Filed by name, your own team is used unless you choose another.",
    )

    class Meta:
        model = FrictionReport
        fields = [
            "title",
            "description",
            "area",
            "channel",
            "customers_per_week",
            "severity",
            "policy_reference",
        ]
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "customers_per_week": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }
        error_messages = {
            "title": {"required": TITLE_REQUIRED_MESSAGE},
            "description": {"required": DESCRIPTION_REQUIRED_MESSAGE},
            "area": {"invalid_choice": AREA_MESSAGE, "required": AREA_MESSAGE},
            "customers_per_week": {
                "invalid": CUSTOMERS_MESSAGE,
                "min_value": CUSTOMERS_MESSAGE,
                "required": CUSTOMERS_MESSAGE,
            },
        }
        labels = {"title": "In a line: what gets in customers' way"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Choose…"), *Area.choices]
        self.fields["severity"].choices = Severity.choices


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label="Receipt code",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class InformationForm(forms.Form):
    text = forms.CharField(
        label="Add information", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


REPORT_NUMBER_MESSAGE = "Give the report's number, a whole number such as 42."
REPORT_NOT_FOUND_MESSAGE = "No report number {number} that you may see."
DECISION_NUMBER_MESSAGE = "Give the decision's number, a whole number such as 7."
DECISION_NOT_FOUND_MESSAGE = "No decision number {number} in the log that you may see."
DECISION_REJECTED_MESSAGE = "Decision {number} was rejected: name the decision that was taken."
SUPERSEDES_ITSELF_MESSAGE = "A decision cannot supersede itself: give the newer one's number."
REPORT_NUMBERS_MESSAGE = "Give report numbers separated by commas or spaces, such as 12, 40 41."
REPORT_NUMBERS_MAX = 100
TOO_MANY_REPORTS_MESSAGE = f"Link at most {REPORT_NUMBERS_MAX} reports at a time."
REPORTS_NOT_FOUND_MESSAGE = "No report numbers {numbers} that you may see."


def _number_field(label: str, message: str, help_text: str) -> BoundedIntegerField:
    """A record named by its number (a select of every record would grow with the table)."""
    return BoundedIntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=NUMBER_MAX,
        help_text=help_text,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _decision_named(*, user, number: int | None, not_rejected: bool) -> Decision | None:
    if number is None:
        return None
    decision = decisions_visible_to(user=user).filter(pk=number).first()
    if decision is None:
        raise forms.ValidationError(DECISION_NOT_FOUND_MESSAGE.format(number=number))
    if not_rejected and decision.status == Decision.Status.REJECTED:
        raise forms.ValidationError(DECISION_REJECTED_MESSAGE.format(number=number))
    return decision


class TriageForm(forms.Form):
    prefix = "triage"
    owner = forms.ModelChoiceField(
        queryset=None, empty_label="Choose an executive…", widget=KnownPersonSelect
    )
    acknowledge_by = BoundedDateField()
    decide_by = BoundedDateField()
    response = forms.CharField(
        label="Message on the timeline (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.queryset = executives()  # what is accepted
        # What is shown: the calendar's executive options, written once and remembered under
        # the programme's generation. Read, normalised and written on every view of a report,
        # the 1,000 executives were a query and ~8 ms of the CX lead's page.
        owner.widget.options_html = executive_options_html()


class TransitionForm(forms.Form):
    prefix = "respond"
    status = forms.ChoiceField(label="New status")
    response = forms.CharField(
        label="Response (public: the reporter and every frontline agent read it)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    resolution = forms.ChoiceField(
        label="How it was resolved", required=False, choices=[("", "—"), *Resolution.choices]
    )
    decline_reason = forms.CharField(
        label="Why it is declined", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    duplicate_of = _number_field(
        "Duplicate of report number",
        REPORT_NUMBER_MESSAGE,
        "For a duplicate: the original's number, 42 in …/frictions/42/.",
    )
    decision = _number_field(
        "The decision that changed the policy (its number)",
        DECISION_NUMBER_MESSAGE,
        "For a policy eliminated or modified: its number in the decision log.",
    )

    def __init__(self, *args, report, user, **kwargs):

        super().__init__(*args, **kwargs)
        self.user = user
        allowed = REPORT_TRANSITIONS.get(report.status, set())
        self.fields["status"].choices = [(s.value, s.label) for s in Status if s in allowed]

    def clean_duplicate_of(self) -> FrictionReport | None:
        # Not the report itself, and never a chain: the service's rules, said on this field.
        number = self.cleaned_data["duplicate_of"]
        if number is None:
            return None
        original = friction_reports_visible_to(user=self.user).filter(pk=number).first()
        if original is None:
            raise forms.ValidationError(REPORT_NOT_FOUND_MESSAGE.format(number=number))
        return original

    def clean_decision(self) -> Decision | None:
        return _decision_named(
            user=self.user, number=self.cleaned_data["decision"], not_rejected=True
        )


class NoteForm(forms.Form):
    prefix = "note"
    text = forms.CharField(
        label="Internal note", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


# The id of the one list of executives on a review's agenda, which every item's owner offers.
REVIEW_OWNERS_LIST = "review-owners"
REVIEW_OWNER_MESSAGE = "No executive has this e-mail address: pick one from the list."


class ExecutiveByEmailField(forms.ModelChoiceField):
    """An executive named by their e-mail address, whatever its case."""

    def to_python(self, value):
        value = (value or "").strip()
        if value in self.empty_values:
            return None
        found = self.queryset.filter(email__iexact=value).first()
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found


# How long the agenda's list of executives is kept at most (the programme's generation, renewed
# by any change of people or roles, retires it sooner).
OWNERS_SECONDS = 3600


class ReviewItemForm(forms.Form):
    decision = forms.CharField(
        label="What was decided", widget=QuickTextarea(attrs={"rows": 2}), required=False
    )
    # Typed with suggestions from one list on the page (REVIEW_OWNERS_LIST), not a select per
    # item: twelve selects of 1,000 executives made the agenda 514 KB and 2.6 s.
    # The executives as a class attribute, copied (cloned) into each form: built per form, the
    # agenda's twelve forms spent ~3 ms making the same query.
    owner = ExecutiveByEmailField(
        queryset=executives(),
        required=False,
        to_field_name="email",
        widget=QuickEmailInput(attrs={"list": REVIEW_OWNERS_LIST, "autocomplete": "off"}),
        help_text="An executive's e-mail address: type a name and pick from the list.",
        error_messages={"invalid_choice": REVIEW_OWNER_MESSAGE},
    )
    committed_date = BoundedDateField(label="Date committed", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # Bootstrap's look, without crispy (the agenda)
            field.widget.attrs.setdefault("class", "form-control")

    @staticmethod
    def owner_datalist() -> str:
        """The list of executives the owners are picked from (e-mail, name), written in one
        pass (a loop over 1,000 in a template took 80 ms) and remembered in the shared cache
        under the programme's generation, which a person saved or a change of roles renews."""

        def written() -> str:
            people = executives().order_by("display_name").values_list("email", "display_name")
            return "".join(
                f'<option value="{escape(email)}">{escape(name)}</option>' for email, name in people
            )

        options = remembered(PROGRAMME, "review-owners:v1", written, timeout=OWNERS_SECONDS)
        return format_html(
            '<datalist id="{}">{}</datalist>',
            REVIEW_OWNERS_LIST,
            mark_safe(options),  # noqa: S308 - escaped when written
        )

    def clean(self):
        data = super().clean()
        if bool(data.get("owner")) != bool(data.get("committed_date")):
            raise forms.ValidationError("Give both the owner and the date committed, or neither.")
        return data


class DecisionForm(forms.ModelForm):
    friction_reports = forms.CharField(
        label="Friction reports it answers",
        required=False,
        max_length=2000,
        help_text="Their numbers, separated by commas or spaces: 12, 40 41.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    class Meta:
        model = Decision
        fields = [
            "title",
            "area",
            "context",
            "options_considered",
            "decision",
            "owner",
            "deciders",
            "decided_on",
            "review_by",
            "impact_who",
            "impact_effect",
            "impact_evidence",
            "friction_reports",
        ]
        widgets = {
            "context": forms.Textarea(attrs={"rows": 3}),
            "options_considered": forms.Textarea(attrs={"rows": 3}),
            "decision": forms.Textarea(attrs={"rows": 3}),
            "impact_who": forms.Textarea(attrs={"rows": 2}),
            "impact_effect": forms.Textarea(attrs={"rows": 2}),
            "impact_evidence": forms.Textarea(attrs={"rows": 2}),
            "deciders": forms.SelectMultiple(attrs={"size": 6}),
        }
        field_classes = {
            "decided_on": BoundedDateField,
            "review_by": BoundedDateField,
            "deciders": BoundedModelMultipleChoiceField,
        }
        help_texts = {
            "impact_who": "Required before approval, with the two below.",
            "review_by": "When to check whether it had the effect expected.",
        }

    def __init__(self, *args, user, **kwargs):

        super().__init__(*args, **kwargs)
        self.user = user
        people = executives().order_by("display_name")
        self.fields["owner"].queryset = people
        self.fields["deciders"].queryset = people
        # Linking only adds (see decision_save), so the field starts empty: what is already
        # linked is listed on the decision's page and stays linked.
        self.initial["friction_reports"] = ""
        if self.instance.pk:
            self.fields["friction_reports"].label = "More friction reports it answers"

    def clean_friction_reports(self) -> list[FrictionReport]:
        numbers: list[int] = []
        for word in re.split(r"[\s,;]+", self.cleaned_data["friction_reports"].strip()):
            if not word:
                continue
            number = typed_number(word)
            if number is None:
                raise forms.ValidationError(REPORT_NUMBERS_MESSAGE)
            if number not in numbers:
                numbers.append(number)
        if len(numbers) > REPORT_NUMBERS_MAX:
            raise forms.ValidationError(TOO_MANY_REPORTS_MESSAGE)
        found = friction_reports_visible_to(user=self.user).in_bulk(numbers)
        if missing := [str(n) for n in numbers if n not in found]:
            raise forms.ValidationError(
                REPORTS_NOT_FOUND_MESSAGE.format(numbers=", ".join(missing))
            )
        return [found[n] for n in numbers]


class DecisionStatusForm(forms.Form):
    prefix = "status"
    status = forms.ChoiceField(label="New status")
    note = forms.CharField(label="Why (kept in the history)", required=False)
    superseded_by = _number_field(
        "Superseded by decision number",
        DECISION_NUMBER_MESSAGE,
        "For a superseded decision: the newer decision's number in the log.",
    )

    def __init__(self, *args, decision, user, **kwargs):

        super().__init__(*args, **kwargs)
        self.decision = decision
        self.user = user
        allowed = DECISION_TRANSITIONS.get(decision.status, set())
        self.fields["status"].choices = [
            (s.value, s.label) for s in Decision.Status if s in allowed
        ]
        if Decision.Status.SUPERSEDED not in allowed:
            del self.fields["superseded_by"]  # asked only where it can be the answer

    def clean_superseded_by(self) -> Decision | None:
        number = self.cleaned_data["superseded_by"]
        if number is not None and number == self.decision.pk:
            raise forms.ValidationError(SUPERSEDES_ITSELF_MESSAGE)
        return _decision_named(user=self.user, number=number, not_rejected=False)


class OutcomeForm(forms.Form):
    prefix = "outcome"
    # The service refuses an outcome without one too, with the same message.
    verdict = forms.ChoiceField(
        label="Did the change hold?",
        choices=[("", "Choose…"), *Decision.Verdict.choices],
        error_messages={"required": VERDICT_REQUIRED_MESSAGE},
    )
    text = forms.CharField(
        label="What happened", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


EVIDENCE_NUMBER_MESSAGE = "Give the number in its address, or paste the address."


class EvidenceForm(forms.Form):
    prefix = "evidence"
    kind = forms.ChoiceField(
        choices=[
            ("friction_report", "Friction report"),
            ("session", "Session"),
            ("reflection", "Reflection"),
            ("journey", "Journey walked"),
            ("escalation", "Escalation"),
        ]
    )
    number = forms.CharField(
        label="Its number or address",
        max_length=500,
        help_text="The number in its address, e.g. 42 for …/sessions/42/, or the whole address.",
    )

    def clean_number(self):
        found = re.findall(r"[0-9]+", self.cleaned_data["number"])
        # A longer run of digits is no record's number (and would overflow the database).
        if not found or len(found[-1]) > 10 or not 1 <= int(found[-1]) <= NUMBER_MAX:
            raise forms.ValidationError(EVIDENCE_NUMBER_MESSAGE)
        return int(found[-1])


class IntegrationForm(forms.Form):
    name = forms.CharField(
        label="The tool's name", max_length=100, help_text="For example: Zendesk, Genesys."
    )
