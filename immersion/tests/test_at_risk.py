"""Who will miss a target, computed by the database: the same executives and shortfalls as each
person's progress (progress_for), largest shortfall first, in pages; the home page counts them."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.services import user_deactivate
from accounts.tests.factories import DepartmentFactory
from core.calendar import org_today, org_zone
from core.generations import generation_bump
from immersion.models import CadenceTarget, Participant, Session
from immersion.selectors import at_risk, at_risk_count, at_risk_rows, executives, progress_for
from immersion.selectors.programme import PROGRAMME
from immersion.services.followthrough import attendance_record
from immersion.services.sessions import session_cancel, session_create
from immersion.tests.factories import SessionFactory, activity

pytestmark = pytest.mark.django_db


def _place(person, slug, *, minutes=60, hour=9, attended=False, **session):
    """`person` in a session of `slug` today (inside this week, month and quarter)."""
    starts_at = datetime.combine(org_today(), time(hour), org_zone())
    made = SessionFactory(
        people=[person],
        activity_type=activity(slug),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        **session,
    )
    if attended:
        Participant.objects.filter(session=made).update(attendance="attended")
    return made


def _by_hand():
    """The shortfalls as each person's progress gives them, in the page's order."""
    rows = [
        p
        for person_rows in progress_for(people=executives()).values()
        for p in person_rows
        if p.shortfall > 0
    ]
    rows.sort(
        key=lambda p: (
            -p.shortfall / p.needed,
            p.person.display_name,
            p.target.activity_type.name,
            p.person.pk,
        )
    )
    return [(p.person.pk, p.target.pk, p.done, p.planned, p.shortfall) for p in rows]


@pytest.fixture
def programme(make_user):
    sales = DepartmentFactory(name="Sales")
    CadenceTarget.objects.create(
        activity_type=activity("customer-calls"),
        amount=Decimal(2),
        unit="sessions",
        period="quarter",
        applies_to="each_executive",
        department=sales,
    )
    people = {
        name: make_user(roles=[Role.EXECUTIVE], display_name=name, department=department)
        for name, department in [
            ("Ada Idle", None),
            ("Ben Busy", None),
            ("Cleo Cancelled", None),
            ("Dan Sales", sales),
            ("Eve Swapped", None),
        ]
    }
    busy = people["Ben Busy"]
    # Two hours of listening exactly: 50 minutes attended, 70 planned; not at risk.
    _place(busy, "call-listening", minutes=50, hour=8, attended=True)
    _place(busy, "call-listening", minutes=70, hour=10)
    _place(busy, "customer-journey", hour=13)
    _place(people["Cleo Cancelled"], "call-listening", minutes=120, status="cancelled")
    _place(people["Dan Sales"], "customer-calls", attended=True)
    _place(people["Dan Sales"], "call-listening", minutes=50, attended=True, hour=14)
    swapped = _place(people["Eve Swapped"], "call-listening", minutes=120)
    Participant.objects.filter(session=swapped).update(is_active=False)
    return people


def test_the_database_finds_the_same_shortfalls_as_each_persons_progress(programme):
    rows = at_risk()
    assert [(p.person.pk, p.target.pk, p.done, p.planned, p.shortfall) for p in rows] == (
        _by_hand()
    )
    listening = {p.person.display_name: p for p in rows if p.target.unit == "hours"}
    assert "Ben Busy" not in listening  # 50 + 70 minutes make the two hours
    assert listening["Dan Sales"].shortfall == Decimal("1.17")
    # A cancelled session and a place given away count for nothing.
    assert listening["Cleo Cancelled"].done + listening["Cleo Cancelled"].planned == 0
    assert listening["Eve Swapped"].shortfall == 2
    sales_calls = [p for p in rows if p.target.department_id]
    assert [(p.person.display_name, p.shortfall) for p in sales_calls] == [("Dan Sales", 1)]
    assert at_risk_count() == len(rows)


def test_at_risk_pages_keep_the_order_and_refuse_no_page_number(
    client, cx_lead, programme, settings
):
    client.force_login(cx_lead)
    whole = [(p.person.pk, p.target.pk) for p in at_risk_rows()[:]]
    per_page = 3
    settings.PAGE_SIZE = per_page
    first = client.get(reverse("immersion:at_risk"))
    pages = first.context["page"].paginator.num_pages
    assert pages == -(-len(whole) // per_page) > 1
    assert f"Page 1 of {pages}" in first.content.decode()
    seen = []
    for number in range(1, pages + 1):
        response = client.get(reverse("immersion:at_risk"), {"page": number})
        seen += [(p.person.pk, p.target.pk) for p in response.context["rows"]]
    assert seen == whole
    last = client.get(reverse("immersion:at_risk"), {"page": "999"})
    assert last.status_code == 200
    assert last.context["page"].number == pages
    not_a_number = client.get(reverse("immersion:at_risk"), {"page": "x" * 10_000})
    assert not_a_number.status_code == 404


def test_home_counts_what_the_at_risk_page_lists(client, cx_lead, programme):
    client.force_login(cx_lead)
    listed = client.get(reverse("immersion:at_risk")).context["page"].paginator.count
    home = client.get(reverse("home"))
    assert home.context["at_risk"] == listed > 0
    assert f"<strong>{listed}</strong> targets at risk" in home.content.decode()


def test_home_says_everyone_is_on_track_when_nobody_is_short(client, cx_lead):
    CadenceTarget.objects.update(is_active=False)
    client.force_login(cx_lead)
    assert "Every executive is on track." in client.get(reverse("home")).content.decode()
    assert at_risk() == []


@pytest.mark.parametrize("name", ["immersion:at_risk", "home"])
def test_at_risk_takes_the_same_queries_for_more_executives(
    client, cx_lead, make_user, queries_at_two_sizes, name
):
    client.force_login(cx_lead)

    def build(size):
        for n in range(size):
            person = make_user(roles=[Role.EXECUTIVE])
            _place(person, "call-listening", minutes=30 + n % 60, attended=n % 2 == 0)
        return reverse(name)

    def shown(response):
        if name == "home":
            return response.context["at_risk"]
        return response.context["page"].paginator.count

    queries_at_two_sizes(build, shown, ceiling=30, sizes=(3, 12))


def test_a_session_moved_out_of_the_period_no_longer_counts(cx_lead, make_user):
    person = make_user(roles=[Role.EXECUTIVE], display_name="Moved Away")
    session = _place(person, "customer-journey", attended=True)
    assert person.pk not in {p.person.pk for p in at_risk() if p.target.period == "quarter"}
    later = timezone.now() + timedelta(days=200)
    Session.objects.filter(pk=session.pk).update(
        starts_at=later, ends_at=later + timedelta(hours=1)
    )
    Participant.objects.filter(session=session).update(
        starts_at=later, ends_at=later + timedelta(hours=1)
    )
    generation_bump(PROGRAMME)  # as every write that sends no signal must
    assert person.pk in {p.person.pk for p in at_risk() if p.target.period == "quarter"}


def test_the_remembered_count_follows_the_programme_as_people_change_it(
    client, cx_lead, programme, django_capture_on_commit_callbacks
):
    """The rows are kept in the shared cache until the programme changes: each write below goes
    through the service a person's click runs, and the home page's next figure has it."""
    client.force_login(cx_lead)

    def home_figure() -> int:
        return client.get(reverse("home")).context["at_risk"]

    before = home_figure()
    assert home_figure() == before == len(_by_hand())
    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(user=programme["Ada Idle"], by=cx_lead)
    fewer = home_figure()
    assert fewer == len(_by_hand()) < before

    starts_at = datetime.combine(org_today(), time(16), org_zone())
    with django_capture_on_commit_callbacks(execute=True):
        session = session_create(
            activity_type=activity("call-listening"),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            participants=[programme["Eve Swapped"]],
            created_by=cx_lead,
            allow_past=True,
        )
    assert home_figure() == len(_by_hand()) == fewer - 1

    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=session, by=cx_lead)
    assert home_figure() == len(_by_hand()) == fewer
    listed = client.get(reverse("immersion:at_risk")).context["page"].paginator.count
    assert listed == fewer


def test_an_executives_home_shows_their_progress_at_once_after_a_change(
    client, make_user, cx_lead, django_capture_on_commit_callbacks
):
    """The executive's own progress is remembered for the day: attending a session (confirmed
    through the service) and a new target both show on their next view of home."""
    person = make_user(roles=[Role.EXECUTIVE])
    session = _place(person, "call-listening", minutes=60, hour=0)
    client.force_login(person)

    def done(page="home") -> dict[str, Decimal]:
        progress = client.get(reverse(page)).context["progress"]
        return {p.target.activity_type.slug: p.done for p in progress}

    before = done()
    assert done() == before
    assert before.get("call-listening") == 0
    with django_capture_on_commit_callbacks(execute=True):
        attendance_record(
            participant=session.participants.get(),
            attended=True,
            minutes=None,
            interactions=None,
            by=cx_lead,
        )
    assert done()["call-listening"] > 0
    assert done("immersion:schedule")["call-listening"] > 0
    with django_capture_on_commit_callbacks(execute=True):
        CadenceTarget.objects.filter(activity_type__slug="call-listening").update(is_active=False)
        generation_bump(PROGRAMME)  # as every write that sends no signal must
    assert "call-listening" not in done()
    assert "call-listening" not in done("immersion:schedule")
