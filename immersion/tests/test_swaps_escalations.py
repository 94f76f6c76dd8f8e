from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from immersion.models import Escalation, SwapRequest
from immersion.selectors import officer_on_shift, time_off_conflicts
from immersion.services.escalations import (
    RESOLUTION_REQUIRED_MESSAGE,
    escalation_log,
    escalation_resolve,
)
from immersion.services.swaps import (
    SWAP_CLOSED_MESSAGE,
    SWAP_NOT_FOR_YOU_MESSAGE,
    SWAP_NOT_YOURS_MESSAGE,
    swap_request_accept,
    swap_request_create,
    swap_request_decline,
    swap_request_withdraw,
)
from immersion.services.time_off import (
    time_off_create,
)
from immersion.tests.factories import SessionFactory, TimeOffFactory, activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(make_user):
    return make_user(roles=[Role.EXECUTIVE], display_name="Ana Ruiz")


@pytest.fixture
def bo(make_user):
    return make_user(roles=[Role.EXECUTIVE], display_name="Bo Berg")


@pytest.fixture
def session(ana):
    return SessionFactory(people=[ana])


def test_swap_to_a_named_colleague_accepted(ana, bo, session, notifications_written):
    swap = swap_request_create(
        session=session, requested_by=ana, offered_to=bo, message="Board day"
    )
    when = session.starts_at.astimezone(bo.zone)
    assert notifications_written() == [
        (
            "swap_asked",
            bo.email,
            (
                "Accept or decline: Ana Ruiz asks you to take Call listening on "
                f"{when:%a} {when.day} {when:%b, %H:%M}"
            ),
            reverse("immersion:schedule"),
        )
    ]
    swap_request_accept(swap=swap, by=bo)
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.ACCEPTED
    assert [p.person for p in session.participants.filter(is_active=True)] == [bo]
    change = session.changes.last()
    assert (change.kind, change.changed_by, change.from_value, change.to_value) == (
        "swapped",
        bo,
        "Ana Ruiz",
        "Bo Berg",
    )
    # Ana hears it was taken, once, with her calendar's cancellation; Bo took it himself.
    assert [(kind, to) for kind, to, _, _ in notifications_written()[1:]] == [
        ("place_relieved", ana.email),
    ]


def test_swap_to_someone_on_time_off_is_refused_on_the_field(ana, bo, session):
    TimeOffFactory(
        person=bo,
        start_date=timezone.localtime(session.starts_at, timezone.get_fixed_timezone(0)).date(),
    )
    with pytest.raises(ValidationError) as exc:
        swap_request_create(session=session, requested_by=ana, offered_to=bo)
    assert "Bo Berg is on time off on" in exc.value.message_dict["offered_to"][0]
    assert not SwapRequest.objects.exists()


def test_swap_to_someone_busy_then_is_refused(ana, bo, session):
    SessionFactory(people=[bo], starts_at=session.starts_at, ends_at=session.ends_at)
    with pytest.raises(ValidationError) as exc:
        swap_request_create(session=session, requested_by=ana, offered_to=bo)
    assert "Bo Berg already has" in exc.value.message_dict["offered_to"][0]


def test_only_participants_offer_and_only_the_named_colleague_answers(ana, bo, make_user, session):
    carla = make_user(roles=[Role.EXECUTIVE])
    with pytest.raises(ValidationError) as exc:
        swap_request_create(session=session, requested_by=bo)
    assert exc.value.messages == [SWAP_NOT_YOURS_MESSAGE]
    swap = swap_request_create(session=session, requested_by=ana, offered_to=bo)
    for attempt in (swap_request_accept, swap_request_decline):
        with pytest.raises(ValidationError) as exc:
            attempt(swap=swap, by=carla)
        assert exc.value.messages == [SWAP_NOT_FOR_YOU_MESSAGE]


def test_open_swap_is_taken_by_the_first_taker_only(ana, bo, make_user, session):
    carla = make_user(roles=[Role.EXECUTIVE])
    swap = swap_request_create(session=session, requested_by=ana)
    swap_request_accept(swap=swap, by=carla)
    with pytest.raises(ValidationError) as exc:
        swap_request_accept(swap=swap, by=bo)
    assert exc.value.messages == [SWAP_CLOSED_MESSAGE]
    assert [p.person for p in session.participants.filter(is_active=True)] == [carla]


