import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.roles import Role
from accounts.tests.factories import FrontlineTeamFactory, UserFactory
from core.models import Holiday
from immersion.models import (
    CadenceTarget,
    Escalation,
    Participant,
    Rotation,
    Session,
    SwapRequest,
    TimeOff,
)
from immersion.services.feeds import calendar_feed_get
from immersion.services.sessions import participant_replace, session_cancel
from immersion.tests.factories import SessionFactory, TimeOffFactory, activity

pytestmark = pytest.mark.django_db


def local_day(days=7):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


# Scheduling one session (CX lead)


def schedule(client, **overrides):
    data = {
        "activity_type": activity("call-listening").pk,
        "day": local_day(),
        "start_time": "10:00",
        "duration_minutes": "60",
        "host_team": FrontlineTeamFactory().pk,
        "notes": "Bring headphones",
    }
    data.update(overrides)
    return client.post(reverse("immersion:session_create"), data)


def test_cx_lead_schedules_a_session(client, cx_lead, executive):
    client.force_login(cx_lead)
    response = schedule(client, participants=[executive.pk])
    session = Session.objects.get()
    assert response.url == session.get_absolute_url()
    assert [p.person for p in session.participants.all()] == [executive]
    assert session.duration_minutes == 60


def test_an_overlap_is_refused_on_the_form_keeping_what_was_typed(client, cx_lead, executive):
    client.force_login(cx_lead)
    schedule(client, participants=[executive.pk])
    response = schedule(client, participants=[executive.pk], start_time="10:30", notes="Second go")
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert "Evelyn Exec already has “Call listening” at that time" in errors[0]
    assert response.context["form"]["notes"].value() == "Second go"
    assert Session.objects.count() == 1


def test_a_session_in_the_past_or_of_negative_length_is_refused(client, cx_lead, executive):
    client.force_login(cx_lead)
    past = schedule(client, participants=[executive.pk], day=local_day(-3))
    assert past.context["form"].errors["day"] == ["A session cannot start in the past."]
    negative = schedule(client, participants=[executive.pk], duration_minutes="-30")
    assert negative.context["form"].errors["duration_minutes"] == [
        "A session lasts between 5 minutes and 24 hours."
    ]
    assert Session.objects.count() == 0


def test_listening_without_a_host_team_is_refused(client, cx_lead, executive):
    client.force_login(cx_lead)
    response = schedule(client, participants=[executive.pk], host_team="")
    assert response.context["form"].errors["host_team"] == [
        "Call listening is held with a frontline team: choose at least one host team."
    ]


def test_session_page_shows_the_history_of_changes(client, cx_lead, make_user):
    ana = make_user(roles=[Role.EXECUTIVE], display_name="Ana")
    bo = make_user(roles=[Role.EXECUTIVE], display_name="Bo")
    session = SessionFactory(people=[ana])
    participant_replace(session=session, person=ana, replacement=bo, by=cx_lead, kind="reassigned")
    client.force_login(cx_lead)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Reassigned</strong> by Casey Lead" in page
    assert "Ana → Bo" in page


def test_a_refused_reassignment_comes_back_with_the_reason_and_both_names_kept(
    client, cx_lead, make_user
):
    ana = make_user(roles=[Role.EXECUTIVE], display_name="Ana")
    bo = make_user(roles=[Role.EXECUTIVE], display_name="Bo")
    session = SessionFactory(people=[ana])
    SessionFactory(people=[bo], starts_at=session.starts_at, ends_at=session.ends_at)
    client.force_login(cx_lead)
    response = client.post(
        reverse("immersion:session_reassign", args=[session.pk]),
        {"person": ana.pk, "replacement": bo.pk},
    )
    assert response.status_code == 200
    form = response.context["reassign_form"]
    [reason] = form.non_field_errors()
    assert "Bo" in reason
    assert (form["person"].value(), form["replacement"].value()) == (str(ana.pk), str(bo.pk))
    assert "<details open>" in response.content.decode()
    assert [p.person for p in session.participants.filter(is_active=True)] == [ana]


