"""The programme calendar at a large organisation's volume: a few sessions a day and "N more",
which opens that day's full list in pages; the filters narrow both."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from immersion.tests.factories import SessionFactory, activity
from immersion.views.calendar import PER_DAY

pytestmark = pytest.mark.django_db


def _sessions_on(day, people, *, hour=9, slug="call-listening"):
    """One session each, at the same hour (one person each: nobody is in two at once)."""
    starts_at = datetime.combine(day, time(hour), timezone.get_current_timezone())
    return [
        SessionFactory(
            people=[person],
            activity_type=activity(slug),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
        )
        for person in people
    ]


@pytest.fixture
def busy_day(make_user):
    """A weekday in the middle of next month with more sessions than a week's cell shows."""
    day = (timezone.localdate().replace(day=1) + timedelta(days=45)).replace(day=15)
    people = [make_user(roles=[Role.EXECUTIVE]) for _ in range(PER_DAY["week"] + 2)]
    _sessions_on(day, people)
    return day, people


def _cell(response, day) -> tuple[int, int]:
    """The sessions a day's cell of the grid shows and the N of its "N more", read from the
    page (the grid is drawn once and kept, so the page, not its context, says what it shows)."""
    page = response.content.decode()
    start = page.index(f'<time datetime="{day.isoformat()}">')
    cell = page[start : page.index("</td>", start)]
    more = re.search(r">(\d+) more<", cell)
    return cell.count('class="calendar-session'), int(more.group(1)) if more else 0


@pytest.mark.parametrize("view", ["month", "week"])
def test_a_busy_day_shows_a_few_sessions_and_how_many_more(client, cx_lead, busy_day, view):
    day, people = busy_day
    client.force_login(cx_lead)
    response = client.get(reverse("immersion:calendar"), {"view": view, "date": day})
    shown, more = _cell(response, day)
    assert shown == PER_DAY[view]
    assert more == len(people) - PER_DAY[view]
    assert response.context["count"] == len(people)
    page = response.content.decode()
    assert f"view=day&amp;date={day.isoformat()}" in page


def test_more_opens_the_days_full_list_in_pages(client, cx_lead, busy_day, settings):
    day, people = busy_day
    settings.PAGE_SIZE = 5
    client.force_login(cx_lead)
    first = client.get(reverse("immersion:calendar"), {"view": "day", "date": day})
    assert first.status_code == 200
    assert first.context["count"] == len(people)
    assert len(first.context["page"]) == 5
    assert f"Page 1 of {first.context['page'].paginator.num_pages}" in first.content.decode()
    seen = set()
    for number in range(1, first.context["page"].paginator.num_pages + 1):
        page = client.get(
            reverse("immersion:calendar"), {"view": "day", "date": day, "page": number}
        )
        seen |= {s.pk for s in page.context["page"]}
    assert len(seen) == len(people)


@pytest.mark.parametrize("number", ["999", "-1"])
def test_a_day_page_past_the_end_is_still_a_page(client, cx_lead, busy_day, settings, number):
    day, _ = busy_day
    settings.PAGE_SIZE = 5
    client.force_login(cx_lead)
    response = client.get(
        reverse("immersion:calendar"), {"view": "day", "date": day, "page": number}
    )
    assert response.status_code == 200
    assert len(response.context["page"]) > 0


def test_a_day_page_that_is_not_a_number_is_not_found(client, cx_lead, busy_day):
    day, _ = busy_day
    client.force_login(cx_lead)
    response = client.get(
        reverse("immersion:calendar"), {"view": "day", "date": day, "page": "abc"}
    )
    assert response.status_code == 404


def test_the_filters_narrow_the_grid_and_the_day(client, cx_lead, busy_day):
    day, people = busy_day
    _sessions_on(day, people[:2], hour=14, slug="customer-journey")
    client.force_login(cx_lead)
    journeys = activity("customer-journey").pk
    week = client.get(
        reverse("immersion:calendar"), {"view": "week", "date": day, "activity": journeys}
    )
    assert _cell(week, day) == (2, 0)
    one = client.get(
        reverse("immersion:calendar"), {"view": "day", "date": day, "executive": people[0].pk}
    )
    assert [p.person for s in one.context["page"] for p in s.active_participants] == [
        people[0],
        people[0],
    ]
    assert f'<option value="{people[0].pk}" selected>' in one.content.decode()


@pytest.mark.parametrize("view", ["month", "week", "day"])
def test_the_calendar_takes_the_same_queries_however_busy(
    client, cx_lead, make_user, queries_at_two_sizes, view
):
    day = (timezone.localdate().replace(day=1) + timedelta(days=45)).replace(day=15)
    client.force_login(cx_lead)

    def build(size):
        _sessions_on(day, [make_user(roles=[Role.EXECUTIVE]) for _ in range(size)])
        return reverse("immersion:calendar") + f"?view={view}&date={day.isoformat()}"

    queries_at_two_sizes(
        build, lambda response: response.context["count"], ceiling=14, sizes=(3, 20), warm_up=True
    )


def test_a_remembered_grid_shows_a_change_to_the_programme_at_once(client, cx_lead, busy_day):
    """The grid is kept in the shared cache: a new session, or a person renamed, must still
    reach the next reader (the programme's generation renews on every save)."""
    day, people = busy_day
    client.force_login(cx_lead)
    address = {"view": "week", "date": day}
    before = client.get(reverse("immersion:calendar"), address)
    assert before.context["count"] == len(people)
    people[0].display_name = "Renamed Person"
    people[0].save()
    _sessions_on(day, people[:1], hour=15, slug="customer-journey")
    after = client.get(reverse("immersion:calendar"), address)
    assert after.context["count"] == len(people) + 1
    assert "Renamed Person" in after.content.decode()


def test_a_remembered_grid_is_kept_apart_for_each_filter(client, cx_lead, busy_day):
    day, people = busy_day
    _sessions_on(day, people[:2], hour=14, slug="customer-journey")
    client.force_login(cx_lead)
    everything = client.get(reverse("immersion:calendar"), {"view": "week", "date": day})
    journeys = client.get(
        reverse("immersion:calendar"),
        {"view": "week", "date": day, "activity": activity("customer-journey").pk},
    )
    assert _cell(everything, day) == (PER_DAY["week"], len(people) + 2 - PER_DAY["week"])
    assert _cell(journeys, day) == (2, 0)


def test_the_executive_filter_lists_a_new_executive_at_once(client, cx_lead, make_user):
    """Its options are kept in the shared cache until people or roles change."""
    client.force_login(cx_lead)
    client.get(reverse("immersion:calendar"))
    newcomer = make_user(roles=[Role.EXECUTIVE], display_name="Nina Newcomer", title="")
    page = client.get(reverse("immersion:calendar")).content.decode()
    assert f'<option value="{newcomer.pk}">Nina Newcomer</option>' in page
