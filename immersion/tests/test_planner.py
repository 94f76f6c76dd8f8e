"""The rotation planner on hand-made cases; test_planner_properties.py holds its rules at random."""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from immersion.planner import (
    GROUP,
    INDIVIDUAL,
    OFFICER_OF_THE_DAY,
    REASON_NO_CAPACITY,
    REASON_NO_HOST,
    REASON_PAST,
    REASON_TIME_OFF,
    Activity,
    Busy,
    Executive,
    Existing,
    PlanRequest,
    Target,
    Team,
    bucket_after,
    bucket_of,
    plan_rotation,
    sessions_needed,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday
DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))
LISTENING = Activity(1, INDIVIDUAL, timedelta(hours=1), needs_host=True)
OOTD = Activity(2, OFFICER_OF_THE_DAY, timedelta(hours=8), default_start=time(9))
REVIEW = Activity(3, GROUP, timedelta(hours=1), default_start=time(10))
TWO_HOURS_A_MONTH = Target(Decimal(2), "hours", "month")
ONE_SHIFT_A_MONTH = Target(Decimal(1), "sessions", "month")
WEEKLY_GROUP = Target(Decimal(1), "sessions", "week", applies_to="leadership_team")


def execs(n, **kwargs):
    return [Executive(id=i, time_zone="Europe/London", **kwargs) for i in range(1, n + 1)]


def request(activity, executives, targets, teams=(), **kwargs):
    start, end = kwargs.pop("dates", DECEMBER)
    return PlanRequest(
        activity=activity,
        start_date=start,
        end_date=end,
        executives=list(executives),
        teams=list(teams),
        targets=list(targets),
        now=kwargs.pop("now", NOW),
        org_time_zone="Europe/London",
        **kwargs,
    )


def created(plan):
    return [p for p in plan.proposals if p.action == "create"]


def test_two_hours_of_listening_a_month_is_two_one_hour_sessions_in_team_hours():
    assert sessions_needed(TWO_HOURS_A_MONTH, LISTENING) == 2
    team = Team(id=10, time_zone="Europe/London", weekly_capacity=20)
    plan = plan_rotation(request(LISTENING, execs(3), [TWO_HOURS_A_MONTH], [team]))
    sessions = created(plan)
    assert Counter(p.executive_ids[0] for p in sessions) == {1: 2, 2: 2, 3: 2}
    for p in sessions:
        local = p.start.astimezone(LONDON)
        assert local.weekday() < 5
        assert local.hour >= 9
        assert p.end.astimezone(LONDON).hour <= 17
        assert p.host_team_id == 10
    assert plan.shortfalls == []
    # Spread over the month rather than bunched on its first days.
    days = sorted(p.start.date() for p in sessions if p.executive_ids == (1,))
    assert (days[1] - days[0]).days >= 10


def test_whole_month_of_time_off_is_reported_not_scheduled():
    team = Team(id=10, weekly_capacity=20)
    away = frozenset(date(2026, 12, 1) + timedelta(days=n) for n in range(31))
    executives = [Executive(1, "Europe/London", time_off=away), *execs(2)[1:]]
    plan = plan_rotation(request(LISTENING, executives, [TWO_HOURS_A_MONTH], [team]))
    assert {p.executive_ids[0] for p in created(plan)} == {2}
    (shortfall,) = plan.shortfalls
    assert (shortfall.executive_id, shortfall.needed, shortfall.planned) == (1, 2, 0)
    assert shortfall.reason == REASON_TIME_OFF.format(period="December 2026")


