"""Whatever is typed, no 500: hypothesis posts generated values to every form and API endpoint.

Where the cases come from: the permission matrix (tests/permission_matrix.py) lists every URL,
its method and who may use it. Each page a role may open is fetched once and its HTML forms read:
a form's field names, and the values its options, radios and checkboxes offer, keyed by the
address the form sends to. Then, for every URL in the matrix, as a person allowed to use it,
hypothesis sends (POST, or the query string of a GET form such as a filter bar) a mix of real
options and hostile values for each field — huge and negative numbers, dates in year 1 and 9999,
unicode, NUL bytes, empty strings — and the answer must be below 500. The API gets generated
JSON, and JSON nested far deeper than any parser's recursion limit.

Each example runs in a savepoint that is rolled back, so every example sees the same world.
"""

import json
import os
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.json_parser import TOO_DEEP_MESSAGE
from frictions.services.integrations import api_integration_issue
from frictions.tests.factories import file
from tests.permission_matrix import (
    ADMIN_LOGIN,
    LOGIN,
    MATRIX,
    PEOPLE,
    build_objects,
    make_matrix_user,
)

pytestmark = pytest.mark.django_db

# Examples per URL: 120 URLs at 12 each ran in 60 s on SQLite, 2 minutes on PostgreSQL (a
# 2-core machine); 5 causes of 500 found before the fixes, none after. FUZZ_EXAMPLES=100
# searches harder (a nightly run, or after changing a form); with PostgreSQL's DATABASE_URL it
# also finds what only its types refuse (NUL in text, integers past 2**31).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
# Who fills a URL's forms, first allowed wins (the CX lead sees most; the superuser last,
# since some pages answer them 404 by design).
ROLE_ORDER = ["cx_lead", "executive", "frontline", "leadership", "superuser", "anonymous"]
# URL name: why its 500s are left out of the assertion. Empty: the friction filing and receipt
# pages, reworked elsewhere in the same release, answered no 500 either.
EXCLUDED: dict[str, str] = {}
# Not forms people fill: the admin is Django's own, logging out and the feeds take no input.
NOT_FORMS = {"admin:index", "accounts:logout", "favicon"}

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "99999999999999999999999999999999999999",
    "1e308",
    "NaN",
    "inf",
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "10000-01-01",
    "1-1-1",
    "2024-02-30",
    "25:61",
    "23:59",
    "\x00",
    "\u202e\u0000\ud7ff",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 5000,
    "yes",
    "no",
    "on",
    "true",
]
hostile = st.one_of(
    st.sampled_from(HOSTILE),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.text(max_size=30),
)


