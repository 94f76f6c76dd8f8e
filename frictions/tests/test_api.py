"""The REST API for contact-centre tools: tokens, filing (named and anonymous), status, schema."""

import json
from datetime import timedelta

import jsonschema
import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.validation import validate_schema

from accounts.roles import Role
from frictions.api import (
    ANONYMOUS_WITH_REPORTER_MESSAGE,
    UNKNOWN_REPORTER_MESSAGE,
    FrictionCursor,
    FrictionSummarySerializer,
)
from frictions.filters import UPDATED_SINCE_MESSAGE
from frictions.models import AnonymousWrite, ApiIntegration, FrictionEvent, FrictionReport
from frictions.services import (
    friction_report_by_receipt,
    friction_report_note,
    friction_report_support,
    friction_report_transition,
)
from frictions.services.integrations import api_integration_issue, api_integration_revoke
from frictions.tests.factories import (
    USER_FIELDS,
    _database,
    _database_diff,
    file,
    release_anonymous,
)

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "title": "Cancel fee surprises loyal customers",
    "description": "They hear of the fee on the phone and leave.",
    "area": "pricing",
    "channel": "phone",
    "customers_per_week": 60,
    "severity": "high",
}


@pytest.fixture(autouse=True)
def _fresh_rates():
    """Each integration's request count lives in the cache; no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token(cx_lead):
    return api_integration_issue(name="Zendesk", by=cx_lead)[1]


def post(client, token, payload, **headers):
    return client.post(
        reverse("api:frictions"),
        data=json.dumps(payload) if not isinstance(payload, str) else payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **headers,
    )


def test_a_tool_files_a_named_report_and_reads_its_status(client, token, frontline, cx_lead):
    response = post(client, token, {**PAYLOAD, "reporter_email": frontline.email.upper()})
    assert response.status_code == 201
    body = response.json()
    assert "receipt_code" not in body
    report = FrictionReport.objects.get()
    assert (report.reporter, body["id"], body["status"]) == (frontline, report.pk, "new")
    friction_report_transition(
        report=report, by=cx_lead, status="acknowledged", response="Pricing team has it."
    )
    status = client.get(
        reverse("api:friction", args=[report.pk]), HTTP_AUTHORIZATION=f"Token {token}"
    ).json()
    assert status["status_label"] == "Acknowledged"
    assert status["responses"][-1]["text"] == "Pricing team has it."
    assert ApiIntegration.objects.get().last_used_on is not None


def test_a_filing_through_the_api_is_a_handful_of_statements(
    client, token, frontline, django_assert_max_num_queries
):
    """Tools file all day. A filing reads the token, the agent with their team, the holidays
    (its due dates), writes the report and its first line, and answers with that line: the
    table's constraints, which a new report cannot break, are left to PostgreSQL instead of a
    query and a savepoint each (twelve statements), and the report is not read back."""
    post(client, token, {**PAYLOAD, "reporter_email": frontline.email})  # the token's day
    with django_assert_max_num_queries(12) as queries:
        response = post(client, token, {**PAYLOAD, "reporter_email": frontline.email})
    assert response.status_code == 201
    assert response.json()["responses"][0]["kind"] == "Filed"
    assert FrictionReport.objects.count() == 2
    assert not [q for q in queries.captured_queries if "_check" in q["sql"]]


def test_a_tool_gets_its_answer_without_the_browsers_filing_floor(
    client, token, frontline, settings, monkeypatch
):
    """201 and 202 already tell the kinds apart, so a wait would hide nothing; it only held one
    of the server's threads for 0.4 s a filing."""
    settings.FRICTION_FILING_MIN_SECONDS = 30
    waits = []
    monkeypatch.setattr("frictions.views.time.sleep", waits.append)
    named = post(client, token, {**PAYLOAD, "reporter_email": frontline.email})
    anonymous = post(client, token, {**PAYLOAD, "anonymous": True})
    assert (named.status_code, anonymous.status_code) == (201, 202)
    assert waits == []
    # The browser's form still waits out the floor (test_anonymity.py asserts both kinds alike).
    client.force_login(frontline)
    filed = client.post(reverse("frictions:new"), {**PAYLOAD, "anonymous": "on"})
    assert filed.url == reverse("frictions:filed")
    assert len(waits) == 1
    assert 25 < waits[0] <= 30


