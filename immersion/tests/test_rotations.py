from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import FrontlineTeamFactory, UserFactory
from core.generations import generation
from immersion.models import Participant, Rotation, Session
from immersion.selectors.followthrough import todos_generation
from immersion.services.rotations import (
    STALE_MESSAGE,
    RotationChoice,
    rotation_preview,
    rotation_publish,
    rotation_request_build,
)
from immersion.services.sessions import session_confirm
from immersion.tests.factories import SessionFactory, TimeOffFactory, activity

pytestmark = pytest.mark.django_db


def next_month() -> tuple[date, date]:
    first = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


@pytest.fixture
def team():
    team = FrontlineTeamFactory(name="Phone support", weekly_listener_capacity=10, time_zone="UTC")
    UserFactory.create_batch(2, frontline_team=team, roles=[Role.FRONTLINE])
    return team


@pytest.fixture
def executives():
    return [UserFactory(roles=[Role.EXECUTIVE], time_zone="UTC") for _ in range(3)]


def listening(executives, team):
    first, last = next_month()
    return RotationChoice(activity("call-listening"), first, last, executives, [team])


def publish_all(choice, by):
    plan = rotation_preview(choice=choice)
    return rotation_publish(
        choice=choice, include={p.key for p in plan.changes}, fingerprint=plan.fingerprint(), by=by
    )


def test_publish_creates_two_listening_hours_per_executive_with_host_agents(
    executives, team, cx_lead
):
    rotation = publish_all(listening(executives, team), cx_lead)
    sessions = Session.objects.filter(rotation=rotation)
    assert sessions.count() == 6
    assert rotation.created_count == 6
    for person in executives:
        assert Participant.objects.filter(person=person, session__rotation=rotation).count() == 2
    agents = [s.host_agent for s in sessions]
    assert {a.frontline_team for a in agents} == {team}
    assert len(set(agents)) == 2, "executives are paired with each agent in turn"
    assert all(s.changes.get().kind == "created" for s in sessions)


def test_publishing_renews_the_to_do_lists_of_the_people_it_places(
    executives, team, cx_lead, django_capture_on_commit_callbacks
):
    """Their places are written in bulk, with no signal: each executive's remembered to-do list
    (which knows when their next place ends) is renewed by hand."""
    placed = {person.pk: generation(todos_generation(person.pk)) for person in executives}
    bystander = UserFactory(roles=[Role.EXECUTIVE])
    unplaced = generation(todos_generation(bystander.pk))
    with django_capture_on_commit_callbacks(execute=True):
        publish_all(listening(executives, team), cx_lead)
    for person in executives:
        assert generation(todos_generation(person.pk)) != placed[person.pk]
    assert generation(todos_generation(bystander.pk)) == unplaced


def test_a_second_run_over_the_same_month_changes_nothing(executives, team, cx_lead):
    choice = listening(executives, team)
    publish_all(choice, cx_lead)
    assert rotation_preview(choice=choice).changes == []


def test_a_stale_preview_is_refused_and_nothing_written(executives, team, cx_lead):
    choice = listening(executives, team)
    plan = rotation_preview(choice=choice)
    first, _ = next_month()
    TimeOffFactory(person=executives[0], start_date=first, end_date=first + timedelta(days=40))
    with pytest.raises(ValidationError) as exc:
        rotation_publish(
            choice=choice,
            include={p.key for p in plan.changes},
            fingerprint=plan.fingerprint(),
            by=cx_lead,
        )
    assert exc.value.messages == [STALE_MESSAGE]
    assert not Rotation.objects.exists()
    assert not Session.objects.exists()


def test_unticked_proposals_are_not_published(executives, team, cx_lead):
    choice = listening(executives, team)
    plan = rotation_preview(choice=choice)
    keep = {p.key for p in plan.changes if p.executive_ids[0] != executives[0].pk}
    rotation_publish(choice=choice, include=keep, fingerprint=plan.fingerprint(), by=cx_lead)
    assert not Participant.objects.filter(person=executives[0]).exists()
    assert Participant.objects.filter(person=executives[1]).count() == 2


def test_rerun_after_new_time_off_moves_scheduled_but_never_confirmed_sessions(
    executives, team, cx_lead
):
    choice = listening(executives[:1], team)
    publish_all(choice, cx_lead)
    first_session, second_session = Session.objects.order_by("starts_at")
    session_confirm(session=first_session, by=cx_lead)
    for session in (first_session, second_session):
        day = session.starts_at.date()
        TimeOffFactory(person=executives[0], start_date=day, end_date=day)
    plan = rotation_preview(choice=choice)
    actions = {p.session_id: p.action for p in plan.proposals if p.session_id}
    assert actions == {first_session.pk: "keep", second_session.pk: "move"}
    rotation_publish(
        choice=choice,
        include={p.key for p in plan.changes},
        fingerprint=plan.fingerprint(),
        by=cx_lead,
    )
    second_session.refresh_from_db()
    assert second_session.starts_at.date() != day
    assert second_session.sequence == 1
    assert second_session.rotation == Rotation.objects.latest("published_at")
    place = second_session.participants.get()
    assert (place.starts_at, place.ends_at) == (second_session.starts_at, second_session.ends_at)
    moved = second_session.changes.last()
    assert moved.kind == "moved"
    assert moved.to_value.endswith("(rotation)"), "the history says a rotation moved it"


def test_officer_of_the_day_rotation_one_shift_each_on_weekdays(executives, cx_lead):
    first, last = next_month()
    choice = RotationChoice(activity("officer-of-the-day"), first, last, executives)
    publish_all(choice, cx_lead)
    shifts = Session.objects.filter(activity_type__slug="officer-of-the-day")
    assert shifts.count() == 3
    assert all(s.starts_at.weekday() < 5 for s in shifts)
    assert sorted(p.person_id for p in Participant.objects.filter(session__in=shifts)) == sorted(
        e.pk for e in executives
    )


def test_building_the_request_takes_the_same_queries_for_3_and_30_executives(
    team, django_assert_max_num_queries
):
    first, last = next_month()
    counts, read = [], []
    for size in (3, 30):
        people = [UserFactory(roles=[Role.EXECUTIVE]) for _ in range(size)]
        for n, person in enumerate(people):
            starts_at = timezone.make_aware(datetime.combine(first, time(9))) + timedelta(hours=n)
            SessionFactory(people=[person], host_team=team, starts_at=starts_at)
            TimeOffFactory(person=person, start_date=first + timedelta(days=10))
        choice = RotationChoice(activity("call-listening"), first, last, people, [team])
        with django_assert_max_num_queries(10) as queries:
            request = rotation_request_build(choice=choice)
        counts.append(len(queries))
        read.append(len(request.existing) + sum(len(e.time_off) for e in request.executives))
    assert read[0] < read[1], f"the request read the same at both sizes: {read}"
    assert counts[0] == counts[1]
