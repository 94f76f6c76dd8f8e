"""The lists' filters (immersion/filters.py, applied in the selectors): a value a filter cannot
read is left out with the reason on the form, never a 500; page links keep the filters."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from immersion.models import Customer, Reflection, ReflectionFriction
from immersion.services.followthrough import FrictionLine, reflection_save
from immersion.tests.factories import SessionFactory, activity, past_place
from immersion.views import followthrough as followthrough_views

pytestmark = pytest.mark.django_db

LEFT_OUT = "This filter is left out."


def _session_on(day, person):
    starts_at = datetime.combine(day, time(10), timezone.get_current_timezone())
    return SessionFactory(
        people=[person], starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)
    )


def _reflection(person, n: float, *, about: str = "refund", frictions=()):
    return reflection_save(
        participant=past_place(person, hours_ago=2 + n),
        by=person,
        surprised=f"Customers call three times about one {about}.",
        would_change=f"Let agents settle a {about} themselves.",
        visibility=Reflection.Visibility.LEADERSHIP,
        frictions=[FrictionLine(text) for text in frictions],
    )


def _found(client, q: str) -> list[Reflection]:
    response = client.get(reverse("immersion:reflections"), {"q": q})
    assert response.status_code == 200
    return list(response.context["page"])


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's; SQLite reads rows"
)


def _customers(n: int, name: str = "Customer") -> list[Customer]:
    return [
        Customer.objects.create(name=f"{name} {i}", account=f"AC-{i}", consent=True, phone="+44")
        for i in range(n)
    ]


# The calendar


def test_calendar_leaves_out_an_unknown_activity_and_keeps_the_other_filters(
    client, cx_lead, executive, make_user
):
    day = timezone.localdate() + timedelta(days=3)
    _session_on(day, executive)
    _session_on(day, make_user(roles=[Role.EXECUTIVE]))
    client.force_login(cx_lead)
    response = client.get(
        reverse("immersion:calendar"),
        {"view": "week", "date": day.isoformat(), "activity": "999999", "executive": executive.pk},
    )
    assert response.status_code == 200
    assert response.context["count"] == 1  # the executive filter still applies
    assert "activity" in response.context["filters"].errors
    assert LEFT_OUT in response.content.decode()


def test_calendar_reads_a_date_it_cannot_as_today(client, cx_lead):
    client.force_login(cx_lead)
    response = client.get(reverse("immersion:calendar"), {"date": "2026-02-31", "view": "month"})
    assert response.status_code == 200
    assert response.context["anchor"] == timezone.localdate()
    assert "date" in response.context["filters"].errors


def test_calendar_arrows_keep_the_filters(client, cx_lead, executive):
    client.force_login(cx_lead)
    page = client.get(reverse("immersion:calendar"), {"executive": executive.pk}).content.decode()
    assert f'href="?executive={executive.pk}&amp;view=month&amp;date=' in page
    assert "?&amp;" not in page


# Reflections


def test_reflections_leave_out_a_person_they_cannot_read_and_say_why(
    client, leadership, executive, make_user
):
    _reflection(executive, 1)
    _reflection(make_user(roles=[Role.EXECUTIVE]), 2)
    client.force_login(leadership)
    response = client.get(reverse("immersion:reflections"), {"person": "abc"})
    assert response.status_code == 200
    assert len(response.context["page"]) == 2
    assert "person" in response.context["filters"].errors
    assert LEFT_OUT in response.content.decode()
    mine = client.get(reverse("immersion:reflections"), {"person": executive.pk})
    assert [r.participant.person for r in mine.context["page"]] == [executive]


def test_reflections_search_too_long_is_left_out(client, leadership, executive):
    _reflection(executive, 1)
    client.force_login(leadership)
    response = client.get(reverse("immersion:reflections"), {"q": "refund " * 20})
    assert response.status_code == 200
    assert len(response.context["page"]) == 1
    assert "q" in response.context["filters"].errors


def test_a_ten_thousand_character_search_is_refused_with_a_message_and_kept_in_the_box(
    client, cx_lead, executive
):
    _reflection(executive, 1)
    typed = "refund " + "x" * 9993
    client.force_login(cx_lead)
    response = client.get(reverse("immersion:reflections"), {"q": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Search: Ensure this value has at most 100 characters (it has 10000)." in page
    assert LEFT_OUT in page
    assert f'value="{typed}"' in page  # what was typed stays, to be shortened
    assert len(response.context["page"]) == 1  # the list shows, unfiltered


def test_reflection_search_finds_a_word_in_the_answers_or_a_friction_line_newest_first(
    client, cx_lead, executive
):
    older = _reflection(executive, 3, about="delivery", frictions=["Refund forms ask twice"])
    newer = _reflection(executive, 1, about="refund")
    _reflection(executive, 2, about="delivery")
    client.force_login(cx_lead)
    assert _found(client, "refund") == [newer, older]
    assert _found(client, "forms ask") == [older]
    assert _found(client, "parcel") == []


@postgresql_only
def test_reflection_search_on_postgresql_finds_other_forms_and_beginnings_of_words(
    client, cx_lead, executive
):
    refunds = _reflection(executive, 1, about="refunds", frictions=["Prices change monthly"])
    _reflection(executive, 2, about="delivery")
    client.force_login(cx_lead)
    assert _found(client, "refund") == [refunds]  # the stem
    assert _found(client, "REFUNDING") == [refunds]
    assert _found(client, "pric") == [refunds]  # the beginning of a word in a friction line
    assert _found(client, "refund parcel") == []  # every word must be there
    assert _found(client, "') | !:* & (") == []  # nothing typed reaches the query's syntax


@postgresql_only
def test_reflection_search_on_postgresql_follows_friction_lines_written_changed_or_removed(
    client, cx_lead, executive
):
    """The words are stored on the reflection (migration 0015): a line written, changed or
    taken out by any write, a bulk one too, is searched as it now is."""
    reflection = _reflection(executive, 1, about="delivery", frictions=["Refund forms ask twice"])
    client.force_login(cx_lead)
    assert _found(client, "forms") == [reflection]
    ReflectionFriction.objects.filter(reflection=reflection).update(text="Invoices arrive late")
    assert _found(client, "forms") == []
    assert _found(client, "invoice") == [reflection]
    ReflectionFriction.objects.create(reflection=reflection, position=1, text="Parcels go astray")
    assert _found(client, "parcel invoice") == [reflection]
    ReflectionFriction.objects.filter(reflection=reflection).delete()
    assert _found(client, "invoice") == []
    assert _found(client, "delivery") == [reflection]


def test_reflection_search_reads_only_what_the_reader_may_read(client, executive, make_user):
    mine = _reflection(executive, 1)
    _reflection(make_user(roles=[Role.EXECUTIVE]), 2)  # shared with leadership, not with them
    client.force_login(executive)
    assert _found(client, "refund") == [mine]


def test_reflection_search_takes_the_same_queries_for_few_and_many_matches(
    client, leadership, executive, queries_at_two_sizes
):
    client.force_login(leadership)

    def build(size):
        for n in range(Reflection.objects.count(), size):
            _reflection(executive, n, frictions=[f"Refund line {n}"])
        return reverse("immersion:reflections") + "?q=refund"

    queries_at_two_sizes(build, lambda page: len(page.context["page"]), ceiling=12, sizes=(2, 8))


def test_an_executive_cannot_pick_a_person_and_sees_only_their_own(client, executive, make_user):
    other = make_user(roles=[Role.EXECUTIVE])
    _reflection(executive, 1)
    _reflection(other, 2)
    client.force_login(executive)
    response = client.get(reverse("immersion:reflections"), {"person": other.pk})
    assert response.status_code == 200
    assert "person" not in response.context["filters"].fields
    assert [r.participant.person for r in response.context["page"]] == [executive]


def test_reflection_pages_keep_the_search_and_read_newer_and_older(
    client, settings, leadership, executive
):
    settings.PAGE_SIZE = 2
    for n in range(3):
        _reflection(executive, n)
    _reflection(executive, 4, about="delivery")
    client.force_login(leadership)
    first = client.get(reverse("immersion:reflections"), {"q": "refund"}).content.decode()
    assert 'href="?q=refund&amp;page=2">Older</a>' in first
    second = client.get(reverse("immersion:reflections"), {"q": "refund", "page": 2})
    assert len(second.context["page"]) == 1
    assert 'href="?q=refund&amp;page=1">Newer</a>' in second.content.decode()
    assert "?&amp;page=" not in first + second.content.decode()


def test_reflections_page_counts_no_further_than_its_cap_and_says_so(
    client, settings, monkeypatch, leadership, executive
):
    monkeypatch.setattr(followthrough_views, "REFLECTIONS_SEARCH_ROWS_MAX", 2)
    monkeypatch.setattr(followthrough_views, "REFLECTIONS_ROWS_MAX", 3)
    settings.PAGE_SIZE = 1
    for n in range(3):
        _reflection(executive, n)
    client.force_login(leadership)
    response = client.get(reverse("immersion:reflections"), {"q": "refund"})
    assert response.context["page"].paginator.count == 2
    assert "More than 2 reflections match" in response.content.decode()
    # An executive picked who is no longer one is left out; the search keeps its cap.
    stale = client.get(reverse("immersion:reflections"), {"q": "refund", "person": 999_999})
    assert stale.context["page"].paginator.count == 2
    # The list, with no words to narrow it, pages further: its own cap.
    listed = client.get(reverse("immersion:reflections"))
    assert listed.context["page"].paginator.count == 3
    assert "More than" not in listed.content.decode()
    monkeypatch.setattr(followthrough_views, "REFLECTIONS_SEARCH_ROWS_MAX", 3)
    under = client.get(reverse("immersion:reflections"), {"q": "refund"})
    assert under.context["page"].paginator.count == 3
    assert "More than" not in under.content.decode()


def test_reflections_executive_filter_is_remembered_until_the_people_change(
    client, cx_lead, executive, make_user
):
    client.force_login(cx_lead)
    url = reverse("immersion:reflections")
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        page = client.get(url).content.decode()
    assert f'<option value="{executive.pk}">Evelyn Exec' in page
    assert '<option value="" selected>Everyone</option>' in page
    newcomer = make_user(roles=[Role.EXECUTIVE], display_name="Nadia <Newcomer>")
    with CaptureQueriesContext(connection) as second:
        page = client.get(url, {"person": newcomer.pk}).content.decode()
    # Her role renewed the programme's generation: the options are read again, with her.
    assert f'<option value="{newcomer.pk}" selected>Nadia &lt;Newcomer&gt;' in page
    assert '<option value="">Everyone</option>' in page
    with CaptureQueriesContext(connection) as third:
        client.get(url, {"person": newcomer.pk})
    assert len(third) == len(second) - 1, "the options were read again though nobody changed"
    assert len(first) < len(second)  # choosing an executive reads her, and her reflections


# The customer call list


def test_call_list_leaves_out_a_search_too_long_and_says_why(client, cx_lead):
    _customers(3)
    client.force_login(cx_lead)
    response = client.get(reverse("immersion:call_list"), {"q": "x" * 101})
    assert response.status_code == 200
    assert len(response.context["page"]) == 3
    assert "q" in response.context["filters"].errors
    assert LEFT_OUT in response.content.decode()


def test_call_list_pages_keep_the_search(client, settings, cx_lead):
    settings.PAGE_SIZE = 2
    _customers(5, "Acme")
    _customers(2, "Other")
    client.force_login(cx_lead)
    first = client.get(reverse("immersion:call_list"), {"q": "acme"})
    assert first.context["page"].paginator.count == 5
    page = first.content.decode()
    assert 'href="?q=acme&amp;page=2">Next</a>' in page
    assert "?&amp;page=" not in page
    assert all(c.callable_now for c in first.context["page"])


# Filtered lists stay at a fixed number of queries


@pytest.mark.parametrize("listing", ["calendar", "reflections", "call_list"])
def test_filtered_lists_take_the_same_queries_at_two_sizes(
    client, cx_lead, make_user, queries_at_two_sizes, listing
):
    client.force_login(cx_lead)
    day = timezone.localdate() + timedelta(days=2)

    def build(size):
        # One executive each: nobody is in two sessions at once (PostgreSQL refuses it).
        for _ in range(size):
            if listing == "calendar":
                _session_on(day, make_user(roles=[Role.EXECUTIVE]))
            elif listing == "reflections":
                _reflection(make_user(roles=[Role.EXECUTIVE]), 1)
        if listing == "call_list":
            Customer.objects.all().delete()
            _customers(size, "Acme")
            return reverse("immersion:call_list") + "?q=acme"
        if listing == "calendar":
            listening = activity("call-listening").pk
            return (
                reverse("immersion:calendar")
                + f"?view=week&date={day.isoformat()}&activity={listening}"
            )
        return reverse("immersion:reflections") + "?q=refund"

    def shown(response):
        return response.context["count"] if listing == "calendar" else len(response.context["page"])

    queries_at_two_sizes(build, shown, ceiling=14, sizes=(3, 12), warm_up=True)


def test_reflections_come_twenty_a_page(client, cx_lead, executive):
    for n in range(21):
        _reflection(executive, n)
    client.force_login(cx_lead)
    first = client.get(reverse("immersion:reflections"))
    assert len(first.context["page"]) == 20
    assert "Page 1 of 2" in first.content.decode()
    assert len(client.get(reverse("immersion:reflections"), {"page": 2}).context["page"]) == 1


def test_the_executive_choice_keeps_the_one_picked_and_escapes_names(
    client, cx_lead, executive, make_user
):
    odd = make_user(roles=[Role.EXECUTIVE], display_name="<b>Bold</b> & Co", title="VP")
    client.force_login(cx_lead)
    page = client.get(reverse("immersion:reflections"), {"person": odd.pk}).content.decode()
    assert (
        f'<option value="{odd.pk}" selected>&lt;b&gt;Bold&lt;/b&gt; &amp; Co — VP</option>' in page
    )
    assert f'<option value="{executive.pk}">Evelyn Exec — {executive.title}</option>' in page
    assert '<option value="">Everyone</option>' in page


def test_a_page_past_the_end_is_the_last_and_a_page_that_is_no_number_is_not_found(
    client, settings, cx_lead, executive
):
    settings.PAGE_SIZE = 2
    for n in range(3):
        _reflection(executive, n)
    client.force_login(cx_lead)
    past = client.get(reverse("immersion:reflections"), {"page": "99999"})
    assert past.status_code == 200
    assert past.context["page"].number == 2
    word = client.get(reverse("immersion:reflections"), {"page": "abc"})
    assert word.status_code == 404
    assert "There is nothing here" in word.content.decode()
    below = client.get(reverse("immersion:reflections"), {"page": "0"})
    assert below.status_code == 200
    assert below.context["page"].number == 2
