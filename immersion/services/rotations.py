"""The rotation builder: load what the planner needs, preview its plan, publish it."""

import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import people_with_role
from core.calendar import org_zone
from core.generations import generation_bump
from core.models import Holiday
from core.ranges import date_range_check

from .. import planner
from ..models import (
    ActivityType,
    CadenceTarget,
    OfficerDesk,
    Participant,
    Rotation,
    Session,
    SessionChange,
    TimeOff,
)
from ..selectors.followthrough import todos_changed_for
from ..selectors.programme import PROGRAMME
from .sessions import RACE_MESSAGE, _lock_people, session_cancel, session_reschedule

STALE_MESSAGE = (
    "The schedule changed since this preview (someone booked, swapped or took time off). "
    "Here is the plan as it stands now; check it and publish again."
)
NOTHING_CHOSEN_MESSAGE = "Tick at least one change to publish."


@dataclass
class RotationChoice:
    """What the CX lead chose in the builder."""

    activity_type: ActivityType
    start_date: date
    end_date: date
    executives: list
    host_teams: list = field(default_factory=list)
    cover_every_day: bool = False
    # Officer of the Day: the desks to plan (None: every desk in use).
    desks: list | None = None

    def parameters(self) -> dict:
        return {
            "executives": sorted(e.pk for e in self.executives),
            "host_teams": sorted(t.pk for t in self.host_teams),
            "cover_every_day": self.cover_every_day,
            **({"desks": sorted(d.pk for d in self.desks)} if self.desks is not None else {}),
        }


def _span(choice: RotationChoice, targets) -> tuple[date, date]:
    """From the first to the last day of every target period the dates touch."""
    first, last = choice.start_date, choice.end_date
    for period in {t.period for t in targets} or {"month"}:
        periods = planner.buckets(period, choice.start_date, choice.end_date)
        first, last = min(first, periods[0].first), max(last, periods[-1].last)
    return first, last


def _aware(day: date, zone) -> datetime:
    return datetime.combine(day, time(0), zone)


@dataclass
class _Span:
    """The dates a plan must look at: every target period the chosen dates touch, with a day
    either side for time zones."""

    first: date
    last: date
    start: datetime
    end: datetime


def _span_of(choice: RotationChoice, targets, zone) -> _Span:
    first, last = _span(choice, targets)
    start = _aware(first, zone) - timedelta(days=1)
    end = _aware(last + timedelta(days=1), zone) + timedelta(days=1)
    return _Span(first, last, start, end)


def _existing_sessions(choice: RotationChoice, targets, span: _Span, zone, desk_ids: list[int]):
    """Sessions of the activity in the span: those in the chosen dates as the planner's
    `existing` (attended or confirmed ones locked), those outside counted towards their period.
    A shift with no desk (made by hand) counts as the first desk's. Two queries."""
    activity = choice.activity_type
    # Plain rows, not model instances: a re-run over a published year reads tens of thousands.
    sessions = list(
        Session.objects.filter(
            activity_type=activity, starts_at__lt=span.end, ends_at__gt=span.start
        )
        .exclude(status=Session.Status.CANCELLED)
        .values_list("pk", "starts_at", "ends_at", "host_team_id", "status", "desk_id")
    )
    people_of, attended = defaultdict(list), set()
    for session_id, person_id, attendance in Participant.objects.filter(
        session__activity_type=activity,
        starts_at__lt=span.end,
        ends_at__gt=span.start,
        is_active=True,
    ).values_list("session_id", "person_id", "attendance"):
        people_of[session_id].append(person_id)
        if attendance == Participant.Attendance.ATTENDED:
            attended.add(session_id)
    periods = {t.period for t in targets}
    selected = {e.pk for e in choice.executives}
    existing, counted = [], Counter()
    first_desk = desk_ids[0] if desk_ids else None
    for pk, starts_at, ends_at, host_team_id, status, desk_id in sessions:
        mine = tuple(pid for pid in people_of[pk] if pid in selected)
        if activity.mode != ActivityType.Mode.GROUP and not mine:
            continue
        day = starts_at.astimezone(zone).date()
        if choice.start_date <= day <= choice.end_date:
            locked = status == Session.Status.CONFIRMED or pk in attended
            existing.append(
                planner.Existing(
                    pk, mine, starts_at, ends_at, host_team_id, locked, desk_id or first_desk
                )
            )
        else:
            owners = mine if activity.mode != ActivityType.Mode.GROUP else (None,)
            for owner in owners:
                for period in periods:
                    counted[(owner, planner.bucket_of(period, day).key)] += 1
    return existing, counted


def _busy(exec_ids: list[int], span: _Span) -> dict[int, list[planner.Busy]]:
    """Every executive's other sessions in the span, of any activity. One query."""
    busy = defaultdict(list)
    for pid, start, end, sid in (
        Participant.objects.filter(
            person_id__in=exec_ids, is_active=True, starts_at__lt=span.end, ends_at__gt=span.start
        )
        .exclude(session__status=Session.Status.CANCELLED)
        .values_list("person_id", "starts_at", "ends_at", "session_id")
    ):
        busy[pid].append(planner.Busy(start, end, sid))
    return busy