def test_a_reassignment_gives_the_place_and_says_so(client, cx_lead, make_user):
    ana = make_user(roles=[Role.EXECUTIVE], display_name="Ana")
    bo = make_user(roles=[Role.EXECUTIVE], display_name="Bo")
    session = SessionFactory(people=[ana])
    client.force_login(cx_lead)
    response = client.post(
        reverse("immersion:session_reassign", args=[session.pk]),
        {"person": ana.pk, "replacement": bo.pk},
        follow=True,
    )
    assert "Place given; both were told." in response.content.decode()
    assert [p.person for p in session.participants.filter(is_active=True)] == [bo]


# Targets, time off, swaps: bad input


@pytest.mark.parametrize("amount", ["0", "-2"])
def test_a_target_of_zero_or_less_is_refused(client, cx_lead, amount):
    client.force_login(cx_lead)
    response = client.post(
        reverse("immersion:target_create"),
        {
            "activity_type": activity("qa-review").pk,
            "amount": amount,
            "unit": "hours",
            "period": "month",
            "applies_to": "each_executive",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "A target must be more than zero." in str(response.context["form"].errors)
    assert not CadenceTarget.objects.filter(activity_type__slug="qa-review").exists()


def test_time_off_that_ends_before_it_starts_is_refused(client, executive):
    client.force_login(executive)
    response = client.post(
        reverse("immersion:time_off"),
        {"start_date": local_day(10), "end_date": local_day(8), "note": "Trip"},
    )
    assert response.context["form"].errors["end_date"] == [
        "The last day must be on or after the first day."
    ]
    assert response.context["form"]["note"].value() == "Trip"
    assert not TimeOff.objects.exists()


def test_time_off_warns_about_sessions_already_booked(client, executive):
    session = SessionFactory(people=[executive])
    day = timezone.localtime(session.starts_at).date().isoformat()
    client.force_login(executive)
    response = client.post(
        reverse("immersion:time_off"), {"start_date": day, "end_date": day}, follow=True
    )
    assert "still has 1 session(s) then: Call listening" in response.content.decode()


def test_a_swap_to_someone_on_time_off_is_refused_on_the_form(client, executive, make_user):
    colleague = make_user(roles=[Role.EXECUTIVE], display_name="Away Person")
    session = SessionFactory(people=[executive])
    day = timezone.localtime(session.starts_at, timezone.get_fixed_timezone(0)).date()
    TimeOffFactory(person=colleague, start_date=day, end_date=day)
    client.force_login(executive)
    response = client.post(
        reverse("immersion:swap_create", args=[session.pk]),
        {"offered_to": colleague.pk, "message": "Please"},
    )
    assert response.status_code == 200
    assert "Away Person is on time off on" in response.context["form"].errors["offered_to"][0]
    assert response.context["form"]["message"].value() == "Please"
    assert not SwapRequest.objects.exists()


def test_nobody_can_offer_a_session_they_are_not_in(client, executive, make_user):
    other = SessionFactory(people=[make_user(roles=[Role.EXECUTIVE])])
    client.force_login(executive)
    assert client.get(reverse("immersion:swap_create", args=[other.pk])).status_code == 404


def test_time_off_of_others_cannot_be_removed_by_an_executive(client, executive, make_user):
    entry = TimeOffFactory(person=make_user(roles=[Role.EXECUTIVE]))
    client.force_login(executive)
    response = client.post(reverse("immersion:time_off_delete", args=[entry.pk]))
    assert response.status_code == 404
    assert TimeOff.objects.filter(pk=entry.pk).exists()


# The rotation builder


def builder_data(**overrides):
    team = FrontlineTeamFactory(weekly_listener_capacity=20)
    data = {
        "activity_type": activity("call-listening").pk,
        "period": "next_month",
        "who": "all",
        "host_teams": [team.pk],
    }
    data.update(overrides)
    return data


def test_preview_fragment_lists_changes_and_publishing_writes_them(client, cx_lead, make_user):
    people = [make_user(roles=[Role.EXECUTIVE]) for _ in range(2)]
    client.force_login(cx_lead)
    data = builder_data()
    fragment = client.post(
        reverse("immersion:rotation_preview"), data, headers={"HX-Request": "true"}
    )
    page = fragment.content.decode()
    assert "<html" not in page
    assert "4 to create, 0 to move, 0 to cancel" in page
    assert Session.objects.count() == 0
    # What the browser would post back from the fragment (a partial: no test-client context).
    data.update(
        action="publish",
        fingerprint=re.search(r'name="fingerprint" value="([^"]+)"', page)[1],
        include=re.findall(r'name="include" value="([^"]+)"', page),
    )
    response = client.post(reverse("immersion:rotation_new"), data)
    rotation = Rotation.objects.get()
    assert response.url == rotation.get_absolute_url()
    assert {p.person for p in Participant.objects.all()} == set(people)


def test_publishing_a_stale_preview_shows_the_new_plan(client, cx_lead, make_user):
    make_user(roles=[Role.EXECUTIVE])
    client.force_login(cx_lead)
    data = builder_data(action="publish", fingerprint="not-what-it-is-now")
    response = client.post(reverse("immersion:rotation_new"), data)
    assert response.status_code == 200
    assert "The schedule changed since this preview" in response.content.decode()
    assert "to create" in response.content.decode()
    assert not Rotation.objects.exists()


def test_builder_refuses_backwards_dates_and_missing_host_teams(client, cx_lead, executive):
    client.force_login(cx_lead)
    response = client.post(
        reverse("immersion:rotation_preview"),
        builder_data(
            period="range", start_date=local_day(20), end_date=local_day(10), host_teams=[]
        ),
    )
    page = response.content.decode()
    assert "The last day must be on or after the first day." in page
    assert "choose at least one host team" in page


# Calendar feeds


def parse(response):
    return Calendar.from_ical(response.content)


def test_feed_has_stable_uids_raised_sequences_zones_and_cancellations(client, make_user, cx_lead):
    ana = make_user(roles=[Role.EXECUTIVE], time_zone="America/New_York")
    bo = make_user(roles=[Role.EXECUTIVE])
    kept = SessionFactory(people=[ana], notes="Headphones")
    left = SessionFactory(
        people=[ana],
        starts_at=kept.starts_at + timedelta(hours=3),
        ends_at=kept.starts_at + timedelta(hours=4),
    )
    cancelled = SessionFactory(
        people=[ana],
        starts_at=kept.starts_at + timedelta(days=1),
        ends_at=kept.starts_at + timedelta(days=1, hours=1),
    )
    participant_replace(session=left, person=ana, replacement=bo, by=cx_lead, kind="reassigned")
    session_cancel(session=cancelled, by=cx_lead)
    url = reverse("immersion:feed", args=[calendar_feed_get(person=ana).token])
    response = client.get(url)  # no sign-in: calendar apps have none
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = {str(e["UID"]): e for e in parse(response).walk("VEVENT")}
    assert set(events) == {f"{s.uid}@proximity" for s in (kept, left, cancelled)}
    assert str(events[f"{kept.uid}@proximity"]["STATUS"]) == "TENTATIVE"
    assert str(events[f"{left.uid}@proximity"]["STATUS"]) == "CANCELLED"
    assert int(events[f"{left.uid}@proximity"]["SEQUENCE"]) == 1
    assert str(events[f"{cancelled.uid}@proximity"]["STATUS"]) == "CANCELLED"
    start = events[f"{kept.uid}@proximity"]["DTSTART"]
    assert start.params["TZID"] == "America/New_York"
    assert start.dt == kept.starts_at
    assert "America/New_York" in [str(tz["TZID"]) for tz in parse(response).walk("VTIMEZONE")]
    assert client.get(url).content.count(b"BEGIN:VEVENT") == 3


def test_a_wrong_or_replaced_feed_address_is_404(client, executive):
    old = calendar_feed_get(person=executive).token
    assert client.get(reverse("immersion:feed", args=["made-up"])).status_code == 404
    client.force_login(executive)
    client.post(reverse("immersion:feed_regenerate"))
    client.logout()
    assert client.get(reverse("immersion:feed", args=[old])).status_code == 404
    new = calendar_feed_get(person=executive).token
    assert client.get(reverse("immersion:feed", args=[new])).status_code == 200


def test_programme_feed_only_for_someone_who_runs_the_programme(client, executive, cx_lead):
    SessionFactory(people=[executive])
    lead_token = calendar_feed_get(person=cx_lead).token
    exec_token = calendar_feed_get(person=executive).token
    ok = client.get(reverse("immersion:programme_feed", args=[lead_token]))
    assert b"Call listening: Evelyn Exec" in ok.content
    assert client.get(reverse("immersion:programme_feed", args=[exec_token])).status_code == 404


# Escalations


def test_frontline_agent_escalates_and_the_officer_resolves(client, frontline, executive):
    now = timezone.now()
    SessionFactory(
        activity_type=activity("officer-of-the-day"),
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=7),
        people=[executive],
    )
    client.force_login(frontline)
    response = client.post(
        reverse("immersion:escalation_create"),
        {
            "customer_reference": "ACME-9",
            "channel": "phone",
            "urgency": "high",
            "what_happened": "Refund limit blocks a fix",
        },
    )
    detail = response.url
    client.force_login(executive)
    empty = client.post(detail, {"resolution_note": ""})
    assert empty.context["form"].errors["resolution_note"] == ["Say how it was resolved."]
    client.post(detail, {"resolution_note": "Approved the refund"})
    assert "Resolved by Evelyn Exec" in client.get(detail).content.decode()


# Query counts: the same at two sizes


def _populate(size, executive, cx_lead):
    """`size` of everything these pages list: sessions (the executive in each), time off,
    escalations, published rotations and holidays to come."""
    Escalation.objects.all().delete()
    Session.objects.all().delete()
    TimeOff.objects.all().delete()
    Rotation.objects.all().delete()
    Holiday.objects.all().delete()
    team = FrontlineTeamFactory()
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    for n in range(size):
        person = UserFactory(roles=[Role.EXECUTIVE])
        SessionFactory(
            people=[person, executive],
            host_team=team,
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n, minutes=45),
        )
        TimeOffFactory(person=person)
        resolved = n % 2 == 0
        Escalation.objects.create(
            customer_reference=f"C-{n}",
            what_happened="x",
            channel="phone",
            logged_by=UserFactory(roles=[Role.FRONTLINE]),
            routed_to=person,
            status="resolved" if resolved else "open",
            resolved_by=person if resolved else None,
            resolved_at=timezone.now() if resolved else None,
        )
        Rotation.objects.create(
            activity_type=activity("call-listening"),
            start_date=start.date(),
            end_date=start.date() + timedelta(days=30),
            published_by=cx_lead,
            created_count=n,
        )
        Holiday.objects.create(
            date=timezone.localdate() + timedelta(days=200 + n), name=f"Holiday {n}"
        )


