"""Forms for what follows a session: attendance, reflection, journeys, customer calls.

They check the shape of input only; the rules (limits, locks, who may) are the services'.
"""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from core.forms import BoundedDateField, BoundedIntegerField, CsvUploadForm

from ..models import JourneyTemplate, QuestionSet, Reflection
from ..services.calls import MAX_DRAW
from ..services.followthrough import (
    INTERACTIONS_MAX,
    INTERACTIONS_NEGATIVE_MESSAGE,
    MINUTES_MAX,
    MINUTES_NEGATIVE_MESSAGE,
)

WHOLE_NUMBER_MESSAGE = "Enter a whole number."


class LinesField(forms.CharField):
    """A textarea read as a list: one item per line, blank lines dropped."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value):
        text = super().to_python(value)
        # CharField's own NUL check sees the list, whose repr hides the character.
        ProhibitNullCharactersValidator()(text)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value


def yes_no_field(label: str, yes: str, no: str) -> forms.TypedChoiceField:
    """A required choice between two labelled answers, cleaned to True or False."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", yes), ("no", no)],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class AttendanceForm(forms.Form):
    attended = yes_no_field("Did you attend?", "Attended", "Missed")
    minutes = BoundedIntegerField(
        label="Minutes spent",
        max_value=MINUTES_MAX,
        required=False,
        error_messages={"invalid": WHOLE_NUMBER_MESSAGE, "min_value": MINUTES_NEGATIVE_MESSAGE},
        help_text="Leave empty for the whole session.",
    )
    interactions = BoundedIntegerField(
        label="Customer calls or interactions observed",
        max_value=INTERACTIONS_MAX,
        required=False,
        error_messages={
            "invalid": WHOLE_NUMBER_MESSAGE,
            "min_value": INTERACTIONS_NEGATIVE_MESSAGE,
        },
    )

    def __init__(self, *args, limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "minutes"
        ].help_text = f"Leave empty for the whole session; at most {limit} minutes."
        self.fields["minutes"].widget.attrs.update({"inputmode": "numeric"})
        self.fields["interactions"].widget.attrs.update({"inputmode": "numeric"})


class ReflectionForm(forms.Form):
    surprised = forms.CharField(
        label="What surprised you?", widget=forms.Textarea(attrs={"rows": 4})
    )
    would_change = forms.CharField(
        label="What would you change?", widget=forms.Textarea(attrs={"rows": 4})
    )
    customer_quote = forms.CharField(
        label="A customer quote (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    visibility = forms.ChoiceField(
        label="Who can read it",
        choices=Reflection.Visibility.choices,
        initial=Reflection.Visibility.PRIVATE,
        widget=forms.RadioSelect,
    )


class FrictionLineForm(forms.Form):
    """One friction line; `id` names the line it edits, so changing its words keeps it."""

    id = BoundedIntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label="Friction", required=False, max_length=300)

    def __init__(self, *args, number: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if number is not None:
            self.fields["text"].label = f"Friction {number}"


class BaseFrictionLineFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        # Each line labelled with its number, so every field has its own accessible name.
        kwargs = super().get_form_kwargs(index)
        return {**kwargs, "number": None if index is None else index + 1}


FrictionLineFormSet = forms.formset_factory(
    FrictionLineForm, formset=BaseFrictionLineFormSet, extra=2, max_num=20
)


class CommitmentForm(forms.Form):
    text = forms.CharField(label="I will…", required=False, max_length=300)
    due_date = BoundedDateField(label="by", required=False)

    def clean(self):
        data = super().clean()
        if data.get("text") and not data.get("due_date") and "due_date" not in self.errors:
            self.add_error("due_date", "Give the date you will do it by.")
        if data.get("due_date") and not data.get("text"):
            self.add_error("text", "Say what you will do.")
        return data


CommitmentFormSet = forms.formset_factory(CommitmentForm, extra=2, max_num=20)


class JourneyTemplateForm(forms.Form):
    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=JourneyTemplate.Kind.choices)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    steps = LinesField(
        label="Steps",
        required=False,  # the service says what is missing, in its words
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One step per line, in order. Renaming a step starts it afresh.",
    )
    is_active = forms.BooleanField(label="Offered to executives", required=False, initial=True)


class JourneyStartForm(forms.Form):
    template = forms.ModelChoiceField(
        label="Journey",
        queryset=JourneyTemplate.objects.filter(is_active=True),
        empty_label="Choose a journey…",
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class JourneyStepForm(forms.Form):
    effort = forms.TypedChoiceField(
        label="Customer effort",
        choices=[(n, str(n)) for n in range(1, 8)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text="1 very easy … 7 very hard",
    )
    worked = yes_no_field("Did it work?", "It worked", "It failed")
    note = forms.CharField(
        label="What happened", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CallListUploadForm(CsvUploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "Columns: customer name and consent (required); account, phone, email, "
            "do not contact. Consent and do not contact are yes or no."
        )


class QuestionSetForm(forms.Form):
    name = forms.CharField(max_length=100)
    questions = LinesField(
        label="Questions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One question per line, in the order to ask them.",
    )
    is_active = forms.BooleanField(label="In use", required=False, initial=True)


class DrawCustomersForm(forms.Form):
    question_set = forms.ModelChoiceField(
        queryset=QuestionSet.objects.filter(is_active=True),
        empty_label="Choose questions…",
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "Choose the questions to ask."},
    )
    count = BoundedIntegerField(
        label="How many customers",
        min_value=1,
        max_value=MAX_DRAW,
        initial=5,
        error_messages={
            "invalid": WHOLE_NUMBER_MESSAGE,
            "required": "Say how many customers to draw.",
        },
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["count"].help_text = f"Up to {MAX_DRAW} at a time."


class CustomerCallForm(forms.Form):
    """One answer field per question, then reached or not and notes."""

    reached = yes_no_field("Did you reach them?", "Reached", "Not reached")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, questions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        answers = {
            f"answer_{n}": forms.CharField(
                label=question, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            for n, question in enumerate(questions)
        }
        self.fields = {
            **dict(list(self.fields.items())[:1]),
            **answers,
            "notes": self.fields["notes"],
        }

    @property
    def answers(self) -> list[str]:
        return [self.cleaned_data.get(f"answer_{n}", "") for n in range(len(self.questions))]
