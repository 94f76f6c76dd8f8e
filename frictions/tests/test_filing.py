"""Filing friction reports, named and anonymous, and following one with a receipt code."""

import json
import logging
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import Role
from accounts.tests.factories import FrontlineTeamFactory
from frictions.forms import AREA_MESSAGE, DESCRIPTION_REQUIRED_MESSAGE
from frictions.models import FrictionEvent, FrictionReport, FrictionSupport
from frictions.selectors import friction_board, friction_similar
from frictions.services import (
    ALREADY_SUPPORTED_MESSAGE,
    friction_report_by_receipt,
    friction_report_support,
    friction_report_transition,
    receipt_hash,
)
from frictions.tests.factories import (
    USER_FIELDS,
    _database,
    _database_diff,
    file,
    release_anonymous,
    triage,
)
from immersion.services.escalations import escalation_log
from immersion.services.followthrough import (
    FRICTION_IN_USE_MESSAGE,
    FrictionLine,
    reflection_save,
)
from immersion.services.journeys import (
    journey_exercise_start,
    journey_step_record,
    journey_template_save,
)
from immersion.tests.factories import past_place, reflection_post

pytestmark = pytest.mark.django_db

USER_AGENT = "Mozilla/5.0 (AgentPhone; ProximityTest) WhoAmI/1.0"
ADDRESS = "203.0.113.77"


def form_data(**overrides):
    data = {
        "title": "Refunds above 50 euros need a manager's approval",
        "description": "Customers wait two days for a callback to get their money back.",
        "area": "policy",
        "channel": "phone",
        "customers_per_week": "40",
        "severity": "high",
        "policy_reference": "Refund policy 4.2",
    }
    data.update(overrides)
    return data


def test_a_named_report_has_its_reporter_team_and_committed_dates(frontline, settings):
    team = FrontlineTeamFactory(name="Phone support")
    frontline.frontline_team = team
    frontline.save()
    report, code = file(frontline)
    assert code is None
    assert (report.reporter, report.team, report.status) == (frontline, team, "new")
    assert report.acknowledge_by.weekday() < 5
    assert (report.decide_by - report.created_at.date()).days in (30, 31)
    assert report.events.get().kind == FrictionEvent.Kind.FILED


