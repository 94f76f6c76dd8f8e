"""The planner's rules, held over random teams, time off, holidays and periods (Hypothesis)."""

import itertools
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from immersion.planner import (
    GROUP,
    INDIVIDUAL,
    OFFICER_OF_THE_DAY,
    Activity,
    Busy,
    Executive,
    Existing,
    PlanRequest,
    Target,
    Team,
    bucket_of,
    buckets,
    plan_rotation,
    sessions_needed,
)

ORG = "Europe/London"
ZONES = ["Europe/London", "America/New_York", "Europe/Berlin", "Asia/Singapore"]
FIRST_DAY = date(2026, 11, 30)

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def requests(draw, mode=None):
    mode = mode or draw(st.sampled_from([INDIVIDUAL, OFFICER_OF_THE_DAY, GROUP]))
    start = FIRST_DAY + timedelta(days=draw(st.integers(0, 60)))
    end = start + timedelta(days=draw(st.integers(0, 75)))
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    day_sets = st.sets(st.sampled_from(days), max_size=min(12, len(days)))
    n = draw(st.integers(1, 7))
    executives = []
    for i in range(1, n + 1):
        served = draw(st.none() | st.integers(1, 300))
        executives.append(
            Executive(
                id=i,
                time_zone=draw(st.sampled_from(ZONES)),
                department_id=draw(st.sampled_from([None, 1, 2])),
                last_served=(datetime(2026, 11, 1, tzinfo=UTC) - timedelta(days=served))
                if served
                else None,
                time_off=frozenset(draw(day_sets)),
            )
        )
    if mode == INDIVIDUAL:
        duration = timedelta(minutes=draw(st.sampled_from([30, 60, 90, 120])))
        needs_host = draw(st.booleans())
        targets = [
            Target(
                Decimal(draw(st.integers(1, 3))),
                draw(st.sampled_from(["hours", "sessions"])),
                draw(st.sampled_from(["week", "month", "quarter"])),
                department_id=draw(st.sampled_from([None, None, 1])),
            )
        ]
    elif mode == OFFICER_OF_THE_DAY:
        duration, needs_host = timedelta(hours=8), False
        targets = [Target(Decimal(draw(st.integers(1, 2))), "sessions", "month")]
    else:
        duration, needs_host = timedelta(hours=1), False
        targets = [Target(Decimal(1), "sessions", "week", applies_to="leadership_team")]
    teams = [
        Team(
            id=100 + k,
            time_zone=draw(st.sampled_from(ZONES)),
            weekly_capacity=draw(st.integers(0, 4)),
        )
        for k in range(draw(st.integers(1 if needs_host else 0, 3)))
    ]
    return PlanRequest(
        activity=Activity(1, mode, duration, needs_host=needs_host, default_start=time(9)),
        start_date=start,
        end_date=end,
        executives=executives,
        teams=teams,
        targets=targets,
        now=datetime.combine(
            start - timedelta(days=draw(st.integers(-5, 3))), time(12), ZoneInfo(ORG)
        ),
        holidays=frozenset(draw(day_sets)),
        org_time_zone=ORG,
        cover_every_day=mode == OFFICER_OF_THE_DAY and draw(st.booleans()),
        # Officer of the Day desks: none (one for the whole organisation, as before desks) to 3.
        desks=tuple(range(51, 51 + draw(st.integers(0, 3)))) if mode == OFFICER_OF_THE_DAY else (),
    )


def held(plan):
    return [p for p in plan.proposals if p.action != "cancel"]


def new(plan):
    return [p for p in plan.proposals if p.action in {"create", "move"}]


def local_days(start, end, zone):
    first = start.astimezone(ZoneInfo(zone)).date()
    last = (end - timedelta(microseconds=1)).astimezone(ZoneInfo(zone)).date()
    return {first, last}


@SETTINGS
@given(requests())
def test_nobody_is_double_booked_or_scheduled_on_time_off(r):
    plan = plan_rotation(r)
    people = {e.id: e for e in r.executives}
    by_person = defaultdict(list)
    for p in held(plan):
        for eid in p.executive_ids:
            by_person[eid].append((p.start, p.end))
    for eid, spans in by_person.items():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start, f"executive {eid} double-booked"
    for p in new(plan):
        for eid in p.executive_ids:
            assert not local_days(p.start, p.end, people[eid].time_zone) & people[eid].time_off


@SETTINGS
@given(requests())
def test_nothing_new_in_the_past_on_weekends_holidays_or_outside_the_dates(r):
    plan = plan_rotation(r)
    for p in new(plan):
        assert p.start > r.now
        zone = ORG
        if r.activity.mode == INDIVIDUAL:
            team = {t.id: t for t in r.teams}.get(p.host_team_id)
            zone = (
                team.time_zone
                if team
                else {e.id: e for e in r.executives}[p.executive_ids[0]].time_zone
            )
        day = p.start.astimezone(ZoneInfo(zone)).date()
        assert day.weekday() < 5
        assert day not in r.holidays
        assert r.start_date <= day <= r.end_date


@SETTINGS
@given(requests(mode=INDIVIDUAL))
def test_host_teams_never_host_more_than_their_weekly_capacity(r):
    plan = plan_rotation(r)
    weekly = Counter()
    for p in held(plan):
        if p.host_team_id is not None:
            team = {t.id: t for t in r.teams}[p.host_team_id]
            weekly[(team.id, p.start.astimezone(ZoneInfo(team.time_zone)).isocalendar()[:2])] += 1
    for (team_id, _), count in weekly.items():
        assert count <= {t.id: t for t in r.teams}[team_id].weekly_capacity


