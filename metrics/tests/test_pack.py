"""The printable quarterly pack (/metrics/pack/): one section a page, what each section shows,
who may read it; and its e-mail when beat closes a quarter: one outbox row per reader of the
dashboard, once, with the figures, the links and both CSV files attached.

Today is 26 November 2026 (2026Q4) unless a test moves the clock.
"""

import csv
import io
import os
import re
import time
from datetime import UTC, datetime
from email.header import decode_header, make_header
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory
from core.testing import skip_unless_postgresql
from metrics.definitions import figure_metrics
from metrics.exports import BOM
from metrics.models import QuarterRollup
from metrics.notices import (
    PACK_TITLE,
    QUARTERLY_PACK,
    ROLLUP_GONE_REASON,
    quarterly_pack_notify,
)
from metrics.quarters import QUARTER_FORMAT_MESSAGE, Quarter
from metrics.services import quarter_close
from metrics.tasks import rollup_current_quarter
from metrics.tests.figures import ORG, Q3_ORG, Q4_ORG, listening, store, store_organisation_of
from metrics.views.exports import FUTURE_MESSAGE, NO_EXECUTIVES_MESSAGE, NOT_COMPUTED_MESSAGE
from notifications.models import Notification
from notifications.services import notification_send, preferences_save
from notifications.tasks import send_notification

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
URL = "/metrics/pack/"
SECTIONS = [
    "pack-cover",
    "pack-participation",
    "pack-outcomes",
    "decisions-heading",
    "funnel-heading",
    "themes-growing-heading",
    "pack-compliance",
    "pack-executives",
]
PACK_CSS = Path(settings.BASE_DIR) / "static" / "css" / "metrics-pack.css"


@pytest.fixture
def today(request):
    ticking = "celery_worker" in request.fixturenames
    with time_machine.travel(NOW, tick=ticking) as traveller:
        yield traveller


@pytest.fixture
def stored(today, make_user):
    ops = DepartmentFactory(name="Operations")
    ana = make_user(roles=[Role.EXECUTIVE], department=ops, display_name="Ana Ortiz")
    target = listening()
    store("2026Q3", {ORG: {**Q3_ORG, target: 0.5}}, closed=True)
    store(
        "2026Q4",
        {
            ORG: {**Q4_ORG, target: 1.0},
            ("department", ops.pk): {"exposure_hours": 4.0, target: 0.5},
            ("executive", ana.pk): {"exposure_hours": 4.0, target: 1.25},
        },
    )
    return {"ops": ops, "ana": ana}


def sections(html: str) -> list[str]:
    """The id each pack page's section is labelled by, in order, for <section class="pack-page">."""
    return re.findall(r'<section class="pack-page[^"]*" aria-labelledby="([^"]+)"', html)


@pytest.mark.parametrize("role", ["leadership", "cx_lead"])
def test_the_pack_has_one_section_a_page_in_order(client, user_for_role, role, stored):
    client.force_login(user_for_role(role))
    page = client.get(URL, {"quarter": "2026Q4"})
    assert page.status_code == 200
    html = page.content.decode()
    assert sections(html) == SECTIONS
    assert "css/metrics-pack.css" in html
    assert "Quarterly pack: 2026Q4" in html
    # The screen's links and buttons are marked so that printing leaves them out.
    assert 'class="pack-toolbar d-print-none' in html
    assert "/metrics/export/metrics.csv?quarter=2026Q4" in html
    assert "/metrics/export/executives.csv?quarter=2026Q4" in html


def test_the_print_rules_start_each_section_on_a_new_page_and_leave_out_the_navigation():
    css = PACK_CSS.read_text()
    printed = css[css.index("@media print") :]
    assert re.search(r"\.pack-page \{\s*break-after: page;", printed)
    assert re.search(r"\.pack-page:last-child \{\s*break-after: auto;", printed)
    hidden = printed[: printed.index("display: none")]
    for selector in ("body > header", "body > footer", ".pack-toolbar"):
        assert selector in hidden


def test_the_pack_shows_each_figure_with_its_change_and_what_it_counts(client, leadership, stored):
    client.force_login(leadership)
    page = client.get(URL, {"quarter": "2026Q4"})
    cards = {c["key"]: (c["value"], c["change"]) for c in page.context["participation"]}
    cards |= {c["key"]: (c["value"], c["change"]) for c in page.context["outcomes"]}
    assert len(cards) == len(figure_metrics())
    assert cards["exposure_hours"] == ("12.5 hours", "+2.5 hours")
    assert cards["journey_completion"] == ("63%", "+13 points")
    assert cards["decisions_with_impact_assessment"] == ("no figure", None)
    assert cards["resolution_days_median"] == ("3.0 days", "\N{MINUS SIGN}1.3 days")
    html = page.content.decode()
    assert "+2.5 hours on 2026Q3" in html
    assert html.count("What is counted:") == len(figure_metrics())
    assert "Hours executives spent with customers" in html
    assert "The quarter was still running then" in html


