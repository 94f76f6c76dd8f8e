"""The rotation builder in a large organisation: executives are found by a search (htmx) rather
than listed all at once, the ones ticked stay chosen across searches, and a small organisation
keeps its list to tick."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, FrontlineTeamFactory
from immersion.forms import programme as forms
from immersion.models import Participant, Rotation
from immersion.tests.factories import activity

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def large(monkeypatch):
    """An organisation past the list's limit (lowered so a test needs few people)."""
    monkeypatch.setattr(forms, "CHOOSE_FROM_LIST_UP_TO", 3)


@pytest.fixture
def people(make_user):
    sales = DepartmentFactory(name="Sales")
    return [
        make_user(roles=[Role.EXECUTIVE], display_name=name, department=sales if n < 3 else None)
        for n, name in enumerate(["Ana Sales", "Bo Sales", "Cy Sales", "Di Ops", "Ed Ops"])
    ]


def _ticks(html: str) -> dict[str, bool]:
    """The executives' checkboxes on the page: value -> ticked."""
    return {
        value: bool(checked)
        for value, checked in re.findall(
            r'<input[^>]*name="chosen" value="(\d+)"[^>]*?( checked)?>', html
        )
    }


def test_a_small_organisation_still_lists_every_executive(client, cx_lead, people):
    client.force_login(cx_lead)
    page = client.get(reverse("immersion:rotation_new")).content.decode()
    assert set(_ticks(page)) == {str(p.pk) for p in people}
    assert 'id="executive-search"' not in page


def test_a_large_organisation_searches_instead_of_listing_everyone(client, cx_lead, people, large):
    client.force_login(cx_lead)
    page = client.get(reverse("immersion:rotation_new")).content.decode()
    assert _ticks(page) == {}
    assert 'id="executive-search"' in page
    found = client.get(reverse("immersion:rotation_new"), {"q": "sales"}, headers=HTMX)
    html = found.content.decode()
    assert "<html" not in html
    assert _ticks(html) == {str(p.pk): False for p in people[:3]}  # by department too


def test_ticked_executives_stay_chosen_and_leave_the_matches(client, cx_lead, people, large):
    client.force_login(cx_lead)
    ana, bo = people[0], people[1]
    html = client.get(
        reverse("immersion:rotation_new"),
        {"q": "Sales", "chosen": [ana.pk, "abc", "99999999999999"]},
        headers=HTMX,
    ).content.decode()
    ticks = _ticks(html)
    assert ticks[str(ana.pk)] is True
    assert ticks[str(bo.pk)] is False
    assert list(ticks).count(str(ana.pk)) == 1
    # Another search keeps Ana (sent back ticked) and shows only the new matches.
    html = client.get(
        reverse("immersion:rotation_new"), {"q": "Ops", "chosen": [ana.pk]}, headers=HTMX
    ).content.decode()
    assert _ticks(html) == {str(ana.pk): True, str(people[3].pk): False, str(people[4].pk): False}


def test_a_search_too_long_is_refused_with_a_message(client, cx_lead, people, large):
    client.force_login(cx_lead)
    for headers in (HTMX, {}):
        response = client.get(
            reverse("immersion:rotation_new"), {"q": "x" * 10_000}, headers=headers
        )
        assert response.status_code == 200
        assert forms.SEARCH_TOO_LONG_MESSAGE in response.content.decode()


def test_a_search_that_finds_nobody_says_so(client, cx_lead, people, large):
    client.force_login(cx_lead)
    html = client.get(
        reverse("immersion:rotation_new"), {"q": "Zebedee"}, headers=HTMX
    ).content.decode()
    assert "No other executive matches “Zebedee”." in html


def test_executives_found_by_search_are_the_ones_planned(client, cx_lead, people, large):
    team = FrontlineTeamFactory(weekly_listener_capacity=20)
    client.force_login(cx_lead)
    data = {
        "activity_type": activity("call-listening").pk,
        "period": "next_month",
        "who": "chosen",
        "chosen": [people[0].pk, people[3].pk],
        "host_teams": [team.pk],
    }
    preview = client.post(reverse("immersion:rotation_preview"), data, headers=HTMX)
    html = preview.content.decode()
    data.update(
        action="publish",
        fingerprint=re.search(r'name="fingerprint" value="([^"]+)"', html)[1],
        include=re.findall(r'name="include" value="([^"]+)"', html),
    )
    response = client.post(reverse("immersion:rotation_new"), data)
    assert response.url == Rotation.objects.get().get_absolute_url()
    assert {p.person for p in Participant.objects.all()} == {people[0], people[3]}


def test_nobody_chosen_in_a_large_organisation_says_why_beside_the_search(
    client, cx_lead, people, large
):
    team = FrontlineTeamFactory(weekly_listener_capacity=20)
    client.force_login(cx_lead)
    response = client.post(
        reverse("immersion:rotation_new"),
        {
            "activity_type": activity("call-listening").pk,
            "period": "next_month",
            "who": "chosen",
            "host_teams": [team.pk],
            "action": "preview",
        },
    )
    assert response.status_code == 200
    assert forms.CHOOSE_EXECUTIVES_MESSAGE in response.content.decode()


def test_the_search_takes_the_same_queries_for_more_executives(
    client, cx_lead, make_user, queries_at_two_sizes, large
):
    client.force_login(cx_lead)
    chosen = make_user(roles=[Role.EXECUTIVE], display_name="Already Chosen")

    def build(size):
        for _ in range(size):
            make_user(roles=[Role.EXECUTIVE], display_name="Match Me")
        return reverse("immersion:rotation_new") + f"?q=match&chosen={chosen.pk}"

    def shown(response):
        return response.context["total"]

    queries_at_two_sizes(build, shown, ceiling=14, sizes=(3, 12))


def test_the_builder_takes_the_same_queries_listing_executives_or_searching_them(
    client, cx_lead, make_user, large
):
    client.force_login(cx_lead)
    counts = {}
    for size, mode in ((3, "listed"), (4, "searched")):
        while len(forms.executives()) < size:
            make_user(roles=[Role.EXECUTIVE])
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("immersion:rotation_new")).content.decode()
        assert ('id="executive-search"' in page) == (mode == "searched")
        assert len(_ticks(page)) == (size if mode == "listed" else 0)
        counts[mode] = len(queries)
    assert counts["listed"] == counts["searched"], counts
