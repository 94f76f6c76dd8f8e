"""The anonymous channel's promise, proved: someone with the database, the application's logs
and the request log can tell at most that a report was filed by someone among the people active
in that hour. Every entry point is walked; then the access log, every table and the session
store are searched for anything that ties what was sent to the person who sent it."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import FrontlineTeamFactory
from frictions.models import AnonymousWrite, FrictionEvent, FrictionReport, FrictionSupport
from frictions.services import (
    ALREADY_SUPPORTED_MESSAGE,
    OWN_REPORT_MESSAGE,
    SUPPORT_DAILY_CAP_MESSAGE,
    anonymous_writes_release,
    friction_report_file,
    friction_report_support,
)
from frictions.services.integrations import api_integration_issue
from frictions.tasks import release_anonymous_writes
from frictions.tests import access_log
from frictions.tests.factories import USER_FIELDS, _database, _database_diff, file
from frictions.tests.factories import release_anonymous as release
from frictions.views.receipt import FOLLOW_COOKIE
from frictions.views.reports import FILED_COOKIE, OWN_WORDS_MESSAGE
from immersion.models import Escalation
from immersion.services.escalations import escalation_log
from immersion.services.followthrough import reflection_save
from immersion.services.journeys import (
    journey_exercise_start,
    journey_step_record,
    journey_template_save,
)
from immersion.tests.factories import past_place

pytestmark = pytest.mark.django_db

CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


@pytest.fixture
def requests_logged(settings):
    """The access log's lines for every request the test client makes."""
    settings.MIDDLEWARE = ["frictions.tests.access_log.AccessLogMiddleware", *settings.MIDDLEWARE]
    access_log.LINES.clear()
    return access_log.LINES


def form_data(title, **more):
    return {
        "title": title,
        "description": f"{title}: customers give up.",
        "area": "policy",
        "channel": "phone",
        "customers_per_week": "12",
        "severity": "high",
        "anonymous": "on",
        **more,
    }


def file_anonymously(client, title, **source):
    """Through the pages: start from a source (a POST), file, read the code once."""
    if source:
        started = client.post(reverse("frictions:new"), {"start": "1", **source})
        assert started.status_code == 200
    response = client.post(reverse("frictions:new"), form_data(title, **source))
    assert (response.status_code, response.url) == (302, reverse("frictions:filed"))
    return CODE.search(client.get(response.url).content.decode()).group()


