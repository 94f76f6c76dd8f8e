"""The programme's numbers and dates have a range: refused on the form with what was typed kept,
and refused again by the service, before anything is written."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.ranges import INT_RANGE_MESSAGE, date_range_message
from immersion.models import Participant, Session, TimeOff
from immersion.services.followthrough import INTERACTIONS_MAX, attendance_record
from immersion.services.sessions import session_create
from immersion.services.time_off import time_off_create
from immersion.tests.factories import activity, past_place

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("far", ["0001-01-01", "9999-12-31"])
def test_time_off_page_refuses_a_far_date_keeps_it_and_saves_nothing(client, executive, far):
    client.force_login(executive)
    today = timezone.localdate().isoformat()
    response = client.post(reverse("immersion:time_off"), {"start_date": far, "end_date": today})
    assert response.status_code == 200
    assert response.context["form"].errors["start_date"] == [date_range_message()]
    assert f'value="{far}"' in response.content.decode()
    assert not TimeOff.objects.exists()


def test_time_off_create_refuses_year_one_before_saving(executive):
    with pytest.raises(ValidationError) as refused:
        time_off_create(
            person=executive, start_date=date(1, 1, 1), end_date=date(1, 1, 2), by=executive
        )
    assert set(refused.value.message_dict) == {"start_date", "end_date"}
    assert not TimeOff.objects.exists()


@pytest.mark.parametrize("typed", ["2147483648", "99999999999999999999", str(INTERACTIONS_MAX + 1)])
def test_attendance_page_refuses_interactions_past_the_range(client, executive, typed):
    place = past_place(executive)
    client.force_login(executive)
    response = client.post(
        reverse("immersion:attendance", args=[place.pk]),
        {"attended": "yes", "minutes": "", "interactions": typed},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["interactions"] == [
        INT_RANGE_MESSAGE.format(minimum=0, maximum=INTERACTIONS_MAX)
    ]
    assert f'value="{typed}"' in response.content.decode()


def test_attendance_record_refuses_interactions_past_the_range(executive):
    place = past_place(executive)
    with pytest.raises(ValidationError) as refused:
        attendance_record(
            participant=place, by=executive, attended=True, minutes=None, interactions=2**31
        )
    assert list(refused.value.message_dict) == ["interactions"]
    place.refresh_from_db()
    assert place.attendance != Participant.Attendance.ATTENDED


@pytest.mark.parametrize("far", ["0001-01-01", "9999-12-31", "10000-01-01", "0000-00-00"])
def test_calendar_at_a_date_out_of_range_shows_today(client, cx_lead, far):
    client.force_login(cx_lead)
    response = client.get(reverse("immersion:calendar"), {"date": far, "view": "week"})
    assert response.status_code == 200
    assert f'<time datetime="{timezone.localdate().isoformat()}">' in response.content.decode()


def test_session_create_refuses_a_day_out_of_range(executive, cx_lead):
    starts_at = datetime(9999, 12, 30, 10, tzinfo=UTC)
    with pytest.raises(ValidationError) as refused:
        session_create(
            activity_type=activity("call-listening"),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            participants=[executive],
            created_by=cx_lead,
        )
    assert refused.value.message_dict == {
        "starts_at": [date_range_message()],
        "ends_at": [date_range_message()],
    }
    assert not Session.objects.exists()


def test_session_page_says_the_range_beside_the_day(client, cx_lead, executive):
    client.force_login(cx_lead)
    response = client.post(
        reverse("immersion:session_create"),
        {
            "activity_type": activity("call-listening").pk,
            "day": "9999-12-31",
            "start_time": "10:00",
            "participants": [executive.pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["day"] == [date_range_message()]
    assert 'value="9999-12-31"' in response.content.decode()
