from django import forms

from core.forms import TimeInput

from .kinds import KINDS
from .models import LEAD_HOURS_MAX

LEAD_HOURS_MESSAGE = (
    f"Give one to five whole numbers of hours, from 1 to {LEAD_HOURS_MAX}, separated by commas."
)


class PreferencesForm(forms.Form):
    """One box per kind of message a person may turn off: ticked, it is e-mailed too. For a
    person, only the kinds they can be sent (Kind.audience); the CX lead's defaults list all."""

    def __init__(self, *args, wanted: dict[str, bool], person=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, kind in KINDS.items():
            if kind.optional and (
                person is None or kind.audience is None or person.has_perm(kind.audience)
            ):
                self.fields[key] = forms.BooleanField(
                    label=kind.label, required=False, initial=wanted[key]
                )

    def choices(self) -> dict[str, bool]:
        return {key: bool(value) for key, value in self.cleaned_data.items()}


class LeadHoursField(forms.CharField):
    def to_python(self, value) -> list[int]:
        text = super().to_python(value)
        parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        if not parts or len(parts) > 5:
            raise forms.ValidationError(LEAD_HOURS_MESSAGE)
        try:
            hours = [int(p) for p in parts]
        except ValueError:
            raise forms.ValidationError(LEAD_HOURS_MESSAGE) from None
        if not all(1 <= h <= LEAD_HOURS_MAX for h in hours):
            raise forms.ValidationError(LEAD_HOURS_MESSAGE)
        return hours


class NotificationSettingsForm(forms.Form):
    lead_hours = LeadHoursField(
        label="Reminders before a session or shift (hours)",
        max_length=40,
        help_text="For example “24, 1”: a day before and an hour before.",
    )
    quiet_from = forms.TimeField(label="Quiet hours from", widget=TimeInput())
    quiet_until = forms.TimeField(
        label="Quiet hours until",
        widget=TimeInput(),
        help_text=(
            "In each person's own time zone; overnight when it is earlier than “from”, none when "
            "both are the same. Messages that are not urgent wait until then."
        ),
    )
