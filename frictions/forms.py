"""Forms for friction reports: the shape of input only; the rules are the services'."""

from django import forms

from accounts.models import FrontlineTeam

from .models import Area, FrictionReport, Severity

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
        from .models import Status
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