def test_declined_and_withdrawn_swaps_leave_the_session_alone(ana, bo, session):
    swap = swap_request_create(session=session, requested_by=ana, offered_to=bo)
    swap_request_decline(swap=swap, by=bo)
    again = swap_request_create(session=session, requested_by=ana)
    swap_request_withdraw(swap=again, by=ana)
    assert [p.person for p in session.participants.filter(is_active=True)] == [ana]


def test_time_off_reports_sessions_it_overlaps(ana, session):
    day = session.starts_at.astimezone(timezone.get_fixed_timezone(0)).date()
    time_off = time_off_create(person=ana, start_date=day, end_date=day, by=ana)
    assert [p.session for p in time_off_conflicts(time_off=time_off)] == [session]


def test_time_off_ending_before_it_starts_is_refused(ana):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        time_off_create(person=ana, start_date=today, end_date=today - timedelta(days=1), by=ana)
    assert exc.value.messages == ["Time off cannot end before it starts."]


def test_escalation_goes_to_the_officer_on_shift(
    ana, frontline, cx_lead, notifications_written, django_capture_on_commit_callbacks
):
    now = timezone.now()
    shift = SessionFactory(
        activity_type=activity("officer-of-the-day"),
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=6),
        people=[ana],
    )
    assert officer_on_shift().person == ana
    with django_capture_on_commit_callbacks(execute=True):
        escalation = escalation_log(
            logged_by=frontline,
            customer_reference="ACME-42",
            what_happened="Refund refused twice",
            urgency="high",
            channel="phone",
        )
    assert (escalation.routed_to, escalation.shift) == (ana, shift)
    assert notifications_written() == [
        (
            "escalation_routed",
            ana.email,
            "[High] Take escalation ACME-42",
            f"/immersion/escalations/{escalation.pk}/",
        )
    ]


def test_escalation_with_nobody_on_shift_goes_to_the_least_busy_cx_lead(
    frontline, cx_lead, make_user
):
    other_lead = make_user(roles=[Role.CX_LEAD])
    Escalation.objects.create(
        customer_reference="x",
        what_happened="y",
        channel="chat",
        logged_by=frontline,
        routed_to=cx_lead,
    )
    escalation = escalation_log(
        logged_by=frontline,
        customer_reference="ACME-7",
        what_happened="Chatbot loop",
        urgency="normal",
        channel="chat",
    )
    assert (escalation.routed_to, escalation.shift) == (other_lead, None)


def test_resolving_needs_a_note_and_records_the_time(frontline, cx_lead):
    escalation = escalation_log(
        logged_by=frontline,
        customer_reference="ACME-1",
        what_happened="Outage",
        urgency="critical",
        channel="phone",
    )
    with pytest.raises(ValidationError) as exc:
        escalation_resolve(escalation=escalation, by=cx_lead, note="  ")
    assert exc.value.message_dict == {"resolution_note": [RESOLUTION_REQUIRED_MESSAGE]}
    escalation_resolve(escalation=escalation, by=cx_lead, note="Credited the account")
    escalation.refresh_from_db()
    assert escalation.status == "resolved"
    assert escalation.time_to_resolve >= timedelta(0)


def test_only_the_routed_person_or_a_cx_lead_resolves(frontline, cx_lead, ana):
    escalation = escalation_log(
        logged_by=frontline,
        customer_reference="A",
        what_happened="B",
        urgency="low",
        channel="email",
    )
    with pytest.raises(ValidationError):
        escalation_resolve(escalation=escalation, by=ana, note="not mine")


def test_home_counts_the_swaps_asked_of_the_person(client, ana, bo, make_user, session):
    client.force_login(bo)
    assert "asked you to take" not in client.get(reverse("home")).content.decode()
    swap_request_create(session=session, requested_by=ana, offered_to=bo)
    assert "1 colleague asked you to take a session" in client.get(reverse("home")).content.decode()
    cy = make_user(roles=[Role.EXECUTIVE])
    swap_request_create(session=SessionFactory(people=[cy]), requested_by=cy, offered_to=bo)
    assert "2 colleagues asked you" in client.get(reverse("home")).content.decode()
