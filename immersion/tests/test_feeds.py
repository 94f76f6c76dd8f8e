"""Calendar feeds at scale: the window a calendar client needs, and conditional GETs that cost
nothing when nothing changed (a 304 before rendering), a new ETag whenever the feed changes."""

import gzip
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from icalendar import Calendar

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import FrontlineTeamFactory
from immersion import ical
from immersion.models import ActivityType
from immersion.services.feeds import calendar_feed_get
from immersion.services.sessions import (
    participant_replace,
    session_cancel,
    session_confirm,
    session_create,
    session_reschedule,
    session_update_details,
)
from immersion.services.swaps import swap_request_accept, swap_request_create
from immersion.tests.factories import SessionFactory, activity

pytestmark = pytest.mark.django_db


def _next_week(hours: int = 0):
    start = (timezone.now() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    return start + timedelta(hours=hours)


def _uids(response) -> set[str]:
    return {str(e["UID"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


@pytest.fixture
def feeds(client, cx_lead, executive):
    """The executive's feed address and the CX lead's programme feed address."""
    return {
        "person": reverse("immersion:feed", args=[calendar_feed_get(person=executive).token]),
        "programme": reverse(
            "immersion:programme_feed", args=[calendar_feed_get(person=cx_lead).token]
        ),
    }


# The window


@pytest.mark.parametrize("feed", ["person", "programme"])
def test_a_feed_holds_three_months_back_and_a_year_ahead(client, executive, feeds, feed):
    now = timezone.now()

    def session(days: int):
        starts_at = (now + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
        return SessionFactory(
            people=[executive], starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)
        )

    inside = [session(-85), session(-1), session(7), session(360)]
    outside = [session(-100), session(375)]
    uids = _uids(client.get(feeds[feed]))
    assert uids == {f"{s.uid}@proximity" for s in inside}
    assert not uids & {f"{s.uid}@proximity" for s in outside}


# Conditional GETs


@pytest.mark.parametrize("feed", ["person", "programme"])
def test_a_poll_with_the_same_etag_is_answered_304_without_rendering(
    client, executive, feeds, feed, monkeypatch
):
    SessionFactory(people=[executive])
    first = client.get(feeds[feed])
    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert first["Last-Modified"]

    def no_rendering(*args, **kwargs):
        raise AssertionError("a 304 renders nothing")

    monkeypatch.setattr("immersion.views.feeds.person_feed", no_rendering)
    monkeypatch.setattr("immersion.views.feeds.programme_feed", no_rendering)
    again = client.get(feeds[feed], headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    since = client.get(feeds[feed], headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304


@pytest.mark.parametrize("feed", ["person", "programme"])
def test_a_poll_with_a_stale_etag_gets_the_new_feed(client, cx_lead, executive, feeds, feed):
    session = SessionFactory(people=[executive])
    first = client.get(feeds[feed])
    added = session_create(
        activity_type=activity("call-listening"),
        starts_at=_next_week(3),
        ends_at=_next_week(4),
        participants=[executive],
        created_by=cx_lead,
    )
    again = client.get(feeds[feed], headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert _uids(again) == {f"{session.uid}@proximity", f"{added.uid}@proximity"}
    old_date = http_date((timezone.now() - timedelta(days=2)).timestamp())
    assert client.get(feeds[feed], headers={"if-modified-since": old_date}).status_code == 200


# Each change returns the action to take after the feed was first read.


def _add(session, executive, colleague, cx_lead):
    return lambda: session_create(
        activity_type=activity("call-listening"),
        starts_at=_next_week(5),
        ends_at=_next_week(6),
        participants=[executive],
        created_by=cx_lead,
    )


def _move(session, executive, colleague, cx_lead):
    return lambda: session_reschedule(
        session=session, starts_at=_next_week(2), ends_at=_next_week(3), by=cx_lead
    )


def _cancel(session, executive, colleague, cx_lead):
    return lambda: session_cancel(session=session, by=cx_lead)


def _confirm(session, executive, colleague, cx_lead):
    return lambda: session_confirm(session=session, by=cx_lead)


def _give_a_place(session, executive, colleague, cx_lead):
    """The executive takes a colleague's place in a session they were not in."""
    theirs = SessionFactory(people=[colleague], starts_at=_next_week(8), ends_at=_next_week(9))
    return lambda: participant_replace(
        session=theirs, person=colleague, replacement=executive, by=cx_lead, kind="reassigned"
    )


def _relieve(session, executive, colleague, cx_lead):
    return lambda: participant_replace(
        session=session, person=executive, replacement=colleague, by=cx_lead, kind="reassigned"
    )


def _swap(session, executive, colleague, cx_lead):
    swap = swap_request_create(session=session, requested_by=executive, offered_to=colleague)
    return lambda: swap_request_accept(swap=swap, by=colleague)


def _host_team(session, executive, colleague, cx_lead):
    return lambda: session_update_details(
        session=session, by=cx_lead, host_team=FrontlineTeamFactory()
    )


def _notes(session, executive, colleague, cx_lead):
    return lambda: session_update_details(
        session=session, by=cx_lead, host_team=session.host_team, notes="Bring headphones"
    )


def _rename_activity(session, executive, colleague, cx_lead):
    return lambda: ActivityType.objects.filter(pk=session.activity_type_id).update(
        name="Listening in"
    )


def _rename_team(session, executive, colleague, cx_lead):
    def rename():
        session.host_team.name = "Billing, second line"
        session.host_team.save()

    return rename


CHANGES = [
    _add,
    _move,
    _cancel,
    _confirm,
    _give_a_place,
    _relieve,
    _swap,
    _host_team,
    _notes,
    _rename_activity,
    _rename_team,
]


@pytest.mark.parametrize("feed", ["person", "programme"])
@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_every_kind_of_change_gives_the_feed_a_new_etag(
    client, cx_lead, executive, make_user, feeds, feed, change
):
    colleague = make_user(roles=[Role.EXECUTIVE], display_name="Colin Colleague")
    session = SessionFactory(
        people=[executive],
        starts_at=_next_week(),
        ends_at=_next_week(1),
        host_team=FrontlineTeamFactory(),
    )
    act = change(session, executive, colleague, cx_lead)
    before = client.get(feeds[feed])
    act()
    after = client.get(feeds[feed], headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.content != before.content
    assert client.get(feeds[feed], headers={"if-none-match": after["ETag"]}).status_code == 304


def test_the_person_feed_changes_with_their_own_name_and_time_zone(client, executive, feeds):
    SessionFactory(people=[executive])
    first = client.get(feeds["person"])["ETag"]
    executive.display_name = "Evelyn Executive"
    executive.save()
    renamed = client.get(feeds["person"])
    assert renamed["ETag"] != first
    assert b"Evelyn Executive" in renamed.content
    executive.time_zone = "Asia/Tokyo"
    executive.save()
    moved = client.get(feeds["person"])
    assert moved["ETag"] != renamed["ETag"]
    assert b"TZID=Asia/Tokyo" in moved.content


# The same queries, whatever the number of sessions


@pytest.mark.parametrize(("feed", "ceiling"), [("person", 8), ("programme", 10)])
def test_a_feed_takes_the_same_queries_for_few_and_many_sessions(
    client, cx_lead, executive, feeds, queries_at_two_sizes, feed, ceiling
):
    def build(size):
        for n in range(ical.Session.objects.count(), size):
            SessionFactory(
                people=[executive], starts_at=_next_week(2 * n), ends_at=_next_week(2 * n + 1)
            )
        # A person's permissions are read once, then remembered in the shared cache
        # (accounts.backends): remembered here, so both sizes count the feed's own queries.
        User.objects.get(pk=cx_lead.pk).has_perm("immersion.manage_programme")
        return feeds[feed]

    queries_at_two_sizes(
        build,
        lambda response: response.content.count(b"BEGIN:VEVENT"),
        ceiling=ceiling,
        sizes=(2, 12),
    )


def test_the_pages_offering_a_feed_say_what_it_holds(client, cx_lead, executive):
    client.force_login(executive)
    schedule = client.get(reverse("immersion:schedule")).content.decode()
    assert "your sessions from three months back to a year ahead" in schedule
    client.force_login(cx_lead)
    calendar = client.get(reverse("immersion:calendar")).content.decode()
    assert "every session from three months back to a year ahead" in calendar


# Events written directly (ical._event_text)


@pytest.mark.parametrize("feed", ["person", "programme"])
def test_event_text_reads_back_whole_in_a_calendar_client(client, executive, feeds, feed):
    notes = "Bring headphones; the queue, \\ the ticket\r\nthen ask: ¿por qué? " + "é" * 80
    team = FrontlineTeamFactory(name="Billing, second line; Zürich")
    session = SessionFactory(people=[executive], notes=notes, host_team=team)
    response = client.get(feeds[feed])
    lines = response.content.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75  # octets, folded as RFC 5545 asks
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    site = settings.SITE_URL.rstrip("/")
    expected = notes.replace("\r\n", "\n") + f"\n\n{site}{session.get_absolute_url()}"
    assert str(event["DESCRIPTION"]) == expected
    assert str(event["LOCATION"]) == team.name
    assert str(event["SUMMARY"]).startswith("Call listening")
    assert event["DTSTART"].dt == session.starts_at


def test_a_person_in_utc_gets_utc_times_and_no_time_zone_block(client, make_user):
    person = make_user(roles=[Role.EXECUTIVE], time_zone="UTC")
    session = SessionFactory(people=[person])
    response = client.get(reverse("immersion:feed", args=[calendar_feed_get(person=person).token]))
    calendar = Calendar.from_ical(response.content)
    assert calendar.walk("VTIMEZONE") == []
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].dt == session.starts_at
    assert f"DTSTART:{session.starts_at:%Y%m%dT%H%M%S}Z".encode() in response.content


def test_the_programme_is_rendered_once_a_version_and_sent_compressed_when_asked(
    client, cx_lead, executive, feeds, monkeypatch
):
    SessionFactory(people=[executive])
    plain = client.get(feeds["programme"])
    assert plain.get("Content-Encoding") is None
    assert "Accept-Encoding" in plain["Vary"]

    def no_rendering(*args, **kwargs):
        raise AssertionError("the same version is rendered once")

    monkeypatch.setattr("immersion.views.feeds.programme_feed", no_rendering)
    packed = client.get(feeds["programme"], headers={"accept-encoding": "gzip, deflate"})
    assert packed.status_code == 200
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert packed["ETag"] == f"W/{plain['ETag']}"
    again = client.get(
        feeds["programme"],
        headers={"accept-encoding": "gzip", "if-none-match": packed["ETag"]},
    )
    assert again.status_code == 304
    assert (
        client.get(feeds["programme"], headers={"if-none-match": plain["ETag"]}).status_code == 304
    )
