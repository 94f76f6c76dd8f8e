"""The dashboard's filter bar. It only draws the choices: the view reads the address itself,
because a quarter or department it cannot read is a 404 (a wrong address), not a filter left
out."""

from django import forms

from core.forms import FilterForm

WHOLE_ORGANISATION = "The whole organisation"


class DashboardFilterForm(FilterForm):
    quarter = forms.ChoiceField(label="Quarter")
    department = forms.ChoiceField(label="Department", required=False)

    def __init__(self, *, quarters, departments, **kwargs):
        super().__init__(**kwargs)
        self.fields["quarter"].choices = [(str(q), str(q)) for q in quarters]
        self.fields["department"].choices = [
            ("", WHOLE_ORGANISATION),
            *((d.pk, d.name) for d in departments),
        ]