def test_anonymous_filing_through_the_api_stores_nothing_about_who_or_where(client, token):
    before = _database()
    response = post(
        client,
        token,
        {**PAYLOAD, "anonymous": True, "agent_id": "A-1234"},
        HTTP_USER_AGENT="ZendeskConnector/2.1",
        REMOTE_ADDR="198.51.100.9",
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert response.status_code == 202
    received = response.json()
    assert (received["status"], set(received)) == (
        "received",
        {"status", "receipt_code", "on_the_board_by"},
    ), "nothing of a report that is not on the board yet"
    code = received["receipt_code"]
    # Held like every anonymous write until its hour has ended (services/anonymous.py).
    assert not FrictionReport.objects.exists()
    release_anonymous()
    report = FrictionReport.objects.get()
    assert friction_report_by_receipt(code) == report
    assert report.reporter is None
    new_rows = _database_diff(before, _database())
    text = json.dumps(new_rows)
    for clue in ("A-1234", "ZendeskConnector", "198.51.100.9", "203.0.113.50", code):
        assert clue not in text
    for row in new_rows:
        if row["model"].startswith("frictions.friction"):
            assert not any(row["fields"].get(name) for name in USER_FIELDS)
    assert {row["model"] for row in new_rows} <= {
        "frictions.frictionreport",
        "frictions.frictionevent",
        "frictions.apiintegration",  # its last-used day
    }


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({**PAYLOAD, "area": "astrology"}, "area", '"astrology" is not a valid choice.'),
        ({**PAYLOAD, "customers_per_week": -3}, "customers_per_week", None),
        ({k: v for k, v in PAYLOAD.items() if k != "description"}, "description", None),
        (
            {**PAYLOAD, "anonymous": True, "reporter_email": "a@b.example"},
            "reporter_email",
            ANONYMOUS_WITH_REPORTER_MESSAGE,
        ),
        (
            {**PAYLOAD, "reporter_email": "nobody@example.com"},
            "reporter_email",
            UNKNOWN_REPORTER_MESSAGE,
        ),
    ],
)
def test_a_malformed_payload_is_a_400_with_field_errors_and_writes_nothing(
    client, token, payload, field, message
):
    response = post(client, token, payload)
    assert response.status_code == 400
    errors = response.json()
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert not FrictionReport.objects.exists()


def test_broken_json_is_a_400_not_a_500(client, token):
    response = post(client, token, '{"title": "unterminated')
    assert response.status_code == 400
    assert "detail" in response.json()


def test_no_token_a_wrong_one_or_a_revoked_one_is_refused(client, cx_lead, token):
    assert post(client, "", PAYLOAD).status_code == 401
    assert post(client, "not-a-token", PAYLOAD).status_code == 401
    api_integration_revoke(integration=ApiIntegration.objects.get())
    response = post(client, token, PAYLOAD)
    assert response.status_code == 401
    assert response.json()["detail"] == "Unknown or revoked token."
    client.force_login(cx_lead)
    assert client.post(reverse("api:frictions"), PAYLOAD).status_code == 401, "no session auth"