def test_every_anonymous_entry_point_leaves_nothing_that_names_the_sender(
    client, frontline, executive, cx_lead, requests_logged
):
    # What the two senders did before, under their own names, to the second.
    escalation = Escalation.objects.create(
        customer_reference="ACME-77",
        what_happened="Refund refused at the counter",
        channel="phone",
        logged_by=frontline,
        routed_to=cx_lead,
    )
    reflection = reflection_save(
        participant=past_place(executive),
        by=executive,
        surprised="Long waits",
        would_change="The rule",
        frictions=["Refund limit forces a callback"],
    )
    template = journey_template_save(name="Cancel a plan", kind="renewal", steps=["Cancel"])
    exercise = journey_exercise_start(
        participant=past_place(executive, "customer-journey", hours_ago=50),
        template=template,
        by=executive,
    )
    step = journey_step_record(
        exercise=exercise, step=template.steps.get(), effort=6, worked=False, by=executive
    )
    existing, _ = file(cx_lead, title="Hold music loops forever")
    _, token = api_integration_issue(name="Zendesk", by=cx_lead)
    agent, leader = frontline, executive
    client.force_login(agent)  # a real sign-in: last_login and a session row
    before = _database()

    typed = ["Plain secret title", "Escalation secret title"]
    codes = [file_anonymously(client, typed[0])]
    codes.append(file_anonymously(client, typed[1], escalation=escalation.pk))
    support = client.post(reverse("frictions:support", args=[existing.pk]), {"anonymous": "yes"})
    assert support.status_code == 302
    client.post(reverse("frictions:receipt"), {"code": codes[0]})
    client.force_login(leader)
    typed += ["Reflection secret title", "Journey secret title"]
    codes.append(
        file_anonymously(client, typed[2], reflection_friction=reflection.frictions.get().pk)
    )
    codes.append(file_anonymously(client, typed[3], journey_step=step.pk))
    typed.append("Similar secret words")
    client.post(reverse("frictions:similar"), {"title": typed[-1]})
    api = client.post(
        reverse("api:frictions"),
        data=json.dumps({**form_data("Api secret title"), "anonymous": True}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert api.status_code == 202
    codes.append(api.json()["receipt_code"])
    release()  # the first four reports are on the board now; add information to one
    client.logout()
    client.post(reverse("frictions:receipt"), {"code": codes[0]})
    typed.append("Information secret text")
    assert client.post(reverse("frictions:receipt"), {"text": typed[-1]}).status_code == 302
    release()

    reports = FrictionReport.objects.filter(is_anonymous=True)
    assert reports.count() == 5
    assert FrictionSupport.objects.filter(report=existing, supporter=None).count() == 1
    assert FrictionEvent.objects.filter(text=typed[-1], actor=None).count() == 1
    assert not AnonymousWrite.objects.exists(), "the holding table is emptied"

    people = (agent, leader)
    clues = [p.email for p in people] + [p.display_name for p in people] + codes
    sources = {
        "escalation": escalation.pk,
        "reflection_friction": reflection.frictions.get().pk,
        "journey_step": step.pk,
    }
    # The access log: no query string on the filing path, nothing typed, no source, no person.
    logged = "\n".join(requests_logged)
    assert "POST /frictions/new/ 302" in logged
    for line in requests_logged:
        assert "?" not in line, line
    for clue in [*clues, *typed, *(t.replace(" ", "+") for t in typed), *sources]:
        assert clue not in logged, clue
    # Every table: no row names the senders or points at them or at what they wrote before.
    new_rows = _database_diff(before, _database())
    assert {row["model"] for row in new_rows} <= {
        "frictions.frictionreport",
        "frictions.frictionevent",
        "frictions.frictionsupport",
        "frictions.apiintegration",  # its last-used day
        "sessions.session",  # the second sign-in, to the hour
        "accounts.user",  # its last_login, to the hour
    }
    for row in new_rows:
        if row["model"] in ("accounts.user", "sessions.session"):
            continue  # their own rows, changed by signing in: to the hour, checked below
        text = json.dumps(row["fields"])
        for clue in clues:
            assert clue not in text, (row["model"], clue)
        if row["model"].startswith("frictions.friction"):
            assert not any(row["fields"].get(name) for name in USER_FIELDS), row
            assert not any(row["fields"].get(f"source_{name}") for name in sources), row
    # The sign-in and the sessions: to the hour, and not rewritten by filing.
    for person in people:
        person.refresh_from_db()
        last = person.last_login
        assert (last.minute, last.second, last.microsecond) == (0, 0, 0)
    for expires in Session.objects.values_list("expire_date", flat=True):
        assert (expires.minute, expires.second, expires.microsecond) == (0, 0, 0)


def test_anonymous_filing_does_not_write_the_session(client, frontline):
    client.force_login(frontline)
    before = list(Session.objects.values_list("session_key", "session_data", "expire_date"))
    code = file_anonymously(client, "Cancel fee surprises loyal customers")
    release()
    report = FrictionReport.objects.get()
    client.post(reverse("frictions:support", args=[file(frontline)[0].pk]), {"anonymous": "yes"})
    assert list(Session.objects.values_list("session_key", "session_data", "expire_date")) == before
    assert code not in json.dumps(client.session.items() and dict(client.session))
    assert report.reporter is None


def test_named_and_anonymous_filings_answer_alike(client, frontline, settings, monkeypatch):
    settings.FRICTION_FILING_MIN_SECONDS = 30
    waits = []
    monkeypatch.setattr("frictions.views.time.sleep", waits.append)
    client.force_login(frontline)
    named = client.post(reverse("frictions:new"), {**form_data("Named"), "anonymous": ""})
    anonymous = client.post(reverse("frictions:new"), form_data("Anonymous"))
    assert (named.status_code, named.url) == (anonymous.status_code, anonymous.url)
    assert named.url == reverse("frictions:filed")
    assert set(named.cookies) == set(anonymous.cookies) == {FILED_COOKIE}
    for response in (named, anonymous):
        cookie = response.cookies[FILED_COOKIE]
        assert (cookie["httponly"], cookie["samesite"]) == (True, "Strict")
        assert cookie["max-age"] == settings.FRICTION_RECEIPT_COOKIE_SECONDS
    assert len(waits) == 2
    assert all(25 < wait <= 30 for wait in waits), waits
    # Both then answer 200 from the same address; the named one links to its report's page.
    client.cookies[FILED_COOKIE] = named.cookies[FILED_COOKIE].value
    named_page = client.get(reverse("frictions:filed"))
    client.cookies[FILED_COOKIE] = anonymous.cookies[FILED_COOKIE].value
    anonymous_page = client.get(reverse("frictions:filed"))
    assert named_page.status_code == anonymous_page.status_code == 200
    assert FrictionReport.objects.get().get_absolute_url() in named_page.content.decode()


def test_the_receipt_code_is_shown_once_and_a_reload_files_nothing(client, frontline):
    client.force_login(frontline)
    code = file_anonymously(client, "Cancel fee surprises loyal customers")
    reloaded = client.get(reverse("frictions:filed")).content.decode()
    assert code not in reloaded
    assert not CODE.search(reloaded)
    assert "already shown" in reloaded
    assert AnonymousWrite.objects.count() == 1
    release()
    assert FrictionReport.objects.count() == 1


def test_the_receipt_page_says_a_held_report_is_on_its_way(client, frontline):
    client.force_login(frontline)
    code = file_anonymously(client, "Cancel fee surprises loyal customers")
    client.logout()
    response = client.post(reverse("frictions:receipt"), {"code": code})
    assert (response.status_code, response.url) == (302, reverse("frictions:receipt"))
    page = client.get(response.url).content.decode()
    assert "Received." in page
    assert "appears on the board" in page
    assert code not in page


def test_adding_information_then_reloading_adds_nothing(client, frontline):
    report, code = file(frontline, anonymous=True)
    client.post(reverse("frictions:receipt"), {"code": code})
    added = client.post(reverse("frictions:receipt"), {"text": "Three more today."})
    assert (added.status_code, added.url) == (302, reverse("frictions:receipt"))
    assert FOLLOW_COOKIE in added.cookies
    first = client.get(added.url).content.decode()
    second = client.get(added.url).content.decode()
    assert "Added to the timeline, anonymously." in first
    assert "Added to the timeline, anonymously." not in second
    assert code not in first + second
    release()
    assert report.events.filter(kind="information").count() == 1


def test_adding_information_without_the_code_asks_for_it_again(client, frontline):
    report, _ = file(frontline, anonymous=True)
    response = client.post(reverse("frictions:receipt"), {"text": "Sneaked in"})
    assert "enter it again" in response.content.decode()
    release()
    assert not report.events.filter(kind="information").exists()


def test_anonymous_me_too_is_once_per_person_and_capped_a_day(frontline, make_user, settings):
    settings.FRICTION_ANONYMOUS_SUPPORTS_PER_DAY = 2
    someone = make_user(roles=[Role.FRONTLINE])
    first, second, third = (file(someone, title=f"Report {n}")[0] for n in range(3))
    friction_report_support(report=first, supporter=frontline, anonymous=True)
    with pytest.raises(Exception, match=ALREADY_SUPPORTED_MESSAGE):
        friction_report_support(report=first, supporter=frontline, anonymous=True)
    with pytest.raises(Exception, match=ALREADY_SUPPORTED_MESSAGE):
        friction_report_support(report=first, supporter=frontline)  # then by name
    friction_report_support(report=second, supporter=frontline, anonymous=True)
    with pytest.raises(Exception, match=SUPPORT_DAILY_CAP_MESSAGE):
        friction_report_support(report=third, supporter=frontline, anonymous=True)
    friction_report_support(
        report=third, supporter=make_user(roles=[Role.FRONTLINE]), anonymous=True
    )
    release()
    assert FrictionSupport.objects.filter(supporter=None).count() == 3


def test_anonymous_writes_wait_until_their_hour_has_ended(frontline, settings):
    settings.FRICTION_ANONYMOUS_HOLD_HOUR = True
    file(frontline, anonymous=True)  # released by the factory
    report = FrictionReport.objects.get()
    friction_report_support(report=report, supporter=frontline, anonymous=True)
    assert anonymous_writes_release() == 0, "this hour is still going on"
    assert anonymous_writes_release(now=timezone.now() + timedelta(hours=1)) == 1
    support = FrictionSupport.objects.get()
    assert (support.created_at.minute, support.created_at.second) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_releases_the_held_writes(celery_worker, frontline, make_user, settings):
    settings.FRICTION_ANONYMOUS_HOLD_HOUR = False
    report, _ = file(make_user(roles=[Role.FRONTLINE]))
    friction_report_support(report=report, supporter=frontline, anonymous=True)
    # Its answer is kept this once, so the test waits for the worker rather than the table.
    assert release_anonymous_writes.apply_async(ignore_result=False).get(timeout=20) == 1
    assert not AnonymousWrite.objects.exists()
    assert FrictionSupport.objects.filter(report=report, supporter=None).count() == 1


def test_a_named_reporter_cannot_add_anonymous_support_to_their_own_report(frontline):
    report, _ = file(frontline)
    with pytest.raises(ValidationError, match=OWN_REPORT_MESSAGE):
        friction_report_support(report=report, supporter=frontline, anonymous=True)
    assert not AnonymousWrite.objects.exists()


def test_a_write_that_cannot_be_released_holds_back_nothing_else(frontline, make_user, settings):
    settings.FRICTION_ANONYMOUS_HOLD_HOUR = True
    team = FrontlineTeamFactory()
    friction_report_file(
        reporter=frontline,
        anonymous=True,
        team=team,
        title="Team went away",
        description="While it waited.",
        area="platform",
        channel="chat",
        customers_per_week=3,
        severity="low",
    )
    named, _ = file(make_user(roles=[Role.FRONTLINE]))
    friction_report_support(report=named, supporter=frontline, anonymous=True)
    broken = AnonymousWrite.objects.create(kind=AnonymousWrite.Kind.INFORMATION, report=named)
    team.delete()  # the held report named it
    later = timezone.now() + timedelta(hours=1)
    assert anonymous_writes_release(now=later) == 2
    held = FrictionReport.objects.get(title="Team went away")
    assert (held.team, held.is_anonymous) == (None, True)
    assert FrictionSupport.objects.filter(report=named, supporter=None).count() == 1
    assert list(AnonymousWrite.objects.all()) == [broken], "the one that cannot go in stays"


def test_filing_anonymously_asks_for_own_words_instead_of_the_escalations(
    client, frontline, cx_lead
):
    escalation = escalation_log(
        logged_by=frontline,
        customer_reference="ACME-77",
        channel="phone",
        urgency="normal",
        what_happened="Customer billed twice after the plan change, third call this week.",
    )
    client.force_login(frontline)
    started = client.post(reverse("frictions:new"), {"start": "1", "escalation": escalation.pk})
    copied = started.context["form"].initial
    response = client.post(
        reverse("frictions:new"),
        {
            **form_data(copied["title"]),
            "description": copied["description"],
            "anonymous": "on",
            "escalation": escalation.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["description"] == [
        OWN_WORDS_MESSAGE.format(source="escalation ACME-77")
    ]
    assert not AnonymousWrite.objects.exists()
    assert copied["description"] in response.content.decode(), "what was typed is kept"
    rewritten = client.post(
        reverse("frictions:new"),
        {**form_data("Plan changes bill twice"), "anonymous": "on", "escalation": escalation.pk},
    )
    assert rewritten.status_code == 302
    assert AnonymousWrite.objects.count() == 1