def _listed(*keys):
    """How many records the page shows under these context names (a number, or a list)."""

    def count(response):
        values = [response.context[key] for key in keys]
        return sum(value if isinstance(value, int) else len(value) for value in values)

    return count


@pytest.mark.parametrize(
    ("name", "role", "ceiling", "listed"),
    [
        ("immersion:calendar", "cx_lead", 12, ["count"]),
        ("immersion:at_risk", "cx_lead", 12, ["rows"]),
        ("immersion:schedule", "executive", 16, ["upcoming"]),
        ("immersion:time_off", "cx_lead", 12, ["entries"]),
        ("immersion:rotations", "cx_lead", 10, ["rotations"]),
        ("immersion:escalations", "cx_lead", 12, ["open", "resolved"]),
        ("immersion:setup", "cx_lead", 10, ["holidays"]),
        ("home", "cx_lead", 18, ["at_risk"]),
        ("home", "executive", 30, ["upcoming"]),
    ],
)
def test_pages_take_the_same_queries_for_3_and_40_records(
    client, executive, cx_lead, user_for_role, queries_at_two_sizes, name, role, ceiling, listed
):
    client.force_login(user_for_role(role))

    def build(size):
        _populate(size, executive, cx_lead)
        return reverse(name)

    # warm_up: first visits create things once (a calendar address)
    queries_at_two_sizes(build, _listed(*listed), ceiling=ceiling, warm_up=True)