def test_an_unknown_report_is_a_404(client, token):
    response = client.get(reverse("api:friction", args=[999]), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404


def test_the_openapi_schema_is_served_and_describes_both_operations(client):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert set(schema["paths"]) == {"/api/frictions/", "/api/frictions/{id}/"}
    assert "post" in schema["paths"]["/api/frictions/"]
    assert schema["components"]["securitySchemes"]["integrationToken"]["scheme"] == "bearer"


def test_the_cx_lead_issues_a_token_shown_once_and_revokes_it(client, cx_lead):
    client.force_login(cx_lead)
    response = client.post(reverse("frictions:integrations"), {"name": "Genesys"})
    page = response.content.decode()
    integration = ApiIntegration.objects.get()
    key = page.split('user-select-all text-break">')[1].split("<")[0]
    assert integration.key_hash != key
    assert len(key) > 30
    assert key not in client.get(reverse("frictions:integrations")).content.decode()
    client.post(reverse("frictions:integration_revoke", args=[integration.pk]))
    assert post(client, key, PAYLOAD).status_code == 401


def test_api_filings_appear_on_the_timeline_like_any_other(client, token, frontline):
    post(client, token, {**PAYLOAD, "reporter_email": frontline.email})
    event = FrictionEvent.objects.get()
    assert (event.kind, event.actor) == (FrictionEvent.Kind.FILED, frontline)


@pytest.mark.parametrize(
    "who",
    ["executive", "cx_lead", "superuser", "leadership", "inactive agent", "agent and executive"],
)
def test_a_named_report_through_the_api_may_name_only_an_active_frontline_agent(
    client, token, user_for_role, make_user, who
):
    person = {
        "inactive agent": lambda: make_user(roles=[Role.FRONTLINE], is_active=False),
        "agent and executive": lambda: make_user(roles=[Role.FRONTLINE, Role.EXECUTIVE]),
    }.get(who, lambda: user_for_role(who))()
    response = post(client, token, {**PAYLOAD, "reporter_email": person.email})
    assert response.status_code == 400
    assert response.json() == {"reporter_email": [UNKNOWN_REPORTER_MESSAGE]}
    assert not FrictionReport.objects.exists()


def test_each_integration_has_its_own_rate_and_past_it_gets_a_429(client, token, cx_lead, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"integration": "2/minute"},
    }
    other = api_integration_issue(name="Genesys", by=cx_lead)[1]
    assert post(client, token, {**PAYLOAD, "anonymous": True}).status_code == 202
    status_url = reverse("api:friction", args=[2**31 - 1])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(status_url, **headers).status_code == 404, "counted, and answered"
    refused = post(client, token, {**PAYLOAD, "anonymous": True})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert client.get(status_url, **headers).status_code == 429
    assert AnonymousWrite.objects.count() == 1, "the refused one was not received"
    assert post(client, other, {**PAYLOAD, "anonymous": True}).status_code == 202, "its own rate"


def _schema(client):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_openapi_schema_is_valid_and_states_the_real_types_and_answers(client):
    schema = _schema(client)
    validate_schema(schema)  # the OpenAPI 3.0 meta-schema, via jsonschema
    components = schema["components"]["schemas"]
    for name in ("FrictionStatus", "FrictionCreated"):
        assert components[name]["properties"]["owner"]["nullable"] is True
        assert "enum" in components[name]["properties"]["status"] or (
            "$ref" in components[name]["properties"]["status"]
        )
    paths = schema["paths"]
    assert set(paths["/api/frictions/"]["post"]["responses"]) == {"201", "202", "400", "401", "429"}
    assert set(paths["/api/frictions/{id}/"]["get"]["responses"]) == {
        "200",
        "401",
        "404",
        "429",
    }


@pytest.mark.parametrize(
    ("extra", "valid"),
    [
        ({"reporter_email": "agent@example.com"}, True),
        ({"anonymous": False, "reporter_email": "agent@example.com"}, True),
        ({"anonymous": True}, True),
        ({}, False),
        ({"anonymous": False}, False),
        ({"anonymous": True, "reporter_email": "agent@example.com"}, False),
    ],
)
def test_the_schema_states_when_reporter_email_is_required_and_when_forbidden(client, extra, valid):
    """Required unless anonymous; forbidden when anonymous."""
    schema = _schema(client)
    # The request's schema, with the components its enums point at (#/components/...).
    request = {
        **schema["components"]["schemas"]["FrictionCreate"],
        "components": schema["components"],
    }
    validator = jsonschema.Draft4Validator(request)
    assert validator.is_valid({**PAYLOAD, **extra}) is valid, extra