class FormReader(HTMLParser):
    """Every <form> on a page: where it goes, its method, its fields and the values offered."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": {},
                "files": set(),
            }
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag in ("input", "textarea", "select", "button") and name:
            if name == "csrfmiddlewaretoken":
                return
            offered = self._form["fields"].setdefault(name, [])
            if attrs.get("type") == "file":
                self._form["files"].add(name)
            if tag in ("input", "button") and attrs.get("value") is not None:
                offered.append(attrs["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select is not None:
            self._form["fields"][self._select].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def allowed_role(url_name: str) -> str | None:
    expect = MATRIX[url_name].expect
    for role in ROLE_ORDER:
        if expect.get(role) not in (LOGIN, ADMIN_LOGIN, 401, 403, 404, 405):
            return role
    return None


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """(people, urls by name, forms by the address they send to, an API token), built once."""
    with django_db_blocker.unblock(), transaction.atomic():
        people = {role: make_matrix_user(**fields) for role, fields in PEOPLE.items()}
        objects = build_objects(
            make_user=make_matrix_user,
            executive=people["executive"],
            frontline=people["frontline"],
            cx_lead=people["cx_lead"],
        )
        _, token = api_integration_issue(name="Fuzz", by=people["cx_lead"])
        urls = {}
        for name, entry in MATRIX.items():
            kwargs = entry.kwargs(objects) if callable(entry.kwargs) else entry.kwargs
            urls[name] = reverse(name, kwargs=kwargs)
        forms: dict[tuple[str, str], dict] = {}
        clients = {role: Client() for role in ROLE_ORDER}
        for role, person in people.items():
            clients[role].force_login(person)
        for name, entry in MATRIX.items():
            if entry.method != "get" or name in NOT_FORMS or name.startswith("api:"):
                continue
            # Each page as the first role allowed, and as an executive where they may open it
            # too (their own pages show them forms the CX lead's do not).
            roles = {allowed_role(name)}
            if entry.expect.get("executive") == 200:
                roles.add("executive")
            for role in roles - {None}:
                client = clients[role]
                with transaction.atomic():
                    page = client.get(urls[name])
                    transaction.set_rollback(True)
                if "html" not in page.get("Content-Type", ""):
                    continue
                reader = FormReader()
                reader.feed(page.content.decode())
                for form in reader.forms:
                    target = urlsplit(form["action"]).path or urls[name]
                    known = forms.setdefault(
                        (target, form["method"]), {"fields": {}, "files": set()}
                    )
                    for field, values in form["fields"].items():
                        known["fields"].setdefault(field, set()).update(values)
                    known["files"] |= form["files"]
        yield people, urls, forms, token
        transaction.set_rollback(True)


def fields_strategy(fields: dict[str, set[str]]):
    """A dict with each field (or some left out) set to one of its options or something hostile."""
    return st.fixed_dictionaries(
        {},
        optional={
            name: st.one_of(st.sampled_from(sorted(offered)), hostile) if offered else hostile
            for name, offered in fields.items()
        },
    )


def fuzzed_urls() -> list[str]:
    return sorted(
        name
        for name in MATRIX
        if name not in NOT_FORMS and not name.startswith("api:") and allowed_role(name)
    )


@pytest.mark.parametrize("url_name", fuzzed_urls())
def test_no_form_answers_500(db, world, url_name):
    if url_name in EXCLUDED:
        pytest.skip(EXCLUDED[url_name])
    people, urls, forms, _ = world
    url = urls[url_name]
    method = MATRIX[url_name].method
    client = Client()
    role = allowed_role(url_name)
    if role in people:
        client.force_login(people[role])
    posted = forms.get((url, "post"), {"fields": {}, "files": set()})
    queried = forms.get((url, "get"), {"fields": {}, "files": set()})
    if method == "post" or posted["fields"]:
        send, known = "post", posted
    elif queried["fields"]:
        send, known = "get", queried
    else:
        send, known = "get", {"fields": {"page": set(), "date": set()}, "files": set()}
    files = known["files"]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=fields_strategy(known["fields"]), upload=st.binary(max_size=300))
    def check(data, upload):
        if send == "post":
            for name in files:
                data[name] = SimpleUploadedFile("fuzz.csv", upload, content_type="text/csv")
        with transaction.atomic():
            response = getattr(client, send)(url, data)
            transaction.set_rollback(True)
        assert response.status_code < 500, f"{send.upper()} {url} {data!r}"

    check()


# Inputs the page scan cannot find: the similar-reports lookup takes the filing form's title
# (htmx sends it from there), and the receipt page shows its "add information" form only to
# someone who has given a valid code.


@settings(
    max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
@given(title=hostile)
def test_the_similar_reports_lookup_never_answers_500(db, world, title):
    people, urls, _, _ = world
    client = Client()
    client.force_login(people["frontline"])
    with transaction.atomic():
        response = client.post(urls["frictions:similar"], {"title": title})
        transaction.set_rollback(True)
    assert response.status_code < 500, title


def test_adding_information_by_receipt_code_never_answers_500(db, world):
    people, urls, _, _ = world
    _, code = file(people["frontline"], anonymous=True)
    client = Client()
    assert client.post(urls["frictions:receipt"], {"code": code}).status_code == 302

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(text=hostile)
    def check(text):
        with transaction.atomic():
            response = client.post(urls["frictions:receipt"], {"text": text})
            transaction.set_rollback(True)
        assert response.status_code < 500, text

    check()


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=10,
)
report_bodies = st.fixed_dictionaries(
    {},
    optional={
        key: st.one_of(json_values, st.sampled_from(HOSTILE))
        for key in [
            "title",
            "description",
            "area",
            "channel",
            "customers_per_week",
            "severity",
            "policy_reference",
            "anonymous",
            "reporter_email",
            "team",
        ]
    },
)


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(body=st.one_of(report_bodies.map(json.dumps), json_values.map(json.dumps), st.text()))
def test_api_never_answers_500(db, world, body):
    _, urls, _, token = world
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    with transaction.atomic():
        response = client.post(urls["api:frictions"], body, content_type="application/json")
        transaction.set_rollback(True)
    assert response.status_code < 500, body[:200]


@pytest.mark.parametrize("depth", [100, 5_000, 100_000])
def test_api_refuses_deeply_nested_json_with_400(db, world, depth):
    _, urls, _, token = world
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for body in (nested(depth), '{"title": ' + nested(depth) + "}"):
        response = client.post(urls["api:frictions"], body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["detail"] == TOO_DEEP_MESSAGE


def test_api_read_never_answers_500(db, world):
    _, urls, _, token = world
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for number in ["0", "-1", "2147483648", "99999999999999999999"]:
        response = client.get(urls["api:friction"].rstrip("/").rsplit("/", 1)[0] + f"/{number}/")
        assert response.status_code < 500