def test_a_host_agent_from_another_team_is_refused(client, cx_lead, executive):
    phone, chat = FrontlineTeamFactory(name="Phone"), FrontlineTeamFactory(name="Chat")
    agent = UserFactory(display_name="Chat Agent", frontline_team=chat, roles=[Role.FRONTLINE])
    client.force_login(cx_lead)
    response = schedule(
        client, participants=[executive.pk], host_team=phone.pk, host_agent=agent.pk
    )
    assert response.context["form"].errors["host_agent"] == [
        "Chat Agent is not on Phone; choose one of its agents or another team."
    ]
    ok = schedule(client, participants=[executive.pk], host_team=chat.pk, host_agent=agent.pk)
    assert Session.objects.get().host_agent == agent
    assert ok.status_code == 302


def test_schedule_shows_month_and_quarter_to_date_progress(client, executive):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
    session = SessionFactory(
        people=[executive], starts_at=start, ends_at=start + timedelta(hours=1)
    )
    Participant.objects.filter(session=session).update(attendance="attended")
    client.force_login(executive)
    listening = next(
        p
        for p in client.get(reverse("immersion:schedule")).context["progress"]
        if p.target.activity_type.slug == "call-listening"
    )
    assert (listening.needed, listening.done) == (2, 1)
    assert (listening.quarter.needed, listening.quarter.done) == (6, 1)
    assert listening.quarter.period_label.startswith("Q")


