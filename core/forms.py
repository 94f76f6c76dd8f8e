"""Form parts every app uses: date and time inputs the browser understands, number and date
fields with a range (core/ranges.py), and a CSV upload."""

from datetime import date
from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .csv_files import MAX_BYTES, TOO_BIG_MESSAGE
from .ranges import (
    DATE_RANGE_YEARS,
    INT_MAX,
    INT_RANGE_MESSAGE,
    date_bounds,
    date_in_range,
    date_range_message,
)

NOT_CSV_MESSAGE = "Choose a .csv file."


def _attributes(attrs: dict) -> str:
    """Attributes as Django's widget template writes them, in their order (flatatt sorts):
    True bare, False (and None) left out, the rest escaped."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class OnePassInput:
    """An <input> written in one f-string instead of Django's template per widget, with the
    same markup (type, name, value, then the attributes): the review agenda's 36 fields were a
    third of its page in the form renderer's templates."""

    def render(self, name, value, attrs=None, renderer=None):
        final = {"type": self.input_type, "name": name}
        shown = self.format_value(value)
        if shown is not None:
            final["value"] = shown
        final.update(self.build_attrs(self.attrs, attrs))
        return mark_safe(f"<input{_attributes(final)}>")  # noqa: S308 - escaped by _attributes


class QuickTextarea(forms.Textarea):
    """A <textarea> written in one pass, as OnePassInput writes an input."""

    def render(self, name, value, attrs=None, renderer=None):
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        shown = escape(self.format_value(value) or "")
        return mark_safe(f"<textarea{_attributes(final)}>\n{shown}</textarea>")  # noqa: S308 - escaped


class QuickEmailInput(OnePassInput, forms.EmailInput):
    pass


class DateInput(OnePassInput, forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class BoundedDateField(forms.DateField):
    """A date within `years` of today (core/ranges.py); anything further is refused beside the
    field, with what was typed kept. The browser's date picker gets the same bounds."""

    widget = DateInput

    def __init__(self, *, years: int = DATE_RANGE_YEARS, **kwargs):
        self.years = years
        super().__init__(**kwargs)

    def __deepcopy__(self, memo):
        # Each form gets its copy of the field: the bounds are today's, not the server's start.
        copy = super().__deepcopy__(memo)
        first, last = date_bounds(copy.years)
        copy.widget.attrs.update(min=first.isoformat(), max=last.isoformat())
        return copy

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:  # a year Python's dates cannot hold
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is not None and not date_in_range(value, self.years):
            raise forms.ValidationError(date_range_message(self.years), code="date_range")


class BoundedIntegerField(forms.IntegerField):
    """A whole number from `min_value` (0 unless said) to `max_value` (the database column's
    range unless the domain says less), the range said in the one message."""

    def __init__(self, *, min_value: int = 0, max_value: int = INT_MAX, **kwargs):
        message = INT_RANGE_MESSAGE.format(minimum=min_value, maximum=max_value)
        kwargs["error_messages"] = {
            "min_value": message,
            "max_value": message,
            **kwargs.get("error_messages", {}),
        }
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several records that refuses a number past the database's range as an
    unknown choice (Django's own lets it reach the database, which overflows)."""

    def _check_values(self, value):
        for pk in value or ():
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and abs(int(text)) > INT_MAX:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text[:20]},
                )
        return super()._check_values(value)


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


class _OnePass:
    """Choices read for a widget written in one pass (QuickSelect, QuickCheckboxes).

    With `label_fields`, a model choice's options are read as values from its queryset (no
    model instance each), labelled by `label(*values)`; without, the choices as they are."""

    label_fields: tuple[str, ...] = ()

    def label(self, *values) -> str:
        return str(values[0])

    def options(self):
        field = getattr(self.choices, "field", None)
        if not self.label_fields or field is None:
            yield from self.choices
            return
        if field.empty_label is not None:
            yield "", field.empty_label
        for pk, *values in field.queryset.values_list("pk", *self.label_fields):
            yield pk, self.label(*values)


class QuickSelect(_OnePass, forms.Select):
    """A select written in one pass of Python instead of a template per option: lists of 1,000
    executives or 200 teams spent 30-650 ms of a page in Django's per-option templates. Options
    are escaped by the standard library's html.escape (what django.utils.html.escape calls,
    without its lazy-string wrapper: a third of the time on a select of 1,000 names)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in chosen else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.options()
        )
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))  # noqa: S308 - escaped above


class QuickCheckboxes(_OnePass, forms.CheckboxSelectMultiple):
    """Checkboxes written in one pass, in Bootstrap's form-check markup, for a list of many
    (the rotation builder's 200 host teams: crispy's template per option was most of the
    page). The page draws the fieldset and legend around `{{ field }}`."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        base = escape(str((attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"))
        field = escape(name)
        boxes = "".join(
            f'<div class="form-check"><input type="checkbox" class="form-check-input" '
            f'name="{field}" value="{escape(str(key))}" id="{base}_{n}"'
            f"{' checked' if str(key) in chosen else ''}>"
            f'<label for="{base}_{n}" class="form-check-label">{escape(str(label))}</label></div>'
            for n, (key, label) in enumerate(self.options())
        )
        return mark_safe(boxes)  # noqa: S308 - every value escaped above