def _days_off(exec_ids: list[int], choice: RotationChoice) -> dict[int, set[date]]:
    """Every executive's days of time off around the chosen dates. One query."""
    time_off = defaultdict(set)
    for pid, first, last in TimeOff.objects.filter(
        person_id__in=exec_ids,
        start_date__lte=choice.end_date + timedelta(days=1),
        end_date__gte=choice.start_date - timedelta(days=1),
    ).values_list("person_id", "start_date", "end_date"):
        time_off[pid].update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return time_off


def _last_served(choice: RotationChoice, zone) -> dict[int, datetime]:
    """When each person last had a session of the activity before the chosen dates (the planner
    serves the longest-rested first). One query."""
    # No person_id IN (…) here: with a thousand ids SQLite probes the index once per session and
    # id (24 million lookups for a year); one row per person comes back either way.
    return dict(
        Participant.objects.filter(
            is_active=True,
            session__activity_type=choice.activity_type,
            starts_at__lt=_aware(choice.start_date, zone),
        )
        .exclude(session__status=Session.Status.CANCELLED)
        .values("person_id")
        .annotate(last=Max("starts_at"))
        .values_list("person_id", "last")
    )


def _host_teams(choice: RotationChoice, span: _Span, evaluated: set[int]) -> list[planner.Team]:
    """The chosen host teams with the listeners each already has booked per ISO week (sessions
    the plan re-evaluates left out). One query."""
    if not choice.activity_type.needs_host_team:
        return []
    booked = defaultdict(Counter)
    team_zones = {t.pk: zoneinfo.ZoneInfo(t.time_zone) for t in choice.host_teams}
    for team_id, sid, start in (
        Session.objects.filter(
            host_team_id__in=list(team_zones), starts_at__lt=span.end, ends_at__gt=span.start
        )
        .exclude(status=Session.Status.CANCELLED)
        .values_list("host_team_id", "pk", "starts_at")
    ):
        if sid not in evaluated:
            booked[team_id][start.astimezone(team_zones[team_id]).isocalendar()[:2]] += 1
    return [
        planner.Team(t.pk, t.time_zone, t.weekly_listener_capacity, dict(booked[t.pk]))
        for t in choice.host_teams
    ]


def _desks(choice: RotationChoice) -> list[int]:
    """Officer of the Day: the desks to plan, in their order (every desk in use unless some
    were chosen). One query, none for other activities."""
    if not choice.activity_type.is_officer_of_the_day:
        return []
    if choice.desks is not None:
        return sorted(d.pk for d in choice.desks)
    return list(
        OfficerDesk.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    )


def rotation_request_build(*, choice: RotationChoice, now: datetime | None = None):
    """The planner's input for `choice`, read in a fixed number of queries (eight; an Officer
    of the Day rotation reads its desks instead of host teams), whatever the number of
    executives, sessions, desks or days."""
    activity = choice.activity_type
    zone = org_zone()
    exec_ids = [e.pk for e in choice.executives]
    targets = list(CadenceTarget.objects.filter(activity_type=activity, is_active=True))
    span = _span_of(choice, targets, zone)
    desk_ids = _desks(choice)
    existing, counted = _existing_sessions(choice, targets, span, zone, desk_ids)
    busy = _busy(exec_ids, span)
    time_off = _days_off(exec_ids, choice)
    last_served = _last_served(choice, zone)
    teams = _host_teams(choice, span, {e.id for e in existing})
    return planner.PlanRequest(
        activity=planner.Activity(
            activity.pk,
            activity.mode,
            timedelta(minutes=activity.default_duration_minutes),
            activity.needs_host_team,
            activity.default_start_time,
        ),
        start_date=choice.start_date,
        end_date=choice.end_date,
        executives=[
            planner.Executive(
                e.pk,
                e.time_zone or "UTC",
                e.department_id,
                last_served.get(e.pk),
                frozenset(time_off[e.pk]),
                tuple(busy[e.pk]),
            )
            for e in choice.executives
        ],
        teams=teams,
        targets=[
            planner.Target(t.amount, t.unit, t.period, t.applies_to, t.department_id)
            for t in targets
        ],
        now=now or timezone.now(),
        holidays=frozenset(
            Holiday.objects.filter(
                date__gte=choice.start_date, date__lte=choice.end_date
            ).values_list("date", flat=True)
        ),
        existing=existing,
        counted=dict(counted),
        org_time_zone=settings.TIME_ZONE,
        cover_every_day=choice.cover_every_day and activity.is_officer_of_the_day,
        desks=tuple(desk_ids),
    )


