from datetime import date, timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core.calendar import org_today
from core.forms import BoundedDateField, BoundedIntegerField, BoundedModelMultipleChoiceField
from core.models import Holiday
from core.ranges import (
    DATE_RANGE_YEARS,
    INT_MAX,
    INT_RANGE_MESSAGE,
    date_bounds,
    date_range_check,
    date_range_message,
    int_range_check,
)


class RangedForm(forms.Form):
    day = BoundedDateField(required=False)
    count = BoundedIntegerField(required=False, max_value=50)


def test_date_bounds_are_ten_years_either_side_of_today():
    first, last = date_bounds()
    assert DATE_RANGE_YEARS == 10
    assert first.year == org_today().year - 10
    assert last.year == org_today().year + 10


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "1900-01-01", "10000-01-01"])
def test_bounded_date_field_refuses_a_date_past_the_range_and_keeps_what_was_typed(typed):
    form = RangedForm({"day": typed})
    assert not form.is_valid()
    assert form.errors["day"] in ([date_range_message()], ["Enter a valid date."])
    assert f'value="{typed}"' in str(form["day"])


def test_bounded_date_field_takes_a_date_inside_and_tells_the_browser_the_range():
    today = org_today()
    form = RangedForm({"day": (today + timedelta(days=30)).isoformat()})
    assert form.is_valid()
    first, last = date_bounds()
    assert f'min="{first.isoformat()}"' in str(form["day"])
    assert f'max="{last.isoformat()}"' in str(form["day"])


@pytest.mark.parametrize("typed", ["-1", "51", str(INT_MAX + 1), "9" * 40])
def test_bounded_integer_field_says_the_range(typed):
    form = RangedForm({"count": typed})
    assert not form.is_valid()
    assert form.errors["count"] == [INT_RANGE_MESSAGE.format(minimum=0, maximum=50)]


def test_service_checks_name_the_field_out_of_range():
    with pytest.raises(ValidationError) as refused:
        date_range_check(start_date=date(1, 1, 1), end_date=org_today(), note=None)
    assert refused.value.message_dict == {"start_date": [date_range_message()]}
    with pytest.raises(ValidationError) as refused:
        int_range_check(maximum=10, interactions=11, minutes=None)
    assert list(refused.value.message_dict) == ["interactions"]
    int_range_check(maximum=10, interactions=10)  # the bound itself is in range


@pytest.mark.django_db
def test_choice_of_several_refuses_a_number_past_the_database_range():
    field = BoundedModelMultipleChoiceField(queryset=Holiday.objects.all())
    with pytest.raises(ValidationError) as refused:
        field.clean([str(INT_MAX + 1)])
    assert refused.value.code == "invalid_choice"