@SETTINGS
@given(requests())
def test_every_target_is_met_or_reported(r):
    plan = plan_rotation(r)
    reported = {(s.executive_id, s.period) for s in plan.shortfalls}
    org = ZoneInfo(ORG)
    for target in r.targets:
        need = sessions_needed(target, r.activity)
        period = target.period if r.activity.mode != OFFICER_OF_THE_DAY else "month"
        for b in buckets(period, r.start_date, r.end_date):
            in_bucket = [
                p
                for p in held(plan)
                if bucket_of(period, p.start.astimezone(org).date()).key == b.key
            ]
            if target.applies_to == "leadership_team":
                assert len(in_bucket) >= need or (None, b.label) in reported
                continue
            for e in r.executives:
                if target.department_id not in (None, e.department_id):
                    continue
                mine = [p for p in in_bucket if e.id in p.executive_ids]
                assert len(mine) >= need or (e.id, b.label) in reported, (e.id, b.label)


@SETTINGS
@given(requests(mode=OFFICER_OF_THE_DAY))
def test_officer_of_the_day_is_one_a_day_at_each_desk_and_fair(r):
    plan = plan_rotation(r)
    desk_days = Counter((p.start.astimezone(ZoneInfo(ORG)).date(), p.desk_id) for p in held(plan))
    assert max(desk_days.values(), default=1) == 1
    assert {p.desk_id for p in held(plan)} <= set(r.desks or [None])
    short = {s.executive_id for s in plan.shortfalls}
    if r.cover_every_day:
        # Among executives free every working day of the period, shift counts differ by ≤ 1.
        always_free = [e.id for e in r.executives if not e.time_off and e.id not in short]
        counts = Counter(p.executive_ids[0] for p in held(plan))
        values = [counts[i] for i in always_free]
        if values:
            assert max(values) - min(values) <= 1
    else:
        need = sessions_needed(r.targets[0], r.activity)
        for b in buckets("month", r.start_date, r.end_date):
            counts = Counter(
                p.executive_ids[0]
                for p in held(plan)
                if bucket_of("month", p.start.astimezone(ZoneInfo(ORG)).date()).key == b.key
            )
            assert all(c <= need for c in counts.values())


@SETTINGS
@given(requests(mode=OFFICER_OF_THE_DAY))
def test_every_desk_has_an_officer_every_working_day_when_enough_are_free(r):
    """Covering every day, each desk's shift on each working day still ahead is taken, as long
    as there are at least as many executives free every day (no time off) as desks."""
    r.cover_every_day = True
    plan = plan_rotation(r)
    desks = r.desks or (None,)
    free_every_day = [e for e in r.executives if not e.time_off]
    if len(free_every_day) < len(desks):
        return
    org = ZoneInfo(ORG)
    filled = {(p.start.astimezone(org).date(), p.desk_id) for p in held(plan)}
    day = r.start_date
    while day <= r.end_date:
        starts = datetime.combine(day, r.activity.default_start, org)
        if day.weekday() < 5 and day not in r.holidays and starts > r.now:
            assert {(day, desk) for desk in desks} <= filled, day
        day += timedelta(days=1)


@SETTINGS
@given(requests(mode=OFFICER_OF_THE_DAY))
def test_more_desks_never_leave_more_shifts_unmet(r):
    """A desk adds a shift a day: the same request with one more desk meets at least as much."""
    one_more = PlanRequest(**{**vars(r), "desks": (*(r.desks or (50,)), 99)})
    unmet = sum(s.needed - s.planned for s in plan_rotation(r).shortfalls)
    assert sum(s.needed - s.planned for s in plan_rotation(one_more).shortfalls) <= unmet


@SETTINGS
@given(requests())
def test_the_same_request_gives_the_same_plan(r):
    assert plan_rotation(r).proposals == plan_rotation(r).proposals


def republish(r, plan, *, locked=frozenset(), extra_time_off=frozenset()):
    """The request a re-run over the same period would make after `plan` was published."""
    existing = [
        Existing(
            1000 + n,
            p.executive_ids,
            p.start,
            p.end,
            p.host_team_id,
            locked=n in locked,
            desk_id=p.desk_id,
        )
        for n, p in enumerate(held(plan))
    ]
    executives = [
        Executive(
            e.id,
            e.time_zone,
            e.department_id,
            e.last_served,
            e.time_off | extra_time_off,
            tuple(Busy(x.start, x.end, x.id) for x in existing if e.id in x.executive_ids),
        )
        for e in r.executives
    ]
    teams = [Team(t.id, t.time_zone, t.weekly_capacity) for t in r.teams]
    return (
        PlanRequest(
            activity=r.activity,
            start_date=r.start_date,
            end_date=r.end_date,
            executives=executives,
            teams=teams,
            targets=r.targets,
            now=r.now,
            holidays=r.holidays,
            existing=existing,
            org_time_zone=ORG,
            cover_every_day=r.cover_every_day,
            desks=r.desks,
        ),
        existing,
    )


@SETTINGS
@given(requests())
def test_rerunning_a_published_period_changes_nothing(r):
    again, _ = republish(r, plan_rotation(r))
    assert plan_rotation(again).changes == []


@SETTINGS
@given(requests(), st.data())
def test_locked_sessions_are_never_moved_or_cancelled(r, data):
    plan = plan_rotation(r)
    count = len(held(plan))
    locked = frozenset(data.draw(st.sets(st.integers(0, max(0, count - 1)), max_size=count)))
    away = frozenset(data.draw(st.sets(st.sampled_from([r.start_date, r.end_date]))))
    again, existing = republish(r, plan, locked=locked, extra_time_off=away)
    result = plan_rotation(again)
    kept = {p.session_id for p in result.proposals if p.action == "keep"}
    assert {x.id for x in existing if x.locked} <= kept
