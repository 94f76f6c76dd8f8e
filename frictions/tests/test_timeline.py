"""A report's timeline stays one page whatever its support count: "me too"s in a row are one
line with their count, and only the newest lines are listed."""

from datetime import timedelta

import pytest
from django.urls import reverse

from frictions.models import FrictionEvent
from frictions.services import friction_report_support
from frictions.services.integrations import api_integration_issue
from frictions.tests.factories import file

pytestmark = pytest.mark.django_db


def supported_by(report, people):
    for person in people:
        friction_report_support(report=report, supporter=person)


def lines(response) -> list[str]:
    """The timeline's lines as the reader sees them, oldest first."""
    return [f"{event.get_kind_display()} x{event.count}" for event in response.context["timeline"]]


def test_me_toos_in_a_row_are_one_line_with_their_count(client, frontline, cx_lead, make_user):
    report, _ = file(frontline)
    start = report.created_at
    kinds = ["supported"] * 3 + ["response"] + ["supported"] * 2

    def event(n, kind):
        named = {"actor": make_user()} if kind == "supported" and n % 2 else {}
        FrictionEvent.objects.create(
            report=report,
            kind=kind,
            text="Pricing team has it." if kind == "response" else "",
            created_at=start + timedelta(hours=n + 1),
            actor_label="" if named else "Anonymous",
            **named,
        )

    for n, kind in enumerate(kinds):
        event(n, kind)
    client.force_login(frontline)
    response = client.get(report.get_absolute_url())
    assert lines(response) == ["Filed x1", "Supported x3", "Response x1", "Supported x2"]
    page = response.content.decode()
    assert "Supported</strong> by 3 people" in page
    assert "Supported</strong> by 2 people" in page
    assert "Pricing team has it." in page


def test_one_me_too_alone_still_names_who_said_it(client, frontline, executive):
    report, _ = file(frontline)
    supported_by(report, [executive])
    client.force_login(frontline)
    response = client.get(report.get_absolute_url())
    assert lines(response) == ["Filed x1", "Supported x1"]
    assert str(executive) in response.content.decode()


def test_only_the_newest_lines_are_listed_and_the_earlier_counted(
    client, frontline, cx_lead, monkeypatch
):
    monkeypatch.setattr("frictions.selectors.reports.TIMELINE_LINES", 3)
    report, _ = file(frontline)
    for n in range(4):
        FrictionEvent.objects.create(
            report=report, kind=FrictionEvent.Kind.INFORMATION, actor=cx_lead, text=f"Note {n}"
        )
    client.force_login(frontline)
    response = client.get(report.get_absolute_url())
    page = response.content.decode()
    assert [event.text for event in response.context["timeline"]] == ["Note 1", "Note 2", "Note 3"]
    assert "2 earlier lines not shown" in page
    assert "Note 0" not in page


def test_the_report_page_is_the_same_size_at_any_support_count(
    client, frontline, leadership, make_user, queries_at_two_sizes
):
    report, _ = file(frontline)
    client.force_login(leadership)
    timeline_lengths = []

    def build(size):
        supported_by(report, [make_user() for _ in range(size - report.supports.count())])
        return report.get_absolute_url()

    def shown(response):
        timeline_lengths.append(len(response.context["timeline"]))
        return response.context["report"].support_count

    queries_at_two_sizes(build, shown, ceiling=12)
    assert timeline_lengths == [2, 2], "the me-toos are one line at both sizes"


def test_the_api_gives_the_count_and_the_timeline_without_a_row_per_support(
    client, frontline, cx_lead, make_user
):
    report, _ = file(frontline)
    token = api_integration_issue(name="Zendesk", by=cx_lead)[1]
    supported_by(report, [make_user() for _ in range(12)])
    body = client.get(
        reverse("api:friction", args=[report.pk]), HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert (body["supporters"], body["affected"]) == (12, 13)
    assert [(line["kind"], line["count"], line["by"]) for line in body["responses"]] == [
        ("Filed", 1, str(frontline)),
        ("Supported", 12, "12 people"),
    ]