def test_preview_gives_a_faraway_executives_own_time(client, cx_lead, make_user):
    make_user(roles=[Role.EXECUTIVE], display_name="Kenji Sato", time_zone="Asia/Tokyo")
    client.force_login(cx_lead)  # Europe/London, from the factory
    fragment = client.post(
        reverse("immersion:rotation_preview"),
        {"activity_type": activity("customer-journey").pk, "period": "next_quarter", "who": "all"},
    )
    (local,) = re.findall(r"\d\d:\d\d in Asia/Tokyo", fragment.content.decode())
    assert local


def test_amounts_read_as_people_say_them(client, cx_lead, executive):
    client.force_login(cx_lead)
    page = client.get(reverse("immersion:at_risk")).content.decode()
    assert "1 session</td>" in page
    assert "1 sessions" not in page
    assert "2 hours</td>" in page


def test_cx_lead_finds_the_programme_feed_address_on_the_calendar(client, cx_lead, leadership):
    client.force_login(cx_lead)
    url = client.get(reverse("immersion:calendar")).context["programme_feed_url"]
    token = calendar_feed_get(person=cx_lead).token
    assert url == f"http://testserver/immersion/feed/{token}/programme.ics"
    client.force_login(leadership)
    assert client.get(reverse("immersion:calendar")).context["programme_feed_url"] is None


def test_the_calendar_title_is_short_and_holds_no_feed_address_or_token(client, cx_lead):
    client.force_login(cx_lead)
    page = client.get(reverse("immersion:calendar")).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL).group(1)
    token = calendar_feed_get(person=cx_lead).token
    assert title == "Programme calendar · Proximity"
    assert token not in title
    assert "csrfmiddlewaretoken" not in title
    assert "http" not in title


def test_making_a_new_feed_address_never_redirects_off_site(client, executive):
    client.force_login(executive)
    away = client.post(reverse("immersion:feed_regenerate"), {"next": "https://evil.example/"})
    assert away.url == reverse("immersion:schedule")
    back = client.post(reverse("immersion:feed_regenerate"), {"next": "/immersion/calendar/"})
    assert back.url == "/immersion/calendar/"