def get(client, token, **params):
    return client.get(reverse("api:frictions"), params, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_tool_lists_reports_a_page_at_a_time_with_their_public_fields_only(
    client, token, frontline
):
    for n in range(3):
        file(frontline, title=f"Report {n}")
    first = get(client, token, page_size=2)
    assert first.status_code == 200
    body = first.json()
    assert [r["title"] for r in body["results"]] == ["Report 0", "Report 1"]
    second = client.get(body["next"], HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [r["title"] for r in second["results"]] == ["Report 2"]
    assert second["next"] is None
    text = first.content.decode()
    assert frontline.email not in text, "never who filed"
    assert str(frontline) not in text
    assert "reporter" not in body["results"][0]
    assert set(body["results"][0]) == set(FrictionSummarySerializer().fields)


def test_the_list_filters_by_status_and_by_what_changed_since(client, token, frontline, cx_lead):
    old, _ = file(frontline, title="Old and quiet")
    answered, _ = file(frontline, title="Old, answered today")
    file(frontline, title="New")
    week_ago = timezone.now() - timedelta(days=7)
    FrictionEvent.objects.filter(report__in=[old, answered]).update(created_at=week_ago)
    friction_report_transition(
        report=answered, by=cx_lead, status="declined", response="No.", decline_reason="No."
    )
    since = (timezone.now() - timedelta(days=1)).isoformat()
    changed = get(client, token, updated_since=since).json()["results"]
    assert [r["title"] for r in changed] == ["Old, answered today", "New"]
    still_open = get(client, token, updated_since=since, status="open").json()["results"]
    assert [r["title"] for r in still_open] == ["New"]


@pytest.mark.postgres
def test_postgresql_keeps_on_each_report_when_its_public_timeline_last_changed(
    frontline, cx_lead, make_user
):
    """What `updated_since` reads there (frictions migration 0016): a public line added moves
    the report's time, whoever writes it (a "me too" here, named or anonymous after its
    release); an internal note does not; a line corrected or removed by hand counts again."""
    if connection.vendor != "postgresql":
        pytest.skip("the time is kept on PostgreSQL only; SQLite reads the events")
    report, _ = file(frontline)

    def changed_at():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT changed_at FROM frictions_frictionreport WHERE id = %s", [report.pk]
            )
            return cursor.fetchone()[0]

    two_days_ago = timezone.now() - timedelta(days=2)
    FrictionEvent.objects.filter(report=report).update(created_at=two_days_ago)
    assert changed_at() == two_days_ago, "a line corrected by hand counts again"
    friction_report_note(report=report, by=cx_lead, text="Pricing owns this.")
    assert changed_at() == two_days_ago, "an internal note is not a public change"
    friction_report_support(report=report, supporter=make_user(roles=[Role.FRONTLINE]))
    supports = FrictionEvent.objects.filter(report=report, kind=FrictionEvent.Kind.SUPPORTED)
    assert changed_at() == supports.get().created_at > two_days_ago
    supports.delete()
    assert changed_at() == two_days_ago, "a line removed by hand counts again"
    friction_report_support(
        report=report, supporter=make_user(roles=[Role.FRONTLINE]), anonymous=True
    )
    assert changed_at() == two_days_ago, "held until its hour has ended"
    release_anonymous()
    assert changed_at() == supports.get().created_at > two_days_ago


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"status": "bogus"}, "status", None),
        ({"updated_since": "yesterday"}, "updated_since", None),
        ({"updated_since": "2020-01-01T00:00:00Z"}, "updated_since", UPDATED_SINCE_MESSAGE),
    ],
)
def test_the_list_refuses_a_filter_it_cannot_read_and_says_why(
    client, token, params, field, message
):
    response = get(client, token, **params)
    assert response.status_code == 400
    errors = response.json()[field]
    assert errors
    if message is not None:
        assert errors == [message]


def test_the_list_refuses_a_cursor_it_did_not_give_and_bounds_the_page_size(
    client, token, frontline
):
    assert get(client, token, cursor="bogus").status_code == 404
    file(frontline)
    assert len(get(client, token, page_size=100000).json()["results"]) == 1
    assert get(client, token, page_size="many").status_code == 200
    assert FrictionCursor.max_page_size == 100


def test_the_list_takes_the_same_queries_for_few_and_many_reports(
    client, token, frontline, django_assert_max_num_queries
):
    get(client, token)  # the token's first use of the day is written down once
    counts, listed = [], []
    for size in (2, 12):
        while FrictionReport.objects.count() < size:
            file(frontline)
        with django_assert_max_num_queries(6) as queries:
            response = get(client, token, status="open")
        listed.append(len(response.json()["results"]))
        counts.append(len(queries))
    assert listed == [2, 12]
    assert counts[0] == counts[1]


def test_the_list_needs_a_token(client):
    assert client.get(reverse("api:frictions")).status_code == 401


def test_the_schema_documents_the_list_its_filters_and_pages(client):
    schema = _schema(client)
    validate_schema(schema)
    listing = schema["paths"]["/api/frictions/"]["get"]
    assert set(listing["responses"]) == {"200", "400", "401", "404", "429"}
    assert {p["name"] for p in listing["parameters"]} >= {
        "status",
        "updated_since",
        "cursor",
        "page_size",
    }