def test_filing_page_refuses_bad_input_and_keeps_what_was_typed(client, frontline):
    client.force_login(frontline)
    response = client.post(reverse("frictions:new"), form_data(description="", area="astrology"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["description"] == [DESCRIPTION_REQUIRED_MESSAGE]
    assert errors["area"] == [AREA_MESSAGE]
    assert "Refunds above 50 euros" in response.content.decode()
    assert not FrictionReport.objects.exists()


def test_anonymous_filing_leaves_no_trace_of_the_reporter_anywhere(client, frontline, caplog):
    """The identity is absent from the database (every table), the logs and the response."""
    client.force_login(frontline)
    before = _database()
    caplog.set_level(logging.DEBUG)
    response = client.post(
        reverse("frictions:new"),
        form_data(anonymous="on"),
        HTTP_USER_AGENT=USER_AGENT,
        REMOTE_ADDR=ADDRESS,
    )
    assert (response.status_code, response.url) == (302, reverse("frictions:filed"))
    response = client.get(response.url)
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", response.content.decode())
    assert code, "the receipt code is shown"
    release_anonymous()
    report = FrictionReport.objects.get()
    assert (report.reporter, report.is_anonymous, report.team) == (None, True, None)
    assert (report.created_at.minute, report.created_at.second) == (0, 0)
    assert report.receipt_hash == receipt_hash(code.group())
    assert code.group() not in _database()

    new_rows = _database_diff(before, _database())
    identity = [str(frontline.pk), frontline.email, frontline.display_name, ADDRESS, USER_AGENT]
    for row in new_rows:
        model, fields = row["model"], row["fields"]
        for name, value in fields.items():
            assert not (name in USER_FIELDS and value == frontline.pk), (model, name)
        text = json.dumps(fields)
        for clue in identity[1:]:
            assert clue not in text, (model, clue)
    assert {row["model"] for row in new_rows} == {
        "frictions.frictionreport",
        "frictions.frictionevent",
    }
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    for clue in identity[1:]:
        assert clue not in logged


def test_anonymous_report_shows_nobody_to_the_cx_lead_or_an_administrator(
    client, frontline, cx_lead, superuser
):
    report, _ = file(frontline, anonymous=True)
    for person, url in (
        (cx_lead, report.get_absolute_url()),
        (superuser, report.get_absolute_url()),
        (superuser, reverse("admin:frictions_frictionreport_change", args=[report.pk])),
        (superuser, reverse("admin:frictions_frictionreport_changelist")),
    ):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert frontline.display_name not in page, url
        assert frontline.email not in page, url


def test_a_receipt_code_opens_the_report_and_adds_information_anonymously(client, frontline):
    report, code = file(frontline, anonymous=True)
    response = client.post(reverse("frictions:receipt"), {"code": code.lower().replace("-", " ")})
    assert (response.status_code, response.url) == (302, reverse("frictions:receipt"))
    response = client.get(response.url)
    assert report.title in response.content.decode()
    response = client.post(reverse("frictions:receipt"), {"text": "It happened again today."})
    assert response.status_code == 302
    assert "Added to the timeline, anonymously." in client.get(response.url).content.decode()
    release_anonymous()
    event = report.events.get(kind=FrictionEvent.Kind.INFORMATION)
    assert (event.actor, event.actor_label, event.public) == (None, "Anonymous reporter", True)
    assert (event.created_at.minute, event.created_at.second) == (0, 0)


def test_a_made_up_receipt_code_is_a_plain_not_found(client):
    response = client.post(reverse("frictions:receipt"), {"code": "ABCD-EFGH-JKMN-PQRS"})
    assert response.status_code == 404
    assert "Not found. Check the code and try again." in response.content.decode()
    assert friction_report_by_receipt("nothing") is None


def test_me_too_is_counted_once_and_the_board_sorts_by_support(frontline, executive, make_user):
    file(frontline, title="Quiet one")
    loud, _ = file(frontline, title="Loud one")
    others = [make_user(roles=[Role.FRONTLINE]) for _ in range(2)]
    for person in others:
        friction_report_support(report=loud, supporter=person)
    friction_report_support(report=loud, supporter=executive, anonymous=True)
    release_anonymous()
    with pytest.raises(Exception, match=ALREADY_SUPPORTED_MESSAGE):
        friction_report_support(report=loud, supporter=others[0])
    board = list(friction_board(filters={"sort": "supported"}))
    assert [r.title for r in board] == ["Loud one", "Quiet one"]
    assert board[0].support_count == 3
    assert FrictionSupport.objects.filter(supporter__isnull=True).count() == 1


def test_similar_open_reports_are_offered_while_typing(client, frontline):
    file(frontline, title="Refund limit forces a callback", description="Refunds need a manager")
    file(frontline, title="Hold music is too loud", description="Customers complain")
    found = friction_similar(text="refunds take too long")
    assert [r.title for r in found] == ["Refund limit forces a callback"]
    client.force_login(frontline)
    fragment = client.post(reverse("frictions:similar"), {"title": "refund callback"})
    assert "Me too" in fragment.content.decode()
    assert friction_similar(text="a") == []


def test_board_takes_the_same_queries_for_few_and_many_reports(
    client, frontline, leadership, queries_at_two_sizes
):
    client.force_login(leadership)

    def build(size):
        FrictionReport.objects.all().delete()
        for n in range(size):
            report, _ = file(frontline, title=f"Friction {n}", anonymous=n % 2 == 0)
            friction_report_support(report=report, supporter=leadership)
        return reverse("frictions:board") + "?sort=overdue"

    queries_at_two_sizes(build, lambda page: len(page.context["page"]), ceiling=10)


def test_the_board_leaves_out_filters_it_cannot_read_and_says_why(client, frontline, leadership):
    file(frontline, title="Platform one", area="platform")
    file(frontline, title="Policy one", area="policy")
    client.force_login(leadership)
    response = client.get(
        reverse("frictions:board"),
        {"area": "policy", "status": "bogus", "team": "abc", "sort": "sideways"},
    )
    assert response.status_code == 200
    assert [r.title for r in response.context["page"]] == ["Policy one"], "area still applies"
    assert response.context["filters"].errors.keys() == {"status", "team", "sort"}
    assert "Select a valid choice. bogus is not one of the available choices." in (
        response.content.decode()
    )


def test_the_board_sorts_by_support_unless_asked_otherwise(frontline, executive, make_user):
    older, _ = file(frontline, title="Older, supported")
    file(frontline, title="Newer, unsupported")
    friction_report_support(report=older, supporter=executive)
    by_support = ["Older, supported", "Newer, unsupported"]
    assert [r.title for r in friction_board()] == by_support
    unknown = friction_board(filters={"sort": "sideways"})
    assert [r.title for r in unknown] == by_support, "an unknown sort is the default one"
    newest = friction_board(filters={"sort": "newest"})
    assert [r.title for r in newest] == ["Newer, unsupported", "Older, supported"]


def test_board_page_links_keep_the_filters(client, frontline, leadership, settings):
    settings.PAGE_SIZE = 2
    for n in range(3):
        file(frontline, title=f"Policy {n}", area="policy")
    file(frontline, title="Platform", area="platform")
    client.force_login(leadership)
    first = client.get(reverse("frictions:board"), {"area": "policy"}).content.decode()
    assert 'href="?area=policy&amp;page=2"' in first
    assert "?&amp;" not in first
    second = client.get(reverse("frictions:board"), {"area": "policy", "page": "2"})
    assert [r.title for r in second.context["page"]] == ["Policy 0"]
    assert 'href="?area=policy&amp;page=1"' in second.content.decode()


def test_a_reflection_friction_becomes_a_report_in_one_click(client, executive):
    place = past_place(executive)
    reflection = reflection_save(
        participant=place,
        by=executive,
        surprised="Long waits",
        would_change="The rule",
        frictions=["Refund limit forces a callback"],
    )
    friction = reflection.frictions.get()
    client.force_login(executive)
    page = client.post(reverse("frictions:new"), {"start": "1", "reflection_friction": friction.pk})
    assert 'value="Refund limit forces a callback"' in page.content.decode()
    assert not page.context["form"].errors, "starting shows the form, it files nothing"
    response = client.post(
        reverse("frictions:new"),
        form_data(title="Refund limit forces a callback", reflection_friction=friction.pk),
    )
    report = FrictionReport.objects.get()
    assert response.url == reverse("frictions:filed")
    assert report.get_absolute_url() in client.get(response.url).content.decode()
    assert report.source_reflection_friction == friction


def test_a_report_page_links_where_it_came_from_in_the_same_queries_whatever_the_source(
    client, executive, cx_lead, frontline
):
    journey = journey_template_save(name="Cancel", kind="renewal", steps=["Find the page"])
    place = past_place(executive, "customer-journey", hours_ago=50)  # not the reflection's
    exercise = journey_exercise_start(participant=place, template=journey, by=executive)
    step = journey_step_record(
        exercise=exercise, step=journey.steps.get(), effort=6, worked=False, by=executive
    )
    escalation = escalation_log(
        logged_by=frontline,
        customer_reference="ACME-42",
        what_happened="Refund refused twice",
        urgency="high",
        channel="phone",
    )
    _, callback, _, from_reflection = _reported_line(executive)
    reports = {
        "none": (file(frontline)[0], None),
        "reflection": (
            from_reflection,
            reverse("immersion:session_detail", args=[callback.reflection.participant.session_id]),
        ),
        "journey": (
            file(executive, source_journey_step=step)[0],
            reverse("immersion:journey_exercise", args=[exercise.pk]),
        ),
        "escalation": (
            file(executive, source_escalation=escalation)[0],
            reverse("immersion:escalation_detail", args=[escalation.pk]),
        ),
    }
    client.force_login(cx_lead)
    client.get(reports["none"][0].get_absolute_url())  # what the page remembers, remembered
    counts = {}
    for source, (report, link) in reports.items():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(report.get_absolute_url())
        counts[source] = len(queries)
        text = page.content.decode()
        if link is None:
            assert "Came from" not in text
        else:
            assert f'href="{link}"' in text, source
    assert "ACME-42" in text
    assert len(set(counts.values())) == 1, counts


def _reported_line(executive):
    """A reflection with two friction lines, and a named report filed from the first."""
    place = past_place(executive)
    reflection = reflection_save(
        participant=place,
        by=executive,
        surprised="Long waits",
        would_change="The rule",
        frictions=["Refund limit forces a callback", "Hold music loops"],
    )
    callback, music = reflection.frictions.all()
    report, _ = file(executive, source_reflection_friction=callback)
    return reflection, callback, music, report


def _edit(reflection, lines, **overrides):
    values = {
        "participant": reflection.participant,
        "by": reflection.participant.person,
        "surprised": reflection.surprised,
        "would_change": reflection.would_change,
        "frictions": lines,
    }
    values.update(overrides)
    return reflection_save(**values)


def test_the_filing_page_ignores_a_source_it_cannot_read(client, executive):
    client.force_login(executive)
    response = client.post(
        reverse("frictions:new"),
        {"start": "1", "reflection_friction": "abc", "journey_step": "²", "escalation": "9" * 11},
    )
    assert response.status_code == 200
    assert response.context["source"] is None


def test_correcting_a_reflection_friction_keeps_the_report_filed_from_it(executive):
    reflection, callback, music, report = _reported_line(executive)
    _edit(
        reflection,
        [
            FrictionLine("Refund limit forces a call-back", callback.pk),
            FrictionLine("Hold music loops", music.pk),
        ],
    )
    report.refresh_from_db()
    assert report.source_reflection_friction_id == callback.pk
    assert report.source_reflection_friction.text == "Refund limit forces a call-back"


def test_reflection_save_refuses_to_take_out_a_line_a_report_was_filed_from(executive):
    reflection, callback, music, report = _reported_line(executive)
    with pytest.raises(ValidationError) as caught:
        _edit(reflection, [FrictionLine("Hold music never ends", music.pk)], surprised="Other")
    assert caught.value.message_dict == {
        "frictions": [FRICTION_IN_USE_MESSAGE.format(text="Refund limit forces a callback")]
    }
    reflection.refresh_from_db()
    assert reflection.surprised == "Long waits", "nothing half-written"
    assert list(reflection.frictions.values_list("pk", "text")) == [
        (callback.pk, "Refund limit forces a callback"),
        (music.pk, "Hold music loops"),
    ]
    report.refresh_from_db()
    assert report.source_reflection_friction_id == callback.pk


def test_the_database_keeps_a_reflection_friction_a_report_came_from(executive):
    _, callback, _, report = _reported_line(executive)
    with pytest.raises(ProtectedError):
        callback.delete()
    report.refresh_from_db()
    assert report.source_reflection_friction_id == callback.pk


def test_reflection_page_corrects_a_reported_line_in_place(client, executive):
    reflection, callback, music, report = _reported_line(executive)
    client.force_login(executive)
    response = client.post(
        reverse("immersion:reflection", args=[reflection.participant_id]),
        reflection_post(
            reflection,
            [(callback.pk, "Refund limit forces a call-back"), (music.pk, "Hold music loops")],
        ),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.source_reflection_friction_id == callback.pk
    assert report.source_reflection_friction.text == "Refund limit forces a call-back"


def test_reflection_page_refuses_to_drop_a_reported_line_and_keeps_what_was_typed(
    client, executive
):
    reflection, callback, music, report = _reported_line(executive)
    client.force_login(executive)
    data = reflection_post(
        reflection, [(callback.pk, ""), (music.pk, "Hold music never ends"), (None, "Chat")]
    )
    data["surprised"] = "Longer waits than I thought"
    response = client.post(reverse("immersion:reflection", args=[reflection.participant_id]), data)
    assert response.status_code == 200
    page = response.content.decode()
    message = FRICTION_IN_USE_MESSAGE.format(text="Refund limit forces a callback")
    assert response.context["frictions_errors"] == [message]
    assert page.count(escape(message)) == 1
    for typed in ("Longer waits than I thought", "Hold music never ends", "Chat"):
        assert typed in page
    assert list(reflection.frictions.values_list("pk", "text")) == [
        (callback.pk, "Refund limit forces a callback"),
        (music.pk, "Hold music loops"),
    ]
    report.refresh_from_db()
    assert report.source_reflection_friction_id == callback.pk


def test_the_web_server_logs_no_client_address_agent_or_referrer():
    import runpy
    from pathlib import Path

    from django.conf import settings as django_settings

    config = runpy.run_path(str(Path(django_settings.BASE_DIR) / "gunicorn.conf.py"))
    log_format = config["access_log_format"]
    for field in ("%(h)s", "%(a)s", "%(f)s", "%({x-forwarded-for}i)s", "%(u)s"):
        assert field not in log_format
    assert "%(r)s" in log_format, "the request line is still logged"


def test_an_anonymous_report_keeps_no_source_that_would_name_its_reporter(executive):
    reflection = reflection_save(
        participant=past_place(executive),
        by=executive,
        surprised="x",
        would_change="y",
        frictions=["Refund limit"],
    )
    report, _ = file(
        executive, anonymous=True, source_reflection_friction=reflection.frictions.get()
    )
    report.refresh_from_db()
    assert report.source_reflection_friction is None
    named, _ = file(executive, source_reflection_friction=reflection.frictions.get())
    assert named.source_reflection_friction is not None


def test_the_admin_shows_reports_read_only(client, frontline, superuser):
    report, _ = file(frontline)
    client.force_login(superuser)
    url = reverse("admin:frictions_frictionreport_change", args=[report.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"title": "Changed by the admin"})
    report.refresh_from_db()
    assert report.title != "Changed by the admin"


def test_error_reports_leave_out_who_was_filing(rf, frontline):
    import sys

    from django.views.debug import get_exception_reporter_class

    def report_for(path):
        request = rf.post(
            path,
            {"title": "secret title", "anonymous": "on"},
            HTTP_USER_AGENT=USER_AGENT,
            REMOTE_ADDR=ADDRESS,
        )
        request.user = frontline
        reporter = frontline  # a local, as in the service that failed
        try:
            raise RuntimeError(f"failed for {reporter.email}"[:0] + "database went away")
        except RuntimeError:
            reporter_class = get_exception_reporter_class(request)
            return reporter_class(request, *sys.exc_info(), is_email=True).get_traceback_text()

    text = report_for(reverse("frictions:new"))
    assert "database went away" in text
    for clue in (frontline.email, frontline.display_name, ADDRESS, USER_AGENT, "secret title"):
        assert clue not in text
    elsewhere = report_for("/immersion/schedule/")
    assert ADDRESS in elsewhere, "other pages keep their full error reports"


def test_the_receipt_page_waits_out_the_same_floor_for_real_and_made_up_codes(
    client, frontline, settings, monkeypatch
):
    """Timing itself is measured by bench/receipt_timing.py; here, that both answers wait."""
    _, code = file(frontline, anonymous=True)
    settings.FRICTION_RECEIPT_MIN_SECONDS = 30
    waits = []
    monkeypatch.setattr("frictions.views.time.sleep", waits.append)
    real = client.post(reverse("frictions:receipt"), {"code": code})
    made_up = client.post(reverse("frictions:receipt"), {"code": "ABCD-EFGH-JKMN-PQRS"})
    assert (real.status_code, made_up.status_code) == (302, 404)
    assert len(waits) == 2
    assert all(25 < wait <= 30 for wait in waits), waits
    client.get(reverse("frictions:receipt"))
    assert len(waits) == 2, "the empty form is not slowed"


def test_the_board_shows_each_report_as_a_cx_lead_reads_it(client, frontline, cx_lead, make_user):
    """Each row: the title linking to the report (escaped), area, channel and team, the status
    with "Overdue" when it is late, the people affected, the age, the owner and the due date
    while open (a dash once closed, and for a report nobody owns yet)."""
    team = FrontlineTeamFactory(name="Billing <East>")
    owner = make_user(roles=[Role.EXECUTIVE], display_name="Report Owner")
    late, _ = file(frontline, title="Refunds <b>need</b> a callback", area="policy", team=team)
    today = timezone.localdate()
    triage(late, cx_lead, owner, acknowledge_by=today - timedelta(days=2))
    friction_report_support(report=late, supporter=cx_lead)
    declined, _ = file(frontline, title="Declined one", channel="phone")
    triage(declined, cx_lead, owner)
    friction_report_transition(
        report=declined, by=cx_lead, status="declined", response="No.", decline_reason="Law."
    )
    fresh, _ = file(frontline, title="Nobody owns it yet")
    late.refresh_from_db()
    fresh.refresh_from_db()

    client.force_login(cx_lead)
    page = client.get(reverse("frictions:board")).content.decode()

    rows = {
        re.search(r">([^<]*(?:<b>[^<]*</b>)?[^<]*)</a>", row).group(1): row
        for row in re.findall(r"<tr><td><a .*?</tr>", page)
    }
    assert set(rows) == {
        "Refunds &lt;b&gt;need&lt;/b&gt; a callback",
        "Declined one",
        "Nobody owns it yet",
    }, "titles escaped, one row each"
    late_row = rows["Refunds &lt;b&gt;need&lt;/b&gt; a callback"]
    assert f'<a href="{late.get_absolute_url()}">' in late_row
    assert "Policy · Chat · Billing &lt;East&gt;" in late_row
    assert '<span class="badge text-bg-primary">New</span> ' in late_row, "not acknowledged yet"
    assert '<span class="badge text-bg-danger">Overdue</span>' in late_row
    assert '<td class="text-end">2</td>' in late_row, "the reporter and one me too"
    assert f"<td>Report Owner</td><td>{late.due:%-d %b %Y}</td>" in late_row
    declined_row = rows["Declined one"]
    assert '<span class="badge text-bg-secondary">Declined</span>' in declined_row
    assert "Overdue" not in declined_row
    assert "<td>Report Owner</td><td>—</td>" in declined_row, "no due date once closed"
    fresh_row = rows["Nobody owns it yet"]
    assert '<span class="badge text-bg-primary">New</span>' in fresh_row
    assert f"<td>—</td><td>{fresh.due:%-d %b %Y}</td>" in fresh_row
    # Its age: filing times are kept to the hour (named as anonymous), so minutes of this hour.
    assert re.search(r"<td>\d+\xa0minutes?</td>", fresh_row), "its age"
