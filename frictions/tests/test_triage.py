"""Triage and committed responses: owners, dates, statuses, duplicates, internal notes."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.calendar import add_business_days
from core.models import Holiday
from frictions.models import FrictionEvent, FrictionReport, FrictionSupport
from frictions.services import (
    DATES_ORDER_MESSAGE,
    NOT_ALLOWED_MESSAGE,
    OWNER_NOT_EXECUTIVE_MESSAGE,
    REASON_REQUIRED_MESSAGE,
    RESOLUTION_REQUIRED_MESSAGE,
    RESPONSE_REQUIRED_MESSAGE,
    friction_report_note,
    friction_report_support,
    friction_report_transition,
)
from frictions.tests.factories import file, triage

pytestmark = pytest.mark.django_db


def test_business_days_skip_weekends_and_holidays():
    friday = timezone.localdate()
    while friday.weekday() != 4:
        friday += timedelta(days=1)
    Holiday.objects.create(date=friday + timedelta(days=3), name="A Monday off")
    assert add_business_days(friday, 1) == friday + timedelta(days=4)
    assert add_business_days(friday, 5) == friday + timedelta(days=10)


def test_triage_sets_owner_and_dates_in_public(frontline, cx_lead, executive):
    report, _ = file(frontline)
    triage(report, cx_lead, executive, response="Sofia owns this; decision in three weeks.")
    report.refresh_from_db()
    assert report.owner == executive
    event = report.events.get(kind=FrictionEvent.Kind.TRIAGED)
    assert event.public
    assert event.changes["owner"] == ["", str(executive)]


def test_triage_refuses_a_non_executive_owner_and_dates_out_of_order(frontline, cx_lead, executive):
    report, _ = file(frontline)
    with pytest.raises(ValidationError) as caught:
        triage(report, cx_lead, frontline, decide_by=timezone.localdate())
    assert caught.value.message_dict == {
        "owner": [OWNER_NOT_EXECUTIVE_MESSAGE],
        "decide_by": [DATES_ORDER_MESSAGE],
    }
    with pytest.raises(ValidationError, match=NOT_ALLOWED_MESSAGE):
        triage(report, executive, executive)
    assert report.events.count() == 1, "nothing written"


@pytest.mark.parametrize(
    ("status", "extra", "field", "message"),
    [
        ("declined", {}, "decline_reason", REASON_REQUIRED_MESSAGE),
        ("resolved", {}, "resolution", RESOLUTION_REQUIRED_MESSAGE),
        ("acknowledged", {"response": ""}, "response", RESPONSE_REQUIRED_MESSAGE),
    ],
)
def test_a_status_change_needs_its_response_and_reason(
    frontline, cx_lead, status, extra, field, message
):
    report, _ = file(frontline)
    values = {"report": report, "by": cx_lead, "status": status, "response": "We hear you."}
    values.update(extra)
    with pytest.raises(ValidationError) as caught:
        friction_report_transition(**values)
    assert caught.value.message_dict[field] == [message]
    report.refresh_from_db()
    assert report.status == "new"
    assert report.events.count() == 1


def test_the_owner_moves_the_report_along_and_everyone_reads_the_response(
    client, frontline, cx_lead, executive, make_user
):
    report, _ = file(frontline)
    triage(report, cx_lead, executive)
    friction_report_transition(
        report=report, by=executive, status="acknowledged", response="We see it; on it."
    )
    friction_report_transition(
        report=report,
        by=executive,
        status="resolved",
        resolution="process_change",
        response="Agents may now refund up to 200 euros.",
    )
    report.refresh_from_db()
    assert (report.status, report.resolution) == ("resolved", "process_change")
    assert report.closed_at is not None
    other = make_user(roles=[Role.EXECUTIVE])
    with pytest.raises(ValidationError):
        friction_report_transition(report=report, by=other, status="declined", response="x")
    agent = make_user(roles=[Role.FRONTLINE])
    client.force_login(agent)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Agents may now refund up to 200 euros." in page


def test_a_duplicate_moves_its_supporters_to_the_original_once_each(
    frontline, cx_lead, executive, make_user
):
    original, _ = file(frontline, title="Original")
    duplicate, _ = file(make_user(roles=[Role.FRONTLINE]), title="Same thing")
    both = make_user(roles=[Role.FRONTLINE])
    friction_report_support(report=original, supporter=both)
    friction_report_support(report=duplicate, supporter=both)
    friction_report_support(report=duplicate, supporter=executive, anonymous=True)
    friction_report_support(report=duplicate, supporter=frontline)  # the original's reporter

    friction_report_transition(
        report=duplicate,
        by=cx_lead,
        status="duplicate",
        duplicate_of=original,
        response="Same as the original; follow it there.",
    )

    supports = FrictionSupport.objects.filter(report=original)
    assert supports.count() == 3, "both once, the anonymous one, the duplicate's reporter"
    assert supports.filter(supporter=None).count() == 1
    assert supports.filter(supporter=duplicate.reporter).exists()
    assert not FrictionSupport.objects.filter(report=duplicate).exists()
    assert original.events.filter(kind=FrictionEvent.Kind.MERGED).exists()
    third, _ = file(frontline, title="Third")
    friction_report_transition(
        report=third, by=cx_lead, status="duplicate", duplicate_of=duplicate, response="Dup."
    )
    third.refresh_from_db()
    assert third.duplicate_of == original, "always to the original"


def test_internal_notes_stay_internal(client, frontline, cx_lead, executive, leadership):
    report, _ = file(frontline)
    triage(report, cx_lead, executive)
    friction_report_note(report=report, by=cx_lead, text="Finance resists; needs the CFO.")
    for person, sees in (
        (cx_lead, True),
        (executive, True),
        (frontline, False),
        (leadership, False),
    ):
        client.force_login(person)
        page = client.get(report.get_absolute_url()).content.decode()
        assert ("Finance resists" in page) is sees, person


def test_the_respond_form_keeps_what_was_typed_when_a_reason_is_missing(client, frontline, cx_lead):
    report, _ = file(frontline)
    client.force_login(cx_lead)
    response = client.post(
        reverse("frictions:transition", args=[report.pk]),
        {"respond-status": "declined", "respond-response": "Not now, sorry."},
    )
    assert response.status_code == 200
    assert response.context["transition_form"].errors["decline_reason"] == [REASON_REQUIRED_MESSAGE]
    assert "Not now, sorry." in response.content.decode()
    assert FrictionReport.objects.get().status == "new"


def test_a_report_cannot_become_a_duplicate_of_its_own_duplicate(frontline, cx_lead):
    first, _ = file(frontline, title="First")
    second, _ = file(frontline, title="Second")
    friction_report_transition(
        report=second, by=cx_lead, status="duplicate", duplicate_of=first, response="Dup."
    )
    with pytest.raises(ValidationError) as caught:
        friction_report_transition(
            report=first, by=cx_lead, status="duplicate", duplicate_of=second, response="Dup."
        )
    assert "duplicate_of" in caught.value.message_dict


@pytest.mark.parametrize("role", ["frontline", "executive", "cx_lead"])
def test_home_takes_the_same_queries_for_few_and_many_reports(
    client, frontline, cx_lead, executive, user_for_role, django_assert_max_num_queries, role
):
    person = user_for_role(role)
    client.force_login(person)
    counts = []
    for size in (3, 30):
        FrictionReport.objects.all().delete()
        for n in range(size):
            report, _ = file(frontline, title=f"Report {n}")
            if n % 2:
                triage(report, cx_lead, executive)
        with django_assert_max_num_queries(40) as queries:
            page = client.get(reverse("home"))
        assert "Frictions" in page.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