def test_scarce_host_capacity_goes_to_the_least_recently_served_first():
    team = Team(id=10, weekly_capacity=1)
    long_ago = datetime(2026, 1, 5, 10, tzinfo=UTC)
    recently = datetime(2026, 11, 2, 10, tzinfo=UTC)
    executives = [
        Executive(1, "Europe/London", last_served=recently),
        Executive(2, "Europe/London", last_served=long_ago),
        Executive(3, "Europe/London", last_served=None),
    ]
    plan = plan_rotation(request(LISTENING, executives, [TWO_HOURS_A_MONTH], [team]))
    served = [p.executive_ids[0] for p in sorted(created(plan), key=lambda p: p.start)]
    assert len(served) == 5  # five ISO weeks touch December 2026, one session each
    assert served[:3] == [3, 2, 1]  # never served, then longest ago, then most recent
    weeks = Counter(p.start.isocalendar()[:2] for p in created(plan))
    assert max(weeks.values()) == 1
    reasons = {s.reason for s in plan.shortfalls}
    assert reasons == {REASON_NO_CAPACITY.format(period="December 2026")}


def test_sessions_that_need_a_host_and_have_none_are_a_shortfall():
    plan = plan_rotation(request(LISTENING, execs(1), [TWO_HOURS_A_MONTH]))
    assert created(plan) == []
    assert [s.reason for s in plan.shortfalls] == [REASON_NO_HOST]


def test_existing_sessions_and_busy_time_are_avoided():
    team = Team(id=10, weekly_capacity=20)
    meetings = tuple(
        Busy(
            datetime.combine(date(2026, 12, 1) + timedelta(days=n), time(0), LONDON),
            datetime.combine(date(2026, 12, 1) + timedelta(days=n), time(23), LONDON),
        )
        for n in range(20)
    )
    plan = plan_rotation(
        request(
            LISTENING, [Executive(1, "Europe/London", busy=meetings)], [TWO_HOURS_A_MONTH], [team]
        )
    )
    assert all(p.start.date() >= date(2026, 12, 21) for p in created(plan))
    assert len(created(plan)) == 2


def test_officer_of_the_day_one_shift_each_one_a_day_no_weekends_or_holidays():
    christmas = frozenset({date(2026, 12, 24), date(2026, 12, 25)})
    plan = plan_rotation(request(OOTD, execs(12), [ONE_SHIFT_A_MONTH], holidays=christmas))
    shifts = created(plan)
    assert Counter(p.executive_ids[0] for p in shifts) == dict.fromkeys(range(1, 13), 1)
    days = [p.start.astimezone(LONDON).date() for p in shifts]
    assert len(days) == len(set(days))
    assert not christmas & set(days)
    assert all(d.weekday() < 5 for d in days)
    assert all(p.start.astimezone(LONDON).time() == time(9) for p in shifts)
    assert plan.shortfalls == []


def test_officer_of_the_day_can_cover_every_working_day_fairly():
    plan = plan_rotation(request(OOTD, execs(5), [ONE_SHIFT_A_MONTH], cover_every_day=True))
    days = {p.start.date() for p in created(plan)}
    working = {date(2026, 12, 1) + timedelta(days=n) for n in range(31)}
    assert days == {d for d in working if d.weekday() < 5}
    counts = Counter(p.executive_ids[0] for p in created(plan)).values()
    assert max(counts) - min(counts) <= 1


def test_a_group_review_each_week_with_everyone_free():
    executives = execs(4)
    plan = plan_rotation(request(REVIEW, executives, [WEEKLY_GROUP]))
    reviews = created(plan)
    assert len(reviews) == 5  # the five weeks that touch December
    assert all(p.executive_ids == (1, 2, 3, 4) for p in reviews)
    assert all(p.start.astimezone(LONDON).time() == time(10) for p in reviews)


def test_rerunning_a_published_plan_changes_nothing():
    team = Team(id=10, weekly_capacity=3)
    first = plan_rotation(request(LISTENING, execs(4), [TWO_HOURS_A_MONTH], [team]))
    existing = [
        Existing(n, p.executive_ids, p.start, p.end, p.host_team_id)
        for n, p in enumerate(created(first), start=100)
    ]
    booked = Counter(p.start.isocalendar()[:2] for p in created(first))
    again = plan_rotation(
        request(
            LISTENING,
            [
                Executive(
                    e.id,
                    e.time_zone,
                    busy=tuple(
                        Busy(x.start, x.end, x.id) for x in existing if x.executive_ids == (e.id,)
                    ),
                )
                for e in execs(4)
            ],
            [TWO_HOURS_A_MONTH],
            [Team(id=10, weekly_capacity=3, booked={})],
            existing=existing,
        )
    )
    assert again.changes == []
    assert len([p for p in again.proposals if p.action == "keep"]) == sum(booked.values())


