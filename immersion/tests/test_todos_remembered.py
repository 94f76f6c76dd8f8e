"""An executive's to-do list on home is remembered (selectors.todos_of): every write of what it
shows, through the service a person's click runs, and the clock alone bring the next view of
home up to date at once."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.calendar import org_today, org_zone
from core.generations import generation_bump
from immersion.call_list import call_list_apply
from immersion.models import ActivityType
from immersion.selectors import todos_for
from immersion.selectors.followthrough import todos_generation
from immersion.services.calls import customer_calls_draw, question_set_save
from immersion.services.followthrough import (
    CommitmentInput,
    attendance_record,
    commitment_set_done,
    reflection_save,
)
from immersion.services.journeys import (
    journey_exercise_start,
    journey_step_record,
    journey_template_save,
)
from immersion.services.sessions import session_cancel, session_reschedule
from immersion.tests.factories import past_place, place_from_now

pytestmark = pytest.mark.django_db

CALL_LIST = "customer name,account,phone,email,consent,do not contact\n"


def todo_view(client) -> dict:
    """What the executive's home lists to do, by kind."""
    todos = client.get(reverse("home")).context["todos"]
    return {
        "attendance": [(p.pk, str(p.session.activity_type)) for p in todos.attendance],
        "reflections": [(item.participant.pk, item.overdue) for item in todos.reflections],
        "commitments": [(c.text, c.overdue) for c in todos.commitments],
        "journeys": [(j.pk, j.recorded) for j in todos.journeys],
        "calls": [c.pk for c in todos.calls],
    }


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write as a request does: its transaction commits, and its on-commit hooks run."""

    def run(write, **arguments):
        with django_capture_on_commit_callbacks(execute=True):
            return write(**arguments)

    return run


def test_a_second_view_of_home_reads_the_to_do_list_remembered(client, executive):
    past_place(executive, hours_ago=3)
    client.force_login(executive)
    todo_view(client)  # what else home remembers (permissions, progress...) is remembered now
    generation_bump(todos_generation(executive.pk))
    with CaptureQueriesContext(connection) as first:
        shown = todo_view(client)
    with CaptureQueriesContext(connection) as second:
        assert todo_view(client) == shown
    assert shown["attendance"], "the place to confirm is listed"
    # Its places, commitments, journeys and calls, and when it next changes by the clock.
    assert len(second) == len(first) - 5


def test_confirming_reflecting_and_keeping_a_commitment_show_at_once(client, executive, committed):
    place = past_place(executive, hours_ago=3)
    client.force_login(executive)
    before = todo_view(client)
    assert before["attendance"] == [(place.pk, "Call listening")]
    assert before["reflections"] == [(place.pk, False)]
    assert todo_view(client) == before

    committed(
        attendance_record,
        participant=place,
        attended=True,
        minutes=None,
        interactions=3,
        by=executive,
    )
    assert todo_view(client)["attendance"] == []

    committed(
        reflection_save,
        participant=place,
        by=executive,
        surprised="Customers call three times about one refund.",
        would_change="Let agents refund up to 50 euros.",
        commitments=[CommitmentInput("Raise the refund limit", org_today())],
    )
    after = todo_view(client)
    assert after["reflections"] == []
    assert after["commitments"] == [("Raise the refund limit", False)]

    commitment = todos_for(person=executive).commitments[0]
    committed(commitment_set_done, commitment=commitment, by=executive)
    assert todo_view(client)["commitments"] == []


def test_walking_a_journey_shows_each_step_at_once(client, executive, committed):
    template = journey_template_save(
        name="Cancel a plan", kind="renewal", steps=["Find the cancel page", "Cancel"]
    )
    find, cancel = template.steps.all()
    place = past_place(executive, "customer-journey", hours_ago=26)
    client.force_login(executive)
    assert todo_view(client)["journeys"] == []

    exercise = committed(journey_exercise_start, participant=place, template=template, by=executive)
    assert todo_view(client)["journeys"] == [(exercise.pk, 0)]
    committed(
        journey_step_record, exercise=exercise, step=find, effort=2, worked=True, by=executive
    )
    assert todo_view(client)["journeys"] == [(exercise.pk, 1)]
    committed(
        journey_step_record, exercise=exercise, step=cancel, effort=6, worked=False, by=executive
    )
    assert todo_view(client)["journeys"] == [], "complete: nothing left to do"


def test_drawn_and_withdrawn_calls_show_at_once(client, executive, committed):
    questions = question_set_save(name="Why they stay", questions=["What almost made you leave?"])
    committed(call_list_apply, data=CALL_LIST + "Maria Lopez,ACME-1,+34 600 123 456,,yes,no\n")
    place = past_place(executive, "customer-calls", hours_ago=1)
    client.force_login(executive)
    assert todo_view(client)["calls"] == []

    (call,) = committed(
        customer_calls_draw, participant=place, question_set=questions, count=1, by=executive
    )
    assert todo_view(client)["calls"] == [call.pk]
    # She opts out in the next call list: the call is withdrawn (a bulk update, no signal).
    committed(call_list_apply, data=CALL_LIST + "Maria Lopez,ACME-1,+34 600 123 456,,yes,yes\n")
    assert todo_view(client)["calls"] == []


def test_a_moved_or_cancelled_session_and_a_renamed_activity_show_at_once(
    client, executive, cx_lead, committed
):
    questions = question_set_save(name="Why they stay", questions=["What almost made you leave?"])
    committed(call_list_apply, data=CALL_LIST + "Maria Lopez,ACME-1,+34 600 123 456,,yes,no\n")
    running = place_from_now(executive, "customer-calls", starts_in=timedelta(minutes=-10))
    (call,) = committed(
        customer_calls_draw, participant=running, question_set=questions, count=1, by=executive
    )
    ended = past_place(executive, hours_ago=5)
    client.force_login(executive)
    before = todo_view(client)
    assert (before["calls"], [pk for pk, _ in before["attendance"]]) == ([call.pk], [ended.pk])

    # Moved to the day after tomorrow (its places move by a bulk update): not begun, no call yet.
    later = running.starts_at + timedelta(days=2)
    committed(
        session_reschedule,
        session=running.session,
        starts_at=later,
        ends_at=later + timedelta(hours=1),
        by=cx_lead,
    )
    assert todo_view(client)["calls"] == []

    committed(session_cancel, session=ended.session, by=cx_lead)
    assert todo_view(client)["attendance"] == []

    other = past_place(executive, "customer-calls", hours_ago=4)
    assert todo_view(client)["attendance"] == [(other.pk, "Customer calls from a call list")]
    kind = ActivityType.objects.get(slug="customer-calls")
    kind.name = "Customer call-backs"
    committed(kind.save)
    assert todo_view(client)["attendance"] == [(other.pk, "Customer call-backs")]


def test_the_clock_alone_brings_the_next_to_do_without_a_write(client, executive, settings):
    """Nobody writes anything: the session ends, midnight makes a commitment overdue, the
    reflection falls overdue, then closes. Home is viewed half an hour before each (and so
    remembered), then a minute after, which says so."""
    start = datetime.combine(org_today(), time(23, 0), org_zone())
    with time_machine.travel(start, tick=False) as clock:

        def seen(moment: datetime) -> dict:
            clock.move_to(moment)
            client.force_login(executive)  # weeks on, as a person signs in again
            return todo_view(client)

        earlier = past_place(executive, hours_ago=3)
        attendance_record(
            participant=earlier, attended=True, minutes=None, interactions=1, by=executive
        )
        reflection_save(
            participant=earlier,
            by=executive,
            surprised="Customers call three times about one refund.",
            would_change="Let agents refund up to 50 euros.",
            commitments=[CommitmentInput("Raise the refund limit", org_today())],
        )
        place = place_from_now(executive, starts_in=timedelta(minutes=20), minutes=20)
        ends = place.ends_at  # 23:40
        assert seen(ends - timedelta(minutes=30))["attendance"] == []
        after = seen(ends + timedelta(minutes=1))
        assert [pk for pk, _ in after["attendance"]] == [place.pk]
        assert after["reflections"] == [(place.pk, False)]

        midnight = datetime.combine(start.date() + timedelta(days=1), time(0), org_zone())
        before = seen(midnight - timedelta(minutes=15))
        assert before["commitments"] == [("Raise the refund limit", False)]
        assert seen(midnight + timedelta(minutes=1))["commitments"] == [
            ("Raise the refund limit", True)
        ]

        due = ends + timedelta(days=settings.REFLECTION_DUE_DAYS)
        assert seen(due - timedelta(minutes=30))["reflections"] == [(place.pk, False)]
        generation_bump(todos_generation(executive.pk))  # computed afresh at that very moment
        assert seen(due)["reflections"] == [(place.pk, False)], "overdue once past its time"
        assert seen(due + timedelta(minutes=1))["reflections"] == [(place.pk, True)]

        closes = ends + timedelta(days=settings.REFLECTION_EDIT_DAYS)
        assert seen(closes - timedelta(minutes=30))["reflections"] == [(place.pk, True)]
        assert seen(closes + timedelta(minutes=1))["reflections"] == [], "closed: not asked for"
