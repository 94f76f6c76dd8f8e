"""Forms for friction reports: the shape of input only; the rules are the services'."""

from django import forms

from accounts.models import FrontlineTeam

from .models import Area, FrictionReport, Resolution, Severity, Status

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


class BoardFilterForm(forms.Form):
    area = forms.ChoiceField(choices=[("", "All areas"), *Area.choices], required=False)
    status = forms.ChoiceField(required=False)
    team = forms.ModelChoiceField(
        queryset=FrontlineTeam.objects.all(), required=False, empty_label="All teams"
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    sort = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        from .selectors import SORTS

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), ("open", "Open"), *Status.choices]
        self.fields["sort"].choices = list(SORTS.items())


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


class _ReportChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"#{obj.pk} {obj.title}"


class TriageForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=None, empty_label="Choose an executive…")
    acknowledge_by = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    decide_by = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    response = forms.CharField(
        label="Message on the timeline (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        from immersion.selectors import executives

        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = executives().order_by("display_name")


class TransitionForm(forms.Form):
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
    duplicate_of = _ReportChoice(
        label="Duplicate of", queryset=FrictionReport.objects.none(), required=False
    )

    def __init__(self, *args, report, **kwargs):
        from .services import TRANSITIONS

        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(report.status, set())
        self.fields["status"].choices = [(s.value, s.label) for s in Status if s in allowed]
        self.fields["duplicate_of"].queryset = FrictionReport.objects.exclude(
            pk=report.pk
        ).order_by("-pk")


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Internal note", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReviewItemForm(forms.Form):
    decision = forms.CharField(
        label="What was decided", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    owner = forms.ModelChoiceField(queryset=None, required=False, empty_label="—")
    committed_date = forms.DateField(
        label="Date committed", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        from immersion.selectors import executives

        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = executives().order_by("display_name")

    def clean(self):
        data = super().clean()
        if bool(data.get("owner")) != bool(data.get("committed_date")):
            raise forms.ValidationError("Give both the owner and the date committed, or neither.")
        return data
