"""What `bench/pages.py` loads: one person per role, the pages they open, and each page's SQL
queries counted in-process. Prints JSON on stdout; bench/pages.py runs it before gunicorn starts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale .venv/bin/python bench/pages_plan.py

The people and objects are chosen from the database as the generator (demo/scale/) writes it,
or as `seed_demo` does: the first CX lead, the first leadership viewer, the executive with the
most places, a frontline agent, the report with the most supporters. An integration token is
issued for the API rows (one more row in the database per run).
"""

import json
import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from core.generations import generation_bump  # noqa: E402
from frictions.models import FrictionReport, FrictionReview  # noqa: E402
from frictions.services.integrations import api_integration_issue  # noqa: E402
from immersion.selectors.followthrough import TODOS  # noqa: E402
from immersion.selectors.programme import PROGRAMME  # noqa: E402
from immersion.services.feeds import calendar_feed_get  # noqa: E402
from metrics.selectors import STORED  # noqa: E402

# A report's fields as a contact-centre tool sends them (frictions/api.py).
API_REPORT = {
    "title": "Refund needs a second call after the chat",
    "description": "Customers are told to call back to confirm a refund the chat already took.",
    "area": "pricing",
    "channel": "chat",
    "customers_per_week": 40,
    "severity": "medium",
}


def first_with(role: str, **order) -> User:
    people = User.objects.filter(is_active=True, groups__name=role)
    if role == Role.EXECUTIVE:
        people = people.annotate(places=Count("participations")).order_by("-places", "pk")
    else:
        people = people.order_by("pk")
    person = people.first()
    if person is None:
        sys.exit(f"No active {role} in {connection.settings_dict['NAME']}: generate data first.")
    return person


def pages(people: dict[str, User]) -> list[dict]:
    report = FrictionReport.objects.order_by("-support_count", "pk").first()
    if report is None:
        sys.exit("No friction reports: generate data first.")
    agenda = FrictionReview.objects.order_by("-session__starts_at").first()
    if agenda is None:
        sys.exit("No friction reviews: generate data first.")
    week_ago = (timezone.now() - timedelta(days=7)).isoformat()
    agent = people[Role.FRONTLINE]
    person_feed = calendar_feed_get(person=people[Role.EXECUTIVE]).token
    programme_feed = calendar_feed_get(person=people[Role.CX_LEAD]).token
    _, api_token = api_integration_issue(
        name=f"make bench {secrets.token_hex(4)}", by=people[Role.CX_LEAD]
    )
    api = {"Authorization": f"Bearer {api_token}"}
    lead, executive, leader = Role.CX_LEAD, Role.EXECUTIVE, Role.LEADERSHIP
    rows = [
        ("home, executive", executive, "/"),
        ("home, CX lead", lead, "/"),
        ("home, leadership", leader, "/"),
        ("home, frontline", Role.FRONTLINE, "/"),
        ("schedule", executive, "/immersion/schedule/"),
        ("calendar, month", lead, "/immersion/calendar/"),
        ("calendar, week", lead, "/immersion/calendar/?view=week"),
        ("at-risk", lead, "/immersion/at-risk/"),
        ("rotation builder", lead, "/immersion/rotations/new/"),
        ("reflections", lead, "/immersion/reflections/"),
        ("reflections, search", lead, "/immersion/reflections/?" + urlencode({"q": "price"})),
        ("journeys", executive, "/immersion/journeys/"),
        ("escalations", executive, "/immersion/escalations/"),
        ("people", lead, "/accounts/people/"),
        ("board", lead, "/frictions/"),
        ("board, filtered", lead, "/frictions/?status=new&area=pricing"),
        ("board, newest", lead, "/frictions/?sort=newest"),
        ("board, overdue", lead, "/frictions/?sort=overdue"),
        (f"report, {report.support_count:,} supporters", lead, f"/frictions/{report.pk}/"),
        ("weekly reviews", lead, "/frictions/reviews/"),
        ("review agenda", lead, f"/frictions/reviews/{agenda.pk}/"),
        ("decision log", leader, "/frictions/decisions/"),
        ("dashboard", leader, "/metrics/"),
        ("receipt page", Role.FRONTLINE, "/frictions/receipt/"),
        ("person feed", None, f"/immersion/feed/{person_feed}.ics"),
        ("programme feed", None, f"/immersion/feed/{programme_feed}/programme.ics"),
    ]
    plan = [{"name": n, "role": r, "method": "GET", "path": p} for n, r, p in rows]
    plan += [
        {
            "name": "API: report",
            "role": None,
            "method": "GET",
            "path": f"/api/frictions/{report.pk}/",
            "headers": api,
        },
        {
            "name": "API: list",
            "role": None,
            "method": "GET",
            "path": "/api/frictions/?status=open",
            "headers": api,
        },
        {
            "name": "API: list, a week's changes",
            "role": None,
            "method": "GET",
            "path": "/api/frictions/?" + urlencode({"updated_since": week_ago}),
            "headers": api,
        },
        {
            "name": "API: file a report",
            "role": None,
            "method": "POST",
            "path": "/api/frictions/",
            "headers": api,
            "json": {**API_REPORT, "reporter_email": agent.email},
        },
    ]
    return plan


def measure(page: dict, people: dict[str, User]) -> None:
    """The queries, status and size of one answer, in this process (the load test cannot
    count queries inside gunicorn). Counted as the first view after the programme, the
    roll-ups and the to-do lists changed: what the pages remember in the shared cache
    (core/generations.py) is computed again, so the count is the page's whole work and no
    database reads what another left remembered."""
    generation_bump(PROGRAMME)
    generation_bump(STORED)
    generation_bump(TODOS)
    client = Client()
    if page["role"]:
        client.force_login(people[page["role"]])
    headers = {"HTTP_" + name.upper(): value for name, value in page.get("headers", {}).items()}
    with CaptureQueriesContext(connection) as queries:
        if page["method"] == "POST":
            response = client.post(
                page["path"], json.dumps(page["json"]), content_type="application/json", **headers
            )
        else:
            response = client.get(page["path"], **headers)
    body = b"".join(response) if response.streaming else response.content
    page.update(queries=len(queries), status=response.status_code, bytes=len(body))


def main() -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    people = {role: first_with(role) for role in Role.values}
    plan = pages(people)
    for page in plan:
        measure(page, people)
    json.dump(
        {
            "database": connection.settings_dict["NAME"],
            "people": {role: person.email for role, person in people.items()},
            "pages": plan,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