def test_the_pack_shows_compliance_by_department_and_every_executive(client, leadership, stored):
    client.force_login(leadership)
    page = client.get(URL, {"quarter": "2026Q4"})
    assert page.context["departments"] == ["Operations"]
    rows = {r["label"]: r["cells"] for r in page.context["compliance"]}
    assert rows["2 hours of Call listening a month, each executive"] == ["100%", "50%"]
    (ana,) = page.context["executives"]
    assert (ana["name"], ana["department"]) == ("Ana Ortiz", "Operations")
    labels = [c.label for c in page.context["columns"]]
    cells = dict(zip(labels, ana["cells"], strict=True))
    assert cells["Hours in direct customer interaction"] == "4.0 hours"
    assert cells["2 hours of Call listening a month, each executive"] == "125%"
    assert "Ana Ortiz" in page.content.decode()


def test_a_closed_quarter_with_no_executives_says_so(client, leadership, today):
    store("2026Q3", {ORG: Q3_ORG}, closed=True)
    client.force_login(leadership)
    html = client.get(URL, {"quarter": "2026Q3"}).content.decode()
    assert "The quarter is closed: these are its final figures." in html
    assert NO_EXECUTIVES_MESSAGE.format(quarter="2026Q3") in html
    assert sections(html) == SECTIONS


@pytest.mark.parametrize("role", ["executive", "frontline"])
def test_executives_and_frontline_agents_may_not_read_the_pack(client, user_for_role, role, stored):
    client.force_login(user_for_role(role))
    assert client.get(URL).status_code == 403


def test_the_pack_of_a_malformed_quarter_is_not_found(client, leadership, today):
    client.force_login(leadership)
    page = client.get(URL, {"quarter": "2026Q5"})
    assert page.status_code == 404
    assert page.context["exception"] == QUARTER_FORMAT_MESSAGE


def test_the_pack_of_a_future_or_uncomputed_quarter_is_a_plain_message(client, leadership, today):
    client.force_login(leadership)
    future = client.get(URL, {"quarter": "2027Q1"})
    assert future.status_code == 200
    html = future.content.decode()
    assert FUTURE_MESSAGE.format(quarter="2027Q1") in html
    assert sections(html) == []
    assert "export/metrics.csv" not in html
    missing = client.get(URL)
    assert NOT_COMPUTED_MESSAGE.format(quarter="2026Q4") in missing.content.decode()


def test_the_pack_reads_the_same_queries_however_many_departments_and_executives(
    client, leadership, make_user, queries_at_two_sizes, today
):
    client.force_login(leadership)

    def build(size):
        store_organisation_of(size, make_user)
        return f"{URL}?quarter=2026Q4"

    def shown(page):
        return (len(page.context["executives"]), len(page.context["departments"]))

    queries_at_two_sizes(build, shown, ceiling=15, sizes=(2, 8))


# The e-mail when a quarter closes


@pytest.fixture
def readers(make_user):
    """Who reads the dashboard (leadership, the CX lead), and who does not."""
    return {
        "ceo": make_user(roles=[Role.LEADERSHIP], email="ceo@example.com", display_name="Cleo"),
        "cfo": make_user(roles=[Role.LEADERSHIP], email="cfo@example.com"),
        "lead": make_user(roles=[Role.CX_LEAD], email="lead@example.com"),
        "both": make_user(roles=[Role.CX_LEAD, Role.LEADERSHIP], email="both@example.com"),
        "gone": make_user(roles=[Role.LEADERSHIP], email="gone@example.com", is_active=False),
        "exec": make_user(roles=[Role.EXECUTIVE], email="exec@example.com"),
        "agent": make_user(roles=[Role.FRONTLINE], email="agent@example.com"),
    }


def packs() -> list[tuple[str, str, str, str]]:
    return list(
        Notification.objects.filter(kind=QUARTERLY_PACK)
        .order_by("recipient__email")
        .values_list("recipient__email", "title", "url", "occasion")
    )