def test_rerun_moves_an_unlocked_session_now_on_time_off_and_keeps_a_locked_one():
    team = Team(id=10, weekly_capacity=20)
    monday = datetime(2026, 12, 7, 10, tzinfo=LONDON)
    existing = [
        Existing(1, (1,), monday, monday + timedelta(hours=1), 10, locked=False),
        Existing(2, (2,), monday, monday + timedelta(hours=1), 10, locked=True),
    ]
    away = frozenset({date(2026, 12, 7)})
    executives = [
        Executive(
            1, "Europe/London", time_off=away, busy=(Busy(monday, monday + timedelta(hours=1), 1),)
        ),
        Executive(
            2, "Europe/London", time_off=away, busy=(Busy(monday, monday + timedelta(hours=1), 2),)
        ),
    ]
    plan = plan_rotation(
        request(
            LISTENING,
            executives,
            [Target(Decimal(1), "sessions", "month")],
            [team],
            existing=existing,
        )
    )
    by_session = {p.session_id: p for p in plan.proposals if p.session_id}
    assert by_session[2].action == "keep"
    assert by_session[1].action == "move"
    assert by_session[1].start.date() != date(2026, 12, 7)
    assert by_session[1].previous_start == monday
    assert created(plan) == []


def test_rerun_cancels_sessions_beyond_the_target_latest_first():
    team = Team(id=10, weekly_capacity=20)
    starts = [datetime(2026, 12, d, 10, tzinfo=LONDON) for d in (2, 9, 16)]
    existing = [Existing(n, (1,), s, s + timedelta(hours=1), 10) for n, s in enumerate(starts, 1)]
    executive = Executive(
        1, "Europe/London", busy=tuple(Busy(e.start, e.end, e.id) for e in existing)
    )
    plan = plan_rotation(
        request(LISTENING, [executive], [TWO_HOURS_A_MONTH], [team], existing=existing)
    )
    assert [(p.action, p.session_id) for p in plan.changes] == [("cancel", 3)]


def test_nothing_is_planned_in_the_past():
    plan = plan_rotation(
        request(OOTD, execs(2), [ONE_SHIFT_A_MONTH], now=datetime(2027, 1, 5, tzinfo=UTC))
    )
    assert created(plan) == []
    assert {s.reason for s in plan.shortfalls} == {REASON_PAST.format(period="December 2026")}


def test_the_same_request_gives_the_same_plan():
    team = Team(id=10, weekly_capacity=2)
    one = plan_rotation(request(LISTENING, execs(6), [TWO_HOURS_A_MONTH], [team]))
    two = plan_rotation(request(LISTENING, execs(6), [TWO_HOURS_A_MONTH], [team]))
    assert one.proposals == two.proposals
    assert one.fingerprint() == two.fingerprint()


def test_periods():
    assert bucket_of("week", date(2026, 12, 31)).key == "2026-W53"
    assert bucket_of("month", date(2026, 12, 31)).label == "December 2026"
    january = bucket_after("month", date(2026, 12, 15))
    assert (january.first, january.last) == (date(2027, 1, 1), date(2027, 1, 31))
    spring = bucket_after("quarter", date(2026, 11, 22))
    assert (spring.key, spring.first, spring.last) == (
        "2027-Q1",
        date(2027, 1, 1),
        date(2027, 3, 31),
    )
    quarter = bucket_of("quarter", date(2026, 11, 22))
    assert (quarter.key, quarter.first, quarter.last) == (
        "2026-Q4",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