def rotation_preview(*, choice: RotationChoice) -> planner.Plan:
    """What publishing `choice` would create, move and cancel, and what it cannot meet."""
    date_range_check(start_date=choice.start_date, end_date=choice.end_date)
    return planner.plan_rotation(rotation_request_build(choice=choice))


def _host_agents(team_ids) -> dict[int, list]:
    """Frontline agents of each team, least recently hosting first (never first), to pair
    executives with an agent in turn."""
    agents = defaultdict(list)
    for agent in (
        people_with_role(role=Role.FRONTLINE)
        .filter(frontline_team_id__in=team_ids)
        .annotate(hosted=Max("hosted_sessions__starts_at"))
        .order_by(F("hosted").asc(nulls_first=True), "pk")
    ):
        agents[agent.frontline_team_id].append(agent)
    return agents


@transaction.atomic
def rotation_publish(
    *, choice: RotationChoice, include: set[str], fingerprint: str, by: User
) -> Rotation:
    """Apply the chosen changes of a previewed plan, all or none.

    The plan is made again inside the transaction; if it differs from the preview the CX lead
    saw (its fingerprint), nothing is written and they are shown the new plan.
    """
    date_range_check(start_date=choice.start_date, end_date=choice.end_date)
    _lock_people(choice.executives)
    plan = planner.plan_rotation(rotation_request_build(choice=choice))
    if plan.fingerprint() != fingerprint:
        raise ValidationError(STALE_MESSAGE, code="stale")
    chosen = [p for p in plan.changes if p.key in include]
    if not chosen:
        raise ValidationError(NOTHING_CHOSEN_MESSAGE, code="empty")
    rotation = Rotation.objects.create(
        activity_type=choice.activity_type,
        start_date=choice.start_date,
        end_date=choice.end_date,
        parameters=choice.parameters(),
        published_by=by,
        shortfalls=[
            {
                "executive": s.executive_id,
                "period": s.period,
                "needed": s.needed,
                "planned": s.planned,
                "reason": s.reason,
            }
            for s in plan.shortfalls
        ],
    )
    try:
        with transaction.atomic():
            _apply(rotation, chosen, by)
    except IntegrityError as exc:
        raise ValidationError(RACE_MESSAGE, code="race") from exc
    return rotation


def _apply(rotation: Rotation, chosen, by: User) -> None:
    """Write the chosen changes: new sessions in bulk (a year of them is tens of thousands),
    moves and cancellations through the same rules as a CX lead's own (session_reschedule,
    session_cancel), so every participant is checked again and told through the feed."""
    sessions = _create_sessions(rotation, [p for p in chosen if p.action == "create"], by)
    moved = cancelled = 0
    for p in chosen:
        if p.action == "move":
            session = session_reschedule(
                session=Session(pk=p.session_id),
                starts_at=p.start,
                ends_at=p.end,
                by=by,
                reason="rotation",
            )
            Session.objects.filter(pk=session.pk).update(
                host_team_id=p.host_team_id, desk_id=p.desk_id, rotation=rotation
            )
            moved += 1
        elif p.action == "cancel":
            session_cancel(session=Session(pk=p.session_id), by=by, reason=f"rotation: {p.reason}")
            cancelled += 1
    rotation.created_count, rotation.moved_count, rotation.cancelled_count = (
        len(sessions),
        moved,
        cancelled,
    )
    rotation.save(update_fields=["created_count", "moved_count", "cancelled_count"])


def _create_sessions(rotation: Rotation, creates, by: User) -> list[Session]:
    """New sessions of the plan with their places and history, a few bulk inserts in all; each
    session with a host team gets that team's agents in turn, least recently hosting first."""
    agents = _host_agents({p.host_team_id for p in creates if p.host_team_id})
    turn = Counter()
    sessions = []
    for p in creates:
        pool = agents.get(p.host_team_id) or [None]
        agent = pool[turn[p.host_team_id] % len(pool)]
        turn[p.host_team_id] += 1
        sessions.append(
            Session(
                activity_type=rotation.activity_type,
                starts_at=p.start,
                ends_at=p.end,
                host_team_id=p.host_team_id,
                host_agent=agent,
                desk_id=p.desk_id,
                rotation=rotation,
                created_by=by,
            )
        )
    Session.objects.bulk_create(sessions)
    generation_bump(PROGRAMME)  # bulk_create sends no post_save
    places = Participant.objects.bulk_create(
        Participant(session=s, person_id=pid, starts_at=s.starts_at, ends_at=s.ends_at)
        for s, p in zip(sessions, creates, strict=True)
        for pid in p.executive_ids
    )
    todos_changed_for(place.person_id for place in places)  # a new place ends on its own
    SessionChange.objects.bulk_create(
        SessionChange(
            session=s,
            kind=SessionChange.Kind.CREATED,
            changed_by=by,
            to_value=f"by the rotation of {rotation.published_at:%d %b %Y}",
        )
        for s in sessions
    )
    return sessions
