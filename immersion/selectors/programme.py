"""Reads about the programme shared by pages, tasks and the metrics app."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from accounts.models import FrontlineTeam, User
from accounts.roles import Role
from accounts.selectors import people_with_role
from core.calendar import days_between, org_today, org_zone
from core.generations import remembered

from .. import planner
from ..models import (
    ActivityType,
    CadenceTarget,
    CalendarFeed,
    Escalation,
    OfficerDesk,
    OfficerDeskTeam,
    Participant,
    Session,
    SwapRequest,
    TimeOff,
)

PERIODS = ("week", "month", "quarter")
# The generation every write to places, sessions, targets, activities, people, departments and
# desks renews (at_risk.at_risk_receivers_connect; bulk writes by hand): what is computed from
# them is remembered under it (core/generations.py).
PROGRAMME = "programme"
# Who is on shift at a desk is remembered for the minute it was asked in; a person's progress
# for an hour at most (keyed by the day, and retired sooner by the generation).
ON_SHIFT_SECONDS = 60
PROGRESS_SECONDS = 3600


def period_bounds(period: str, day: date) -> tuple[planner.Bucket, datetime, datetime]:
    """The week, month or quarter containing `day` and its start and end instants."""
    bucket = planner.bucket_of(period, day)
    zone = org_zone()
    start = datetime.combine(bucket.first, time(0), zone)
    end = datetime.combine(bucket.last + timedelta(days=1), time(0), zone)
    return bucket, start, end


# What a session's row (immersion/_session_row.html) shows, read through a place. The sixty-odd
# other columns of the session, its activity, team and host cost the schedule about 3 ms: Django
# hashes every selected column of an ordered query while compiling it.
_SESSION_ROW = (
    "session__status",
    "session__starts_at",
    "session__ends_at",
    "session__activity_type__name",
    "session__host_team__name",
    "session__host_agent__display_name",
    "session__host_agent__email",
)


def sessions_upcoming(*, person: User, limit: int = 10) -> QuerySet[Participant]:
    """A person's next sessions, soonest first (one running now included). No session lasts
    more than a day, so the (person, starts_at) index is read from yesterday on, not through
    the person's whole history (~9 ms for an executive of five years at issue 14's volume)."""
    now = timezone.now()
    return (
        Participant.objects.filter(
            person=person, is_active=True, starts_at__gt=now - timedelta(days=1), ends_at__gt=now
        )
        .exclude(session__status=Session.Status.CANCELLED)
        .select_related("session__activity_type", "session__host_team", "session__host_agent")
        .only(*_SESSION_ROW)
        .order_by("starts_at")[:limit]
    )


@dataclass
class Progress:
    """Where one person stands against one target in its current period."""

    person: object
    target: CadenceTarget
    period_label: str
    needed: Decimal
    done: Decimal
    planned: Decimal
    quarter: "Progress | None" = None  # the same target, quarter to date (week/month targets)

    @property
    def shortfall(self) -> Decimal:
        return max(Decimal(0), self.needed - self.done - self.planned)

    @property
    def shortfall_label(self) -> str:
        return self.target.quantity(self.shortfall)

    @property
    def needed_label(self) -> str:
        return self.target.quantity(self.needed)

    @property
    def percent_done(self) -> int:
        return min(100, int(self.done * 100 / self.needed)) if self.needed else 100

    @property
    def percent_planned(self) -> int:
        if not self.needed:
            return 0
        return min(100 - self.percent_done, int(self.planned * 100 / self.needed))

    @property
    def percent_scheduled(self) -> int:
        """Done or planned: the length of the lighter bar drawn under the done one."""
        return self.percent_done + self.percent_planned


def _amount(target: CadenceTarget, count: int, duration) -> Decimal:
    if target.unit == CadenceTarget.Unit.HOURS:
        minutes = Decimal((duration or timedelta()).total_seconds()) / 60
        return (minutes / 60).quantize(Decimal("0.01"))
    return Decimal(count)


def targets_for(person: User, targets) -> list[CadenceTarget]:
    """The per-executive targets that apply to `person` (theirs, or everyone's)."""
    return [
        t
        for t in targets
        if t.applies_to == CadenceTarget.AppliesTo.EACH_EXECUTIVE
        and t.department_id in (None, person.department_id)
    ]


def progress_for(*, people, day: date | None = None) -> dict[int, list[Progress]]:
    """Each person's progress against each of their targets in the period containing `day`.

    Done is attended; planned is invited to a session that is not cancelled. Two queries,
    whatever the number of people.
    """
    day = day or org_today()
    people = list(people)
    targets = list(
        CadenceTarget.objects.filter(is_active=True).select_related("activity_type", "department")
    )
    windows = {period: period_bounds(period, day) for period in PERIODS}
    earliest = min(start for _, start, _ in windows.values())
    latest = max(end for _, _, end in windows.values())
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    aggregates = {}
    for period, (_, start, end) in windows.items():
        within = Q(starts_at__gte=start, starts_at__lt=end)
        for state, attendance in (("done", "attended"), ("planned", "invited")):
            match = within & Q(attendance=attendance)
            aggregates[f"{period}_{state}_n"] = Count("pk", filter=match)
            aggregates[f"{period}_{state}_t"] = Sum(length, filter=match)
    rows = (
        Participant.objects.filter(
            person__in=[p.pk for p in people],
            is_active=True,
            starts_at__gte=earliest,
            starts_at__lt=latest,
        )
        .exclude(session__status=Session.Status.CANCELLED)
        .values("person_id", "session__activity_type_id")
        .annotate(**aggregates)
    )
    totals = {(r["person_id"], r["session__activity_type_id"]): r for r in rows}
    result = {}
    quarter = windows["quarter"][0]
    per_quarter = {
        "week": Decimal(round(((quarter.last - quarter.first).days + 1) / 7)),
        "month": Decimal(3),
    }

    def progress(person: User, target, row, period, needed):
        return Progress(
            person=person,
            target=target,
            period_label=windows[period][0].label,
            needed=needed,
            done=_amount(target, row.get(f"{period}_done_n", 0), row.get(f"{period}_done_t")),
            planned=_amount(
                target, row.get(f"{period}_planned_n", 0), row.get(f"{period}_planned_t")
            ),
        )

    for person in people:
        found = []
        for target in targets_for(person, targets):
            row = totals.get((person.pk, target.activity_type_id), {})
            current = progress(person, target, row, target.period, target.amount)
            if target.period in per_quarter:
                current.quarter = progress(
                    person, target, row, "quarter", target.amount * per_quarter[target.period]
                )
            found.append(current)
        result[person.pk] = found
    return result


def progress_of(*, person: User) -> list[Progress]:
    """`person`'s progress against each of their targets today (their home and schedule),
    remembered for the day under the programme's generation, which every change of a place, a
    session, a target or the person renews: its sixteen filtered aggregates were ~5 ms of every
    view."""
    day = org_today()
    return remembered(
        PROGRAMME,
        f"progress:v1:{person.pk}:{day.isoformat()}",
        lambda: progress_for(people=[person], day=day)[person.pk],
        timeout=PROGRESS_SECONDS,
    )


def executives() -> QuerySet:
    """Active people who hold the executive role."""
    return people_with_role(role=Role.EXECUTIVE).select_related("department")


def executive_search(*, q: str, leave_out=(), limit: int = 20) -> tuple[list[User], int]:
    """Up to `limit` executives whose name, title or department holds `q` (the rotation
    builder's search), leaving out those already chosen; and how many match in all."""
    found = (
        executives()
        .filter(
            Q(display_name__icontains=q) | Q(title__icontains=q) | Q(department__name__icontains=q)
        )
        .exclude(pk__in=leave_out)
    )
    return list(found[:limit]), found.count()


def frontline_agents() -> QuerySet:
    """Active frontline agents, by team, to pair executives with."""
    return (
        people_with_role(role=Role.FRONTLINE)
        .select_related("frontline_team")
        .order_by("frontline_team__name", "display_name")
    )


@dataclass
class GroupProgress:
    target: CadenceTarget
    period_label: str
    held: int
    planned: int

    @property
    def shortfall(self) -> int:
        return max(0, int(self.target.amount) - self.held - self.planned)


def programme_progress(*, day: date | None = None) -> list[GroupProgress]:
    """Leadership-team targets (the weekly friction review) in their current period."""
    day = day or org_today()
    found = []
    for target in CadenceTarget.objects.filter(
        is_active=True, applies_to=CadenceTarget.AppliesTo.LEADERSHIP_TEAM
    ).select_related("activity_type"):
        bucket, start, end = period_bounds(target.period, day)
        counts = (
            Session.objects.filter(
                activity_type=target.activity_type, starts_at__gte=start, starts_at__lt=end
            )
            .exclude(status=Session.Status.CANCELLED)
            .aggregate(
                held=Count("pk", filter=Q(ends_at__lte=timezone.now())),
                planned=Count("pk", filter=Q(ends_at__gt=timezone.now())),
            )
        )
        found.append(GroupProgress(target, bucket.label, counts["held"], counts["planned"]))
    return found


def session_for_viewer(*, user: User, pk: int) -> Session | None:
    """A session `user` may open: a participant (now or before), its host agent, or anyone who
    sees the programme. None otherwise, so the page answers 404 rather than confirm it exists."""
    sessions = Session.objects.select_related(
        "activity_type", "host_team", "host_agent", "created_by", "rotation"
    )
    if not (
        user.has_perm("immersion.view_programme") or user.has_perm("immersion.manage_programme")
    ):
        sessions = sessions.filter(Q(participants__person=user) | Q(host_agent=user)).distinct()
    return sessions.filter(pk=pk).first()


def swap_requests_for(*, person: User) -> dict[str, QuerySet[SwapRequest]]:
    """Swap requests a person should see: asked of them, open to anyone, and their own."""
    pending = SwapRequest.objects.filter(
        status=SwapRequest.Status.PENDING, session__starts_at__gt=timezone.now()
    ).select_related("session__activity_type", "requested_by", "offered_to")
    # What the schedule shows of each (the people by name, as __str__ does).
    pending = pending.only(
        "message",
        "session__starts_at",
        "session__activity_type__name",
        "requested_by__display_name",
        "requested_by__email",
        "offered_to__display_name",
        "offered_to__email",
    )
    return {
        "asked_of_me": pending.filter(offered_to=person),
        "open_to_anyone": pending.filter(offered_to__isnull=True).exclude(requested_by=person),
        "mine": pending.filter(requested_by=person),
    }


def time_off_upcoming(*, person: User | None = None) -> QuerySet[TimeOff]:
    """Time off that has not ended yet, for one person or everyone."""
    entries = TimeOff.objects.filter(end_date__gte=org_today()).select_related("person")
    return entries.filter(person=person) if person is not None else entries


def escalations_visible_to(*, user: User) -> QuerySet[Escalation]:
    """Escalations a person may see: all for the CX lead; routed to or logged by them otherwise."""
    escalations = Escalation.objects.select_related(
        "routed_to", "logged_by", "resolved_by", "shift", "desk"
    )
    if user.has_perm("immersion.manage_programme"):
        return escalations
    return escalations.filter(Q(routed_to=user) | Q(logged_by=user))


URGENCY_ORDER = ["critical", "high", "normal", "low"]


def escalations_open_for(*, user: User) -> list[Escalation]:
    """Open escalations `user` may see (`escalations_visible_to`), most urgent first, then
    the longest waiting."""
    return sorted(
        escalations_visible_to(user=user).filter(status=Escalation.Status.OPEN),
        key=lambda e: (URGENCY_ORDER.index(e.urgency), e.logged_at),
    )


def escalations_resolved_for(*, user: User, limit: int = 20) -> QuerySet[Escalation]:
    """The last `limit` resolved escalations `user` may see, newest first."""
    visible = escalations_visible_to(user=user)
    return visible.filter(status=Escalation.Status.RESOLVED).order_by("-resolved_at")[:limit]


def escalations_open_count(*, user: User) -> int:
    """How many open escalations are waiting for `user`."""
    return Escalation.objects.filter(routed_to=user, status=Escalation.Status.OPEN).count()


def feed_owner(*, token: str):
    """The person a calendar address belongs to, or None (an old or made-up address)."""
    feed = CalendarFeed.objects.select_related("person").filter(token=token).first()
    if feed is None or not feed.person.is_active:
        return None
    return feed.person


def _shifts_running(at) -> QuerySet[Participant]:
    # No session lasts more than a day (the activity's constraint, the forms' range), so only a
    # day of places is read, by the index on starts_at: "started, not yet ended" alone read
    # every place ever (50-270 ms at 280,000 sessions).
    return (
        Participant.objects.filter(
            session__activity_type__mode=ActivityType.Mode.OFFICER_OF_THE_DAY,
            session__ends_at__gt=at,
            is_active=True,
            starts_at__gt=at - timedelta(days=1),
            starts_at__lte=at,
            ends_at__gt=at,
        )
        .exclude(session__status=Session.Status.CANCELLED)
        .select_related("person", "session__desk")
    )


def officer_on_shift(*, at=None, desk: OfficerDesk | None = None) -> Participant | None:
    """The active participant of the Officer of the Day shift running at `at` (default now):
    at `desk`'s desk when given (a shift with no desk, made by hand, covers every desk, after
    the desk's own), else the first of any desk. One query."""
    shifts = _shifts_running(at or timezone.now())
    if desk is None:
        return shifts.order_by("starts_at", "pk").first()
    return (
        shifts.filter(Q(session__desk=desk) | Q(session__desk__isnull=True))
        .order_by(F("session__desk").asc(nulls_last=True), "starts_at", "pk")
        .first()
    )


def officers_on_shift(*, at=None) -> list[Participant]:
    """Every Officer of the Day on shift at `at` (default now), one per desk, in desk order.
    One query, whatever the number of desks."""
    return list(
        _shifts_running(at or timezone.now()).order_by(
            F("session__desk").asc(nulls_first=True), "starts_at", "pk"
        )
    )


def officer_desks() -> QuerySet[OfficerDesk]:
    """Every Officer of the Day desk, with its frontline teams' names (two queries)."""
    return OfficerDesk.objects.prefetch_related(
        Prefetch("teams", queryset=FrontlineTeam.objects.order_by("name"))
    )


def _desk_of(team_id: int | None) -> QuerySet[OfficerDesk]:
    return (
        OfficerDesk.objects.filter(is_active=True)
        .annotate(mine=Exists(OfficerDeskTeam.objects.filter(desk=OuterRef("pk"), team_id=team_id)))
        .order_by("-mine", "pk")
    )


def officer_desk_of(*, team_id: int | None) -> OfficerDesk | None:
    """The desk a frontline team escalates to: its own, else the first desk in use (the whole
    organisation's, made by the migration), else None. One query."""
    return _desk_of(team_id).first()


def officer_on_shift_for(*, person: User, at=None) -> Participant | None:
    """The officer on shift at `person`'s desk (officer_desk_of their team), where their
    escalations go now; any officer when there are no desks. One query.

    Asked for now (every home and the escalations page), it is the officer at the start of
    this minute, remembered for the minute under the programme's generation: the same for
    everyone whose escalations go to that desk, and a shift swapped or a desk changed shows at
    once. (Routing an escalation asks `officer_on_shift`, never remembered.)"""
    if at is not None:
        return _officer_on_shift_for(person.frontline_team_id, at)
    minute = timezone.now().replace(second=0, microsecond=0)
    team = person.frontline_team_id
    (found,) = remembered(
        PROGRAMME,
        f"on-shift:v1:{team}:{minute.isoformat()}",
        lambda: (_officer_on_shift_for(team, minute),),  # a tuple: nobody is kept too
        timeout=ON_SHIFT_SECONDS,
    )
    return found


def _officer_on_shift_for(team_id: int | None, at) -> Participant | None:
    shifts = _shifts_running(at)
    desk = Subquery(_desk_of(team_id).values("pk")[:1])
    return (
        shifts.filter(
            Q(session__desk=desk)
            | Q(session__desk__isnull=True)
            | ~Exists(OfficerDesk.objects.filter(is_active=True))
        )
        .order_by(F("session__desk").asc(nulls_last=True), "starts_at", "pk")
        .first()
    )


def time_off_conflicts(*, time_off: TimeOff) -> list[Participant]:
    """Active sessions of the person that fall in their time off (by their own calendar days)."""
    zone = time_off.person.zone
    candidates = Participant.objects.filter(
        person=time_off.person,
        is_active=True,
        starts_at__date__lte=time_off.end_date + timedelta(days=1),
        ends_at__date__gte=time_off.start_date - timedelta(days=1),
    ).select_related("session__activity_type")
    return [
        p
        for p in candidates
        if any(
            time_off.start_date <= day <= time_off.end_date
            for day in days_between(p.starts_at, p.ends_at, zone)
        )
    ]


def escalation_for(*, user: User, pk: int) -> Escalation | None:
    """An escalation `user` may see (`escalations_visible_to`)."""
    return escalations_visible_to(user=user).filter(pk=pk).first()