def test_closing_a_quarter_writes_one_pack_per_reader_of_the_dashboard_once(readers):
    # 2 October 2026, 02:15 in Stockholm: beat's first run since 2026Q3 ended.
    with time_machine.travel(datetime(2026, 10, 2, 0, 15, tzinfo=UTC), tick=False):
        assert rollup_current_quarter() == ["2026Q3", "2026Q4"]
        pack = ("Proximity quarterly pack: 2026Q3", "/metrics/pack/?quarter=2026Q3", "2026Q3")
        assert packs() == [
            (email, *pack)
            for email in [
                "both@example.com",
                "ceo@example.com",
                "cfo@example.com",
                "lead@example.com",
            ]
        ]
        rollup = QuarterRollup.objects.get(quarter="2026Q3")
        assert rollup.closed
        assert {n.subject_id for n in Notification.objects.all()} == {rollup.pk}
        # The next night leaves the closed quarter alone; closing it again writes no second pack.
        assert rollup_current_quarter() == ["2026Q4"]
        quarter_close(quarter=Quarter(2026, 3))
        assert len(packs()) == 4
    # Written at night, and not urgent: held by the quiet hours until 08:00 in their own zone.
    for row in Notification.objects.select_related("recipient"):
        assert row.send_after.astimezone(row.recipient.zone).hour == 8


def test_a_quarter_closed_by_hand_before_beat_still_has_its_pack_sent_in_its_first_week(
    readers,
):
    # The CX lead ran `manage.py rollup --quarter 2026Q3` on 1 October: closed, no pack.
    with time_machine.travel(datetime(2026, 10, 1, 9, tzinfo=UTC), tick=False):
        call_command("rollup", "--quarter", "2026Q3", stdout=io.StringIO())
        assert QuarterRollup.objects.get(quarter="2026Q3").closed
        assert packs() == []
    # Beat's next run sends it, once.
    with time_machine.travel(datetime(2026, 10, 2, 0, 15, tzinfo=UTC), tick=False):
        assert rollup_current_quarter() == ["2026Q4"]
        rollup_current_quarter()
    assert [q for _, _, _, q in packs()] == ["2026Q3"] * 4
    # A reader who arrives after the first week is not mailed an old pack.
    with time_machine.travel(datetime(2026, 10, 20, 0, 15, tzinfo=UTC), tick=False):
        late = type(readers["ceo"]).objects.create_user(email="late@example.com", password="x")
        late.groups.add(*readers["ceo"].groups.all())
        rollup_current_quarter()
    assert len(packs()) == 4


def test_refreshing_a_running_quarter_writes_no_pack(readers, today):
    rollup_current_quarter()
    assert QuarterRollup.objects.get(quarter="2026Q4").closed is False
    assert [q for _, _, _, q in packs()] == ["2026Q3"] * 4, "only the quarter that closed"
    quarter_close(quarter=Quarter(2026, 4))
    assert [q for _, _, _, q in packs()] == ["2026Q3"] * 4


def open_pack(person) -> Notification:
    return Notification.objects.get(kind=QUARTERLY_PACK, recipient=person)


def attachments(message) -> dict[str, list[list[str]]]:
    """{file name: rows}. Django keeps a text/* attachment as text once it decodes as UTF-8."""
    found = {}
    for name, content, _ in message.attachments:
        text = content if isinstance(content, str) else content.decode()
        assert text.startswith(BOM)
        found[name] = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    return found


def test_the_pack_mail_has_the_figures_the_links_and_both_csv_files(readers, stored):
    store_q3 = QuarterRollup.objects.get(quarter="2026Q3")
    quarterly_pack_notify(rollup=store_q3)
    row = open_pack(readers["ceo"])
    Notification.objects.filter(pk=row.pk).update(send_after=NOW)

    assert notification_send(pk=row.pk) == "sent 1"

    (message,) = mail.outbox
    assert message.to == ["ceo@example.com"]
    assert (
        message.subject
        == PACK_TITLE.format(quarter="2026Q3")
        == ("Proximity quarterly pack: 2026Q3")
    )
    site = settings.SITE_URL.rstrip("/")
    assert f"{site}/metrics/pack/?quarter=2026Q3" in message.body
    assert f"{site}/metrics/?quarter=2026Q3" in message.body
    assert "Hello Cleo," in message.body
    assert "- Hours in direct customer interaction: 10.0 hours" in message.body
    assert "- Executives who completed the quarter's journey exercise: 50%" in message.body
    (html, kind) = message.alternatives[0]
    assert kind == "text/html"
    assert f'href="{site}/metrics/pack/?quarter=2026Q3"' in html
    assert re.search(r"Hours in direct customer interaction</th>\s*<td[^>]*>10.0 hours</td>", html)
    files = attachments(message)
    assert sorted(files) == ["proximity-2026Q3-executives.csv", "proximity-2026Q3-metrics.csv"]
    assert {t for _, _, t in message.attachments} == {"text/csv"}
    metrics = files["proximity-2026Q3-metrics.csv"]
    hours = next(r for r in metrics if r[3] == "exposure_hours")
    assert hours[:1] + hours[6:] == ["2026Q3", "10.0", ""], "2026Q2 was never computed"
    # 2026Q3 stored no executive: the table has its header only.
    assert len(files["proximity-2026Q3-executives.csv"]) == 1


