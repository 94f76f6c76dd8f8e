"""Friction dates have a range: the triage, minutes and decision log forms say so with what was
typed kept, and their services refuse again before writing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.ranges import INT_MAX, date_range_message
from frictions.models import Decision
from frictions.services.decisions import decision_save
from frictions.tests.factories import file, triage

pytestmark = pytest.mark.django_db


def test_triage_refuses_dates_out_of_range_and_writes_nothing(frontline, cx_lead, executive):
    report, _ = file(frontline)
    with pytest.raises(ValidationError) as refused:
        triage(report, cx_lead, executive, decide_by=date(9999, 12, 31))
    assert refused.value.message_dict == {"decide_by": [date_range_message()]}
    assert report.events.count() == 1, "nothing written"


def test_triage_form_shows_the_range_and_keeps_what_was_typed(
    client, frontline, cx_lead, executive
):
    report, _ = file(frontline)
    client.force_login(cx_lead)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("frictions:triage", args=[report.pk]),
        {
            "triage-owner": executive.pk,
            "triage-acknowledge_by": today,
            "triage-decide_by": "0001-01-01",
        },
    )
    assert response.status_code == 200
    assert response.context["triage_form"].errors["decide_by"] == [date_range_message()]
    assert 'value="0001-01-01"' in response.content.decode()


def test_decision_save_refuses_a_review_date_out_of_range(executive):
    with pytest.raises(ValidationError) as refused:
        decision_save(
            by=executive,
            title="Raise the refund limit",
            area="policy",
            context="Agents cannot refund above 50 euros.",
            decision="Agents refund up to 200 euros.",
            owner=executive,
            review_by=date(1, 1, 1),
        )
    assert refused.value.message_dict == {"review_by": [date_range_message()]}
    assert not Decision.objects.exists()


def test_decision_form_refuses_deciders_past_the_database_range(client, executive):
    client.force_login(executive)
    response = client.post(
        reverse("frictions:decision_create"),
        {"title": "x", "area": "policy", "deciders": [str(INT_MAX + 1)]},
    )
    assert response.status_code == 200
    assert "deciders" in response.context["form"].errors
