"""The planner itself: allocation for individual sessions, shifts and group meetings."""

import zoneinfo
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

from .data import (
    GROUP,
    INDIVIDUAL,
    OFFICER_OF_THE_DAY,
    Executive,
    Existing,
    Plan,
    PlanRequest,
    Proposal,
    Shortfall,
    Target,
    Team,
)
from .modes import GroupMode, IndividualMode, OfficerOfTheDayMode
from .periods import bucket_of, sessions_needed


class _PlannerState:
    """What is booked so far, and the bookkeeping every mode shares."""

    def __init__(self, request: PlanRequest):
        self.r = request
        self.activity = request.activity
        self.org_zone = zoneinfo.ZoneInfo(request.org_time_zone)
        self.zones = {}
        self.times_cache = {}
        self.executives = {e.id: e for e in request.executives}
        self.teams = sorted(request.teams, key=lambda t: t.id)
        self.team_by_id = {t.id: t for t in self.teams}
        self.team_booked = {t.id: defaultdict(int, t.booked) for t in self.teams}
        self.last_served = {e.id: e.last_served for e in request.executives}
        evaluated = {s.id for s in request.existing}
        # executive id -> UTC day -> [(start, end)]: a clash check looks at one or two days.
        self.busy = defaultdict(lambda: defaultdict(list))
        self.hosts_cache = {}  # ISO week -> teams with room, most room first
        for e in request.executives:
            for b in e.busy:
                if b.session_id not in evaluated:
                    self._busy_add(e.id, b.start, b.end)
        self.proposals: list[Proposal] = []
        self.shortfalls: list[Shortfall] = []
        self.count = defaultdict(int, request.counted)  # (executive id | None, bucket key) -> n
        self.to_move = defaultdict(list)  # executive id -> existing sessions needing a new slot

    # Helpers

    def zone(self, name: str):
        if name not in self.zones:
            self.zones[name] = zoneinfo.ZoneInfo(name)
        return self.zones[name]

    def working_days(self, first: date, last: date) -> list[date]:
        first = max(first, self.r.start_date)
        last = min(last, self.r.end_date)
        days = []
        day = first
        while day <= last:
            if day.weekday() < 5 and day not in self.r.holidays:
                days.append(day)
            day += timedelta(days=1)
        return days

    @staticmethod
    def _days(start: datetime, end: datetime):
        first, last = start.astimezone(UTC).date(), end.astimezone(UTC).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def _busy_add(self, executive_id: int, start: datetime, end: datetime) -> None:
        for day in self._days(start, end):
            self.busy[executive_id][day].append((start, end))

    def free(self, executive_id: int, start: datetime, end: datetime) -> bool:
        days = self.busy[executive_id]
        return all(
            end <= s or start >= e for day in self._days(start, end) for s, e in days.get(day, ())
        )

    def off(self, executive: Executive, start: datetime, end: datetime) -> bool:
        if not executive.time_off:
            return False
        zone = self.zone(executive.time_zone)
        first = start.astimezone(zone).date()
        last = (end - timedelta(microseconds=1)).astimezone(zone).date()
        return first in executive.time_off or last in executive.time_off

    def week_of(self, team_id: int | None, start: datetime) -> tuple[int, int]:
        zone = self.zone(self.team_zone(team_id))
        year, week, _ = start.astimezone(zone).isocalendar()
        return (year, week)

    def team_zone(self, team_id):
        team = self.team_by_id.get(team_id)
        return team.time_zone if team else self.r.org_time_zone

    def capacity_left(self, team: Team, start: datetime) -> int:
        return team.weekly_capacity - self.team_booked[team.id][self.week_of(team.id, start)]

    def book(self, executive_ids, start, end, team_id) -> None:
        for eid in executive_ids:
            self._busy_add(eid, start, end)
            if self.last_served.get(eid) is None or self.last_served[eid] < start:
                self.last_served[eid] = start
        if team_id is not None:
            week = self.week_of(team_id, start)
            self.team_booked[team_id][week] += 1
            self.hosts_cache.pop(week, None)

    def unbook(self, executive_ids, start, end, team_id) -> None:
        for eid in executive_ids:
            for day in self._days(start, end):
                self.busy[eid][day].remove((start, end))
        if team_id is not None:
            week = self.week_of(team_id, start)
            self.team_booked[team_id][week] -= 1
            self.hosts_cache.pop(week, None)

    def lrs_order(self, ids) -> list[int]:
        """Least recently served first; never served before all; ties by id."""
        floor = datetime.min.replace(tzinfo=zoneinfo.ZoneInfo("UTC"))
        return sorted(ids, key=lambda i: (self.last_served.get(i) or floor, i))

    def bucket_key_of(self, period: str, start: datetime) -> str:
        return bucket_of(period, start.astimezone(self.org_zone).date()).key

    # Targets

    def targets_for(self, executive: Executive) -> list[Target]:
        return [
            t
            for t in self.r.targets
            if t.applies_to == "each_executive"
            and t.department_id in (None, executive.department_id)
        ]

    def group_targets(self) -> list[Target]:
        return [t for t in self.r.targets if t.applies_to == "leadership_team"]

    # Existing sessions

    def take_in_existing(self) -> None:
        """Keep what is locked, past or still valid; mark the rest to move; drop surplus."""
        for s in sorted(self.r.existing, key=lambda s: (s.start, s.id)):
            people = [i for i in s.executive_ids if i in self.executives]
            if s.locked or s.start <= self.r.now or self.activity.mode == GROUP:
                self.keep(s, people)
                continue
            problem = self.problem_with(s, people)
            if problem:
                for eid in people:
                    self.to_move[eid].append((s, problem))
            else:
                self.keep(s, people)
        if self.activity.mode == INDIVIDUAL:
            self.drop_surplus()

    def problem_with(self, s: Existing, people) -> str:
        for eid in people:
            executive = self.executives[eid]
            if self.off(executive, s.start, s.end):
                return "now on time off"
            if not self.free(eid, s.start, s.end):
                return "now clashes with another session"
        local = s.start.astimezone(self.org_zone).date()
        if local in self.r.holidays or local.weekday() >= 5:
            return "now falls on a holiday"
        if s.host_team_id is not None:
            team = self.team_by_id.get(s.host_team_id)
            if team is not None and self.capacity_left(team, s.start) <= 0:
                return "its host team is now full that week"
        if self.activity.mode == OFFICER_OF_THE_DAY and (local, s.desk_id) in self.shift_days:
            return "another officer already has that desk that day"
        return ""

    def keep(self, s: Existing, people) -> None:
        self.proposals.append(
            Proposal(
                "keep",
                tuple(s.executive_ids),
                s.start,
                s.end,
                s.host_team_id,
                s.id,
                desk_id=s.desk_id,
            )
        )
        self.book(people, s.start, s.end, s.host_team_id)
        if self.activity.mode == OFFICER_OF_THE_DAY:
            self.shift_days.add((s.start.astimezone(self.org_zone).date(), s.desk_id))
        owners = people if self.activity.mode != GROUP else [None]
        for eid in owners:
            for period in {t.period for t in self.r.targets}:
                self.count[(eid, self.bucket_key_of(period, s.start))] += 1

    def drop_surplus(self) -> None:
        """With a single target per executive, sessions beyond it (not locked, not past) go."""
        kept = [p for p in self.proposals if p.action == "keep"]
        by_exec = defaultdict(list)
        for p in kept:
            by_exec[p.executive_ids[0]].append(p)
        existing = {s.id: s for s in self.r.existing}
        for eid, sessions in by_exec.items():
            if eid not in self.executives:
                continue
            targets = self.targets_for(self.executives[eid])
            if len(targets) != 1:
                continue
            target = targets[0]
            need = sessions_needed(target, self.activity)
            groups = defaultdict(list)
            for p in sessions:
                groups[self.bucket_key_of(target.period, p.start)].append(p)
            for key, group in groups.items():
                surplus = self.count[(eid, key)] - need
                movable = [
                    p
                    for p in sorted(group, key=lambda p: p.start, reverse=True)
                    if not existing[p.session_id].locked and p.start > self.r.now
                ]
                for p in movable[: max(0, surplus)]:
                    self.proposals.remove(p)
                    self.unbook([eid], p.start, p.end, p.host_team_id)
                    for period in {t.period for t in self.r.targets}:
                        self.count[(eid, self.bucket_key_of(period, p.start))] -= 1
                    self.proposals.append(
                        Proposal(
                            "cancel",
                            p.executive_ids,
                            p.start,
                            p.end,
                            p.host_team_id,
                            p.session_id,
                            reason="more than the target asks for",
                        )
                    )

    # Placing sessions

    def place(self, executive_ids, start, end, team_id, desk_id=None) -> None:
        """Create a session, or move one that has to move, for these executives (a shift: at
        `desk_id`)."""
        mover = None
        if len(executive_ids) == 1 and self.to_move[executive_ids[0]]:
            mover, _ = self.to_move[executive_ids[0]].pop(0)
        self.book(executive_ids, start, end, team_id)
        if mover is None:
            self.proposals.append(
                Proposal("create", tuple(executive_ids), start, end, team_id, desk_id=desk_id)
            )
        else:
            self.proposals.append(
                Proposal(
                    "move",
                    tuple(executive_ids),
                    start,
                    end,
                    team_id,
                    mover.id,
                    previous_start=mover.start,
                    desk_id=desk_id,
                )
            )
        owners = executive_ids if self.activity.mode != GROUP else [None]
        for eid in owners:
            for period in {t.period for t in self.r.targets}:
                self.count[(eid, self.bucket_key_of(period, start))] += 1

    # Whole plan

    def run(self) -> Plan:
        self.shift_days: set[tuple[date, int | None]] = set()  # (day, desk) with an officer
        self.shifts_given = Counter()
        self.take_in_existing()
        if self.activity.mode == OFFICER_OF_THE_DAY:
            self.plan_officer_of_the_day()
        elif self.activity.mode == GROUP:
            self.plan_group()
        else:
            self.plan_individual()
        for _, leftovers in sorted(self.to_move.items()):
            for s, problem in leftovers:
                self.proposals.append(
                    Proposal(
                        "cancel",
                        s.executive_ids,
                        s.start,
                        s.end,
                        s.host_team_id,
                        s.id,
                        reason=problem,
                        desk_id=s.desk_id,
                    )
                )
        order = {"cancel": 0, "move": 1, "create": 2, "keep": 3}
        self.proposals.sort(key=lambda p: (p.start, order[p.action], p.executive_ids))
        return Plan(self.proposals, self.shortfalls)


class _Planner(IndividualMode, OfficerOfTheDayMode, GroupMode, _PlannerState):
    pass


def plan_rotation(request: PlanRequest) -> Plan:
    """The sessions to create, move and cancel for `request`, and the targets it cannot meet."""
    return _Planner(request).run()