def test_the_pack_mail_changes_are_on_the_quarter_before(readers, stored):
    quarterly_pack_notify(rollup=QuarterRollup.objects.get(quarter="2026Q4"))
    row = open_pack(readers["cfo"])
    Notification.objects.filter(pk=row.pk).update(send_after=NOW)
    notification_send(pk=row.pk)
    (message,) = mail.outbox
    assert "- Hours in direct customer interaction: 12.5 hours (+2.5 hours on 2026Q3)" in (
        message.body
    )
    (executives,) = [r for n, r in attachments(message).items() if "executives" in n]
    assert [row[1] for row in executives[1:]] == ["Ana Ortiz"]


def test_the_pack_mail_is_a_kind_people_may_turn_off(readers, stored):
    preferences_save(person=readers["lead"], choices={QUARTERLY_PACK: False})
    quarterly_pack_notify(rollup=QuarterRollup.objects.get(quarter="2026Q3"))
    row = open_pack(readers["lead"])
    Notification.objects.filter(pk=row.pk).update(send_after=NOW)
    assert notification_send(pk=row.pk) == "skipped"
    assert mail.outbox == []
    row.refresh_from_db()
    assert row.reason == "They turned this kind of e-mail off."


def test_a_pack_whose_figures_were_removed_is_not_sent(readers, stored):
    rollup = QuarterRollup.objects.get(quarter="2026Q3")
    quarterly_pack_notify(rollup=rollup)
    row = open_pack(readers["ceo"])
    Notification.objects.filter(pk=row.pk).update(send_after=NOW)
    rollup.delete()
    assert notification_send(pk=row.pk) == "skipped"
    row.refresh_from_db()
    assert row.reason == ROLLUP_GONE_REASON


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
@pytest.mark.django_db(transaction=True)
def test_the_worker_mails_the_pack_with_its_files_through_smtp(
    celery_worker, smtp_server, make_user, today
):
    # The worker thread writes the row while this test reads it: SQLite's shared in-memory
    # test database refuses that ("table is locked").
    skip_unless_postgresql()
    ceo = make_user(roles=[Role.LEADERSHIP], email="ceo@example.com")
    store("2026Q3", {ORG: Q3_ORG}, closed=True)
    quarterly_pack_notify(rollup=QuarterRollup.objects.get(quarter="2026Q3"))
    row = open_pack(ceo)
    Notification.objects.filter(pk=row.pk).update(send_after=NOW)

    send_notification.delay(row.pk)

    (received,) = smtp_server.wait_for(1)
    assert received["to"] == ["ceo@example.com"]
    message = received["message"]
    assert str(make_header(decode_header(message["Subject"]))) == (
        "Proximity quarterly pack: 2026Q3"
    )
    parts = {part.get_filename(): part for part in message.walk() if part.get_filename()}
    assert sorted(parts) == ["proximity-2026Q3-executives.csv", "proximity-2026Q3-metrics.csv"]
    metrics = parts["proximity-2026Q3-metrics.csv"].get_payload(decode=True).decode()
    assert "exposure_hours" in metrics
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    assert "/metrics/pack/?quarter=2026Q3" in text.get_payload(decode=True).decode()
    deadline = time.monotonic() + 5  # the worker commits "sent" just after the server's 250
    while Notification.objects.get(pk=row.pk).status != Notification.Status.SENT:
        assert time.monotonic() < deadline, "the row was never marked sent"
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("role", "listed"),
    [("leadership", True), ("cx_lead", True), ("executive", False), ("frontline", False)],
)
def test_only_those_the_pack_is_sent_to_see_it_in_their_preferences(
    client, user_for_role, role, listed
):
    client.force_login(user_for_role(role))

    html = client.get(reverse("notifications:list")).content.decode()

    assert ("The quarterly pack, when a quarter closes" in html) is listed
