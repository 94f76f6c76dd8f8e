"""Form parts every app uses: date and time inputs the browser understands, and a CSV upload."""

from django import forms

from .csv_files import MAX_BYTES, TOO_BIG_MESSAGE

NOT_CSV_MESSAGE = "Choose a .csv file."


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class CsvUploadForm(forms.Form):
    """An upload of a CSV file; subclasses say which columns in the field's help text."""

    file = forms.FileField(label="CSV file")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(NOT_CSV_MESSAGE)
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(TOO_BIG_MESSAGE)
        return upload


class FilterForm(forms.Form):
    """The form of a list's filters (a django-filter FilterSet's `Meta.form`): Bootstrap's
    classes on every field, so a filter bar needs no per-field markup."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
