"""Triage and committed responses: owners, dates, statuses, duplicates, internal notes."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.calendar import add_business_days
from core.models import Holiday
from frictions.forms import REPORT_NOT_FOUND_MESSAGE, REPORT_NUMBER_MESSAGE
from frictions.models import Decision, FrictionEvent, FrictionReport, FrictionSupport
from frictions.selectors import NUMBER_MAX, friction_report_lookup
from frictions.services import (
    DATES_ORDER_MESSAGE,
    NOT_ALLOWED_MESSAGE,
    ORIGINAL_ITSELF_MESSAGE,
    OWNER_NOT_EXECUTIVE_MESSAGE,
    REASON_REQUIRED_MESSAGE,
    RESOLUTION_REQUIRED_MESSAGE,
    RESPONSE_REQUIRED_MESSAGE,
    friction_report_note,
    friction_report_support,
    friction_report_transition,
)
from frictions.services.decisions import decision_save
from frictions.tests.factories import file, release_anonymous, triage

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
    release_anonymous()
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
    # The counts kept on the rows follow the move (the board sorts by them).
    original.refresh_from_db()
    duplicate.refresh_from_db()
    assert (original.support_count, duplicate.support_count) == (3, 0)
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


@pytest.mark.parametrize(
    ("role", "shown"),
    # what home shows each: the reports filed (the last 5), owned, or waiting for an owner
    [("frontline", "filed"), ("executive", "owned"), ("cx_lead", "untriaged")],
)
def test_home_takes_the_same_queries_for_few_and_many_reports(
    client, frontline, cx_lead, executive, user_for_role, queries_at_two_sizes, role, shown
):
    client.force_login(user_for_role(role))

    def build(size):
        FrictionReport.objects.all().delete()
        for n in range(size):
            report, _ = file(frontline, title=f"Report {n}")
            if n % 2:
                triage(report, cx_lead, executive)
        return reverse("home")

    def listed(page):
        assert "Frictions" in page.content.decode()
        value = page.context["frictions"][shown]
        return value if isinstance(value, int) else len(value)

    queries_at_two_sizes(build, listed, ceiling=40, sizes=(3, 30))


def test_the_report_page_offers_as_many_options_for_40_reports_as_for_3(
    client, frontline, cx_lead, executive, django_assert_max_num_queries
):
    """No select over every report or decision: the page is the same size at any table size."""
    client.force_login(cx_lead)
    report, _ = file(frontline, title="The one on the page")
    options, queries, sizes = [], [], []
    for size in (3, 40):
        while FrictionReport.objects.count() < size:
            file(frontline, title=f"Report {FrictionReport.objects.count()}")
            decision_save(
                by=executive,
                title="A decision",
                area="policy",
                context="c",
                decision="d",
                owner=executive,
            )
        for alias in ("default", "shared"):  # each size's worst case: nothing remembered
            caches[alias].clear()
        with django_assert_max_num_queries(40) as captured:
            page = client.get(report.get_absolute_url()).content.decode()
        sizes.append((FrictionReport.objects.count(), Decision.objects.count()))
        options.append(page.count("<option"))
        queries.append(len(captured))
    assert sizes == [(3, 2), (40, 39)], "the data grew"
    assert options[0] == options[1]
    assert options[1] < 30, "statuses, resolutions, executives: configuration-sized"
    assert queries[0] == queries[1]


def respond(client, report, **fields):
    data = {"respond-response": "Same as the original; follow it there."}
    data.update({f"respond-{name}": value for name, value in fields.items()})
    return client.post(reverse("frictions:transition", args=[report.pk]), data)


def test_a_duplicate_is_marked_by_the_original_s_number(client, frontline, cx_lead):
    original, _ = file(frontline, title="Original")
    duplicate, _ = file(frontline, title="Same thing")
    client.force_login(cx_lead)
    response = respond(client, duplicate, status="duplicate", duplicate_of=f" {original.pk} ")
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.duplicate_of) == ("duplicate", original)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("itself", ORIGINAL_ITSELF_MESSAGE),
        ("missing", REPORT_NOT_FOUND_MESSAGE),
        ("0", REPORT_NUMBER_MESSAGE),
        ("-3", REPORT_NUMBER_MESSAGE),
        (str(NUMBER_MAX + 1), REPORT_NUMBER_MESSAGE),
        ("9" * 5000, REPORT_NUMBER_MESSAGE),
        ("twelve", REPORT_NUMBER_MESSAGE),
    ],
)
def test_a_bad_original_number_is_refused_on_the_form_with_what_was_typed(
    client, frontline, cx_lead, typed, message
):
    report, _ = file(frontline)
    number = {"itself": str(report.pk), "missing": str(report.pk + 1000)}.get(typed, typed)
    client.force_login(cx_lead)
    response = respond(client, report, status="duplicate", duplicate_of=number)
    assert response.status_code == 200
    errors = response.context["transition_form"].errors
    assert errors == {"duplicate_of": [message.format(number=number)]}
    page = response.content.decode()
    assert f'value="{number}"' in page
    assert "Same as the original; follow it there." in page
    report.refresh_from_db()
    assert (report.status, report.events.count()) == ("new", 1)


def lookup(client, **params):
    return client.get(reverse("frictions:report_lookup"), params, headers={"HX-Request": "true"})


def test_the_report_lookup_offers_open_reports_by_title_and_fills_the_number(
    client, frontline, cx_lead
):
    here, _ = file(frontline, title="Refund callbacks take two days")
    other, _ = file(frontline, title="Refund forms are lost")
    closed, _ = file(frontline, title="Refund limit too low")
    friction_report_transition(
        report=closed, by=cx_lead, status="declined", response="No.", decline_reason="Budget."
    )
    client.force_login(cx_lead)
    found = lookup(client, q="refund", exclude=here.pk, **{"for": "respond-duplicate_of"})
    html = found.content.decode()
    assert f"#{other.pk} Refund forms are lost" in html
    assert "Refund callbacks" not in html, "not the report itself"
    assert "Refund limit" not in html, "open reports only, by title"
    assert f'hx-get="/frictions/lookup/?for=respond-duplicate_of&amp;pick={other.pk}"' in html
    assert "<html" not in html
    by_number = lookup(client, q=f"#{closed.pk}", **{"for": "respond-duplicate_of"})
    assert f"#{closed.pk} Refund limit too low" in by_number.content.decode(), "any by number"

    picked = lookup(client, pick=other.pk, **{"for": "respond-duplicate_of"}).content.decode()
    assert picked.strip().startswith('<input type="number" name="respond-duplicate_of"')
    assert f'value="{other.pk}"' in picked
    added = lookup(client, pick=other.pk, friction_reports="12, 40", **{"for": "friction_reports"})
    assert f'value="12, 40, {other.pk}"' in added.content.decode(), "added to the list"
    again = lookup(client, pick=12, friction_reports="12, 40", **{"for": "friction_reports"})
    assert 'value="12, 40"' in again.content.decode(), "never twice"


def test_the_report_lookup_without_javascript_is_a_search_page(client, frontline, executive):
    report, _ = file(frontline, title="Refund callbacks take two days")
    client.force_login(executive)
    page = client.get(reverse("frictions:report_lookup"), {"q": "refund callbacks"})
    html = page.content.decode()
    assert "<h1" in html
    assert f'<a href="{report.get_absolute_url()}">#{report.pk} Refund callbacks' in html


def test_a_search_of_ten_thousand_characters_is_refused_with_a_message(
    client, frontline, executive
):
    file(frontline, title="Refund callbacks take two days")
    client.force_login(executive)
    pasted = "refund " * 1500
    for inline in (False, True):
        headers = {"HX-Request": "true"} if inline else {}
        page = client.get(
            reverse("frictions:report_lookup"),
            {"q": pasted, "for": "friction_reports"},
            headers=headers,
        )
        html = page.content.decode()
        assert page.status_code == 200
        assert "Search with at most 100 characters; this search has 10,500." in html
        assert "Refund callbacks" not in html, "nothing searched"


@pytest.mark.parametrize(
    "params",
    [
        {"for": "<script>", "pick": "1"},
        {"for": "respond-duplicate_of", "pick": "9" * 40, "q": "x" * 10000},
        {"for": "respond-duplicate_of", "exclude": "abc", "q": "#" + "9" * 30},
        {"for": "friction_reports", "pick": "-1", "friction_reports": "<b>"},
    ],
)
def test_the_report_lookup_answers_odd_input_without_an_error(client, cx_lead, params):
    client.force_login(cx_lead)
    assert lookup(client, **params).status_code == 200
    assert client.get(reverse("frictions:report_lookup"), params).status_code == 200


def test_the_report_lookup_shows_nothing_to_someone_without_the_board(frontline, make_user):
    file(frontline, title="Refund callbacks take two days")
    report, _ = file(frontline, title="Another")
    assert friction_report_lookup(user=make_user(roles=[Role.EXECUTIVE]), text="refund") != []
    nobody = make_user()
    assert friction_report_lookup(user=nobody, text="refund") == []
    assert friction_report_lookup(user=nobody, text=str(report.pk)) == []


def test_the_owner_select_offers_each_executive_once_with_the_owner_chosen(
    client, frontline, cx_lead, executive, make_user
):
    other = make_user(roles=[Role.EXECUTIVE], display_name="Zoë <Other>")
    report, _ = file(frontline)
    triage(report, cx_lead, executive)
    client.force_login(cx_lead)
    page = client.get(report.get_absolute_url()).content.decode()
    assert page.count(f'<option value="{executive.pk}" selected>') == 1
    assert page.count(f'<option value="{other.pk}">Zoë &lt;Other&gt;') == 1
