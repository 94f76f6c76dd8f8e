"""Several Officers of the Day at once: desks (region, contact centre, line of business), each
with its own officer on shift; escalations go to the desk's officer; rotations plan every desk."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import FrontlineTeamFactory, UserFactory
from immersion.models import Escalation, OfficerDesk, OfficerDeskTeam, Session
from immersion.selectors import officer_desk_of, officer_on_shift, officers_on_shift
from immersion.services.escalations import escalation_log, officer_desk_save
from immersion.services.rotations import RotationChoice, rotation_preview, rotation_publish
from immersion.tests.factories import SessionFactory, activity
from immersion.tests.test_rotations import next_month

pytestmark = pytest.mark.django_db


def shift(person, desk, *, hours_ago=2, now=None):
    """An Officer of the Day shift running at `now` (default now)."""
    now = now or timezone.now().replace(microsecond=0)
    return SessionFactory(
        activity_type=activity("officer-of-the-day"),
        starts_at=now - timedelta(hours=hours_ago),
        ends_at=now + timedelta(hours=6),
        desk=desk,
        people=[person],
    )


@pytest.fixture
def whole():
    """The desk the migration made for the whole organisation."""
    return OfficerDesk.objects.get(name="Whole organisation")


@pytest.fixture
def emea():
    return OfficerDesk.objects.create(name="EMEA", kind=OfficerDesk.Kind.REGION)


@pytest.fixture
def emea_agent(emea):
    team = FrontlineTeamFactory(name="Dublin phones")
    OfficerDeskTeam.objects.create(desk=emea, team=team)
    return UserFactory(roles=[Role.FRONTLINE], frontline_team=team, display_name="Dublin Agent")


def log(agent, **kwargs):
    return escalation_log(
        logged_by=agent,
        customer_reference="ACME-9",
        what_happened="Refund refused",
        urgency="high",
        channel="phone",
        **kwargs,
    )


def test_the_migration_gives_existing_organisations_one_desk_for_everyone(whole, frontline):
    assert list(OfficerDesk.objects.values_list("name", "kind")) == [
        ("Whole organisation", "organisation")
    ]
    assert officer_desk_of(team_id=frontline.frontline_team_id) == whole


def test_an_escalation_goes_to_the_officer_at_the_agents_teams_desk(
    whole, emea, emea_agent, executive, make_user
):
    other = make_user(roles=[Role.EXECUTIVE], display_name="Whole Officer")
    shift(other, whole, hours_ago=3)
    emea_shift = shift(executive, emea)
    escalation = log(emea_agent)
    assert (escalation.desk, escalation.routed_to, escalation.shift) == (
        emea,
        executive,
        emea_shift,
    )


def test_an_agent_may_choose_another_desk(whole, emea, emea_agent, executive, make_user):
    officer = make_user(roles=[Role.EXECUTIVE], display_name="Whole Officer")
    shift(officer, whole)
    shift(executive, emea)
    escalation = log(emea_agent, desk=whole)
    assert (escalation.desk, escalation.routed_to) == (whole, officer)


def test_a_team_on_no_desk_escalates_to_the_first_desk(whole, emea, frontline, executive):
    shift(executive, whole)
    escalation = log(frontline)
    assert (escalation.desk, escalation.routed_to) == (whole, executive)


def test_a_desk_with_nobody_on_shift_goes_to_the_cx_lead_not_another_desks_officer(
    whole, emea, emea_agent, executive, cx_lead
):
    shift(executive, whole)
    escalation = log(emea_agent)
    assert (escalation.desk, escalation.routed_to, escalation.shift) == (emea, cx_lead, None)


def test_a_shift_made_by_hand_without_a_desk_covers_every_desk(emea, emea_agent, executive):
    made = shift(executive, None)
    escalation = log(emea_agent)
    assert (escalation.routed_to, escalation.shift) == (executive, made)
    assert officer_on_shift(desk=emea).session == made


def test_every_officer_on_shift_is_listed_one_per_desk(whole, emea, executive, make_user):
    other = make_user(roles=[Role.EXECUTIVE])
    shift(other, emea)
    shift(executive, whole)
    assert [(o.session.desk, o.person) for o in officers_on_shift()] == [
        (whole, executive),
        (emea, other),
    ]


def test_a_team_escalates_to_one_desk_so_choosing_it_moves_it(emea, emea_agent, whole):
    team = emea_agent.frontline_team
    officer_desk_save(desk=whole, teams=[team])
    assert officer_desk_of(team_id=team.pk) == whole
    assert OfficerDeskTeam.objects.filter(team=team).count() == 1


def test_two_shifts_of_one_desk_cannot_start_together(whole, executive, make_user):
    from django.db import IntegrityError, transaction

    now = timezone.now()
    shift(executive, whole, now=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        shift(make_user(roles=[Role.EXECUTIVE]), whole, now=now)


def test_a_rotation_plans_an_officer_at_every_desk_every_working_day(whole, emea, cx_lead):
    people = [UserFactory(roles=[Role.EXECUTIVE], time_zone="UTC") for _ in range(4)]
    first, last = next_month()
    choice = RotationChoice(
        activity("officer-of-the-day"), first, last, people, cover_every_day=True
    )
    plan = rotation_preview(choice=choice)
    rotation_publish(
        choice=choice,
        include={p.key for p in plan.changes},
        fingerprint=plan.fingerprint(),
        by=cx_lead,
    )
    shifts = list(Session.objects.filter(activity_type__slug="officer-of-the-day"))
    working_days = {s.starts_at.date() for s in shifts}
    assert all(d.weekday() < 5 for d in working_days)
    per_desk_day = Counter((s.starts_at.date(), s.desk_id) for s in shifts)
    assert set(per_desk_day) == {(d, k) for d in working_days for k in (whole.pk, emea.pk)}
    assert set(per_desk_day.values()) == {1}
    given = Counter(p.person_id for s in shifts for p in s.participants.all())
    assert max(given.values()) - min(given.values()) <= 1


def test_a_desk_taken_out_of_use_gets_no_shifts(whole, emea, cx_lead):
    emea.is_active = False
    emea.save()
    people = [UserFactory(roles=[Role.EXECUTIVE], time_zone="UTC") for _ in range(2)]
    first, last = next_month()
    plan = rotation_preview(
        choice=RotationChoice(activity("officer-of-the-day"), first, last, people)
    )
    assert {p.desk_id for p in plan.changes} == {whole.pk}


# Pages


def test_the_cx_lead_adds_a_desk_with_its_teams_on_the_setup_page(client, cx_lead):
    team = FrontlineTeamFactory(name="Manila chat")
    client.force_login(cx_lead)
    response = client.post(
        reverse("immersion:desk_create"),
        {"name": "APAC", "kind": "region", "teams": [team.pk], "is_active": "on"},
    )
    assert response.status_code == 302
    desk = OfficerDesk.objects.get(name="APAC")
    assert officer_desk_of(team_id=team.pk) == desk
    page = client.get(reverse("immersion:setup")).content.decode()
    assert "APAC" in page
    assert "Manila chat" in page


def test_a_second_desk_of_the_same_name_is_refused_with_a_message(client, cx_lead, whole):
    client.force_login(cx_lead)
    response = client.post(
        reverse("immersion:desk_create"), {"name": "Whole organisation", "kind": "region"}
    )
    assert response.status_code == 200
    assert "There is already a desk with this name." in response.content.decode()


def test_with_one_desk_the_escalation_form_asks_for_no_desk(client, frontline):
    client.force_login(frontline)
    response = client.get(reverse("immersion:escalation_create"))
    assert "desk" not in response.context["form"].fields


def test_the_agent_chooses_a_desk_on_the_escalation_form(
    client, whole, emea, emea_agent, executive, make_user
):
    officer = make_user(roles=[Role.EXECUTIVE], display_name="Whole Officer")
    shift(officer, whole)
    shift(executive, emea)
    client.force_login(emea_agent)
    page = client.get(reverse("immersion:escalation_create")).content.decode()
    assert f"It goes to <strong>{executive}</strong>" in page
    response = client.post(
        reverse("immersion:escalation_create"),
        {
            "customer_reference": "ACME-3",
            "channel": "phone",
            "urgency": "normal",
            "desk": whole.pk,
            "what_happened": "Billing twice",
        },
    )
    assert response.status_code == 302
    assert Escalation.objects.get().routed_to == officer


def test_the_escalation_form_refuses_a_desk_that_does_not_exist(client, whole, emea, emea_agent):
    client.force_login(emea_agent)
    response = client.post(
        reverse("immersion:escalation_create"),
        {
            "customer_reference": "ACME-3",
            "channel": "phone",
            "urgency": "normal",
            "desk": 999999,
            "what_happened": "Billing twice",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["desk"]
    assert not Escalation.objects.exists()


@pytest.mark.parametrize(
    ("name", "role", "ceiling"),
    [
        ("immersion:escalations", "cx_lead", 12),
        ("immersion:setup", "cx_lead", 12),
        ("home", "frontline", 16),
        ("immersion:escalation_create", "frontline", 12),
    ],
)
def test_desk_pages_take_the_same_queries_for_few_and_many_desks(
    client, user_for_role, queries_at_two_sizes, make_user, name, role, ceiling
):
    client.force_login(user_for_role(role))

    def build(size):
        for n in range(OfficerDesk.objects.count(), size):
            desk = OfficerDesk.objects.create(name=f"Desk {n}")
            OfficerDeskTeam.objects.create(desk=desk, team=FrontlineTeamFactory())
            shift(make_user(roles=[Role.EXECUTIVE]), desk)
        return reverse(name)

    def shown(response):
        if name == "home":  # the page shows one desk's officer; count the desks it chose among
            return OfficerDesk.objects.count()
        return len(response.context.get("officers") or response.context.get("desks"))

    queries_at_two_sizes(build, shown, ceiling=ceiling, sizes=(3, 12), warm_up=True)


def test_the_rotation_preview_and_the_published_rotation_say_each_shifts_desk(
    client, cx_lead, whole, emea
):
    from immersion.tests.test_views import builder_data

    UserFactory(roles=[Role.EXECUTIVE], time_zone="UTC")
    UserFactory(roles=[Role.EXECUTIVE], time_zone="UTC")
    client.force_login(cx_lead)
    data = builder_data(activity_type=activity("officer-of-the-day").pk, host_teams=[])
    page = client.post(
        reverse("immersion:rotation_preview"), data, headers={"HX-Request": "true"}
    ).content.decode()
    assert "EMEA desk" in page
    assert "Whole organisation desk" in page
    data.update(
        action="publish",
        fingerprint=re.search(r'name="fingerprint" value="([^"]+)"', page)[1],
        include=re.findall(r'name="include" value="([^"]+)"', page),
    )
    rotation = client.get(client.post(reverse("immersion:rotation_new"), data).url)
    assert "EMEA desk" in rotation.content.decode()


def test_the_cx_lead_schedules_a_shift_by_hand_at_one_desk_and_not_twice(
    client, cx_lead, emea, executive, make_user
):
    client.force_login(cx_lead)
    day = timezone.localdate() + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)

    def schedule(person):
        return client.post(
            reverse("immersion:session_create"),
            {
                "activity_type": activity("officer-of-the-day").pk,
                "day": day.isoformat(),
                "start_time": "09:00",
                "participants": [person.pk],
                "desk": emea.pk,
            },
        )

    assert schedule(executive).status_code == 302
    assert Session.objects.get().desk == emea
    again = schedule(make_user(roles=[Role.EXECUTIVE]))
    assert again.status_code == 200
    assert "That desk already has an officer on shift then." in again.content.decode()
    assert Session.objects.count() == 1


def test_bad_desk_input_is_refused_with_a_reason_never_a_500(client, cx_lead, whole):
    client.force_login(cx_lead)
    assert client.get(reverse("immersion:desk_edit", args=[999999])).status_code == 404
    response = client.post(
        reverse("immersion:desk_edit", args=[whole.pk]),
        {"name": "x" * 10_000, "kind": "no-such-kind"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "kind"}
    whole.refresh_from_db()
    assert whole.name == "Whole organisation"


def test_home_names_the_officer_at_the_agents_desk_at_once_after_a_change(
    client, whole, emea, emea_agent, executive, make_user, django_capture_on_commit_callbacks
):
    """Who is on shift is remembered for the minute under the programme's generation: a new
    shift and a team moved to another desk show on the agent's next view of home."""
    client.force_login(emea_agent)

    def shown():
        return client.get(reverse("home")).context["on_shift"]

    assert shown() is None
    other = make_user(roles=[Role.EXECUTIVE], display_name="Whole Officer")
    with django_capture_on_commit_callbacks(execute=True):
        shift(other, whole)
    assert shown() is None, "the agent's team escalates to EMEA, where nobody is on shift"
    with django_capture_on_commit_callbacks(execute=True):
        shift(executive, emea)
    assert shown().person == executive
    with django_capture_on_commit_callbacks(execute=True):
        officer_desk_save(desk=whole, teams=[emea_agent.frontline_team])
    assert shown().person == other
