"""How each kind of activity is placed: one executive at a time, one officer a day, or a
group meeting. Mixed into the planner, whose state (engine._PlannerState) they share."""

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from .data import Executive, Shortfall
from .periods import Bucket, buckets, sessions_needed
from .reasons import (
    REASON_BUSY,
    REASON_NO_CAPACITY,
    REASON_NO_DAY,
    REASON_NO_HOST,
    REASON_NOBODY,
    REASON_PAST,
    REASON_TIME_OFF,
    Blocked,
)

WORK_START = 9  # sessions start from 09:00 …
WORK_END = 17  # … and end by 17:00, in the host team's zone (or the executive's)
PREFERRED_LOCAL = (8, 19)  # preferred hours in the executive's own zone
PERIOD_ORDER = ["week", "month", "quarter"]


class IndividualMode:
    """One executive per session, in the host team's (or their own) working hours."""

    def slot_for(self, executive: Executive, days: list[date], offset: int, blocked: Blocked):
        """The first free slot from days[offset] on (wrapping): (start, end, team id) or None.

        First pass: only times inside the executive's own preferred hours; second: any time.
        """
        ordered = days[offset:] + days[:offset]
        for strict in (True, False):
            for day in ordered:
                if self.activity.needs_host:
                    # A slot built on `day` in a team's zone falls in the ISO week of `day`.
                    hosts = self.hosts_with_room(day.isocalendar()[:2])
                    if not hosts:
                        blocked.capacity += 1
                        continue
                else:
                    hosts = [None]
                for team in hosts:
                    zone_name = team.time_zone if team else executive.time_zone
                    preferred = executive.time_zone if strict else None
                    for start, end in self.candidate_times(day, zone_name, preferred):
                        if self.off(executive, start, end):
                            break
                        if not self.free(executive.id, start, end):
                            continue
                        return start, end, team.id if team else None
        return None

    def candidate_times(self, day: date, zone_name: str, preferred_zone: str | None):
        """Start and end of each slot on `day` in working hours in `zone_name`, not yet begun;
        with `preferred_zone`, only those inside that zone's preferred hours. Cached: the same
        few zones and days come up for every executive."""
        key = (day, zone_name, preferred_zone)
        found = self.times_cache.get(key)
        if found is None:
            zone = self.zone(zone_name)
            own = self.zone(preferred_zone) if preferred_zone else None
            duration = self.activity.duration
            found = []
            hour = WORK_START
            while hour * 60 + duration.total_seconds() / 60 <= WORK_END * 60:
                start = datetime.combine(day, time(hour), zone)
                hour += 1
                end = start + duration
                if start <= self.r.now:
                    continue
                if own is not None:
                    local_start = start.astimezone(own).hour
                    local_end = (end - timedelta(minutes=1)).astimezone(own).hour
                    if local_start < PREFERRED_LOCAL[0] or local_end >= PREFERRED_LOCAL[1]:
                        continue
                found.append((start, end))
            self.times_cache[key] = found
        return found

    def hosts_with_room(self, week) -> list:
        """Teams with room left in that ISO week, most room first (spreads load); ties by id.
        Cached per week until a booking in that week changes it."""
        found = self.hosts_cache.get(week)
        if found is None:
            booked = self.team_booked
            found = sorted(
                (t for t in self.teams if t.weekly_capacity - booked[t.id][week] > 0),
                key=lambda t: (booked[t.id][week] - t.weekly_capacity, t.id),
            )
            self.hosts_cache[week] = found
        return found

    def plan_individual(self) -> None:
        if self.activity.needs_host and not self.teams:
            for eid in sorted(self.executives):
                for target in self.targets_for(self.executives[eid]):
                    for b in buckets(target.period, self.r.start_date, self.r.end_date):
                        need = sessions_needed(target, self.activity) - self.count[(eid, b.key)]
                        if need > 0:
                            self.shortfalls.append(Shortfall(eid, b.label, need, 0, REASON_NO_HOST))
            return
        periods = sorted(
            {t.period for t in self.r.targets if t.applies_to == "each_executive"},
            key=PERIOD_ORDER.index,
        )
        work = []
        for period in periods:
            for b in buckets(period, self.r.start_date, self.r.end_date):
                work.append((b.first, PERIOD_ORDER.index(period), period, b))
        for _, _, period, b in sorted(work, key=lambda w: (w[0], w[1])):
            days = self.working_days(b.first, b.last)
            future = [d for d in days if self.day_open(d)]
            wants = {}
            for eid in self.executives:
                wanted = [t for t in self.targets_for(self.executives[eid]) if t.period == period]
                if wanted:
                    need = max(sessions_needed(t, self.activity) for t in wanted)
                    wants[eid] = (need, need - self.count[(eid, b.key)])
            blocked = defaultdict(Blocked)
            # Rounds: everyone's first session before anyone's second, so when slots are scarce
            # they go round in least-recently-served order instead of to the first in line.
            rounds = max((missing for _, missing in wants.values()), default=0)
            for n in range(rounds):
                order = self.lrs_order(wants)
                for position, eid in enumerate(order):
                    need, missing = wants[eid]
                    if n >= missing or not future or (eid in blocked and blocked[eid].stuck):
                        continue
                    # Each executive's sessions evenly through the period, and executives
                    # staggered within each stretch, so they do not all land on its first day.
                    offset = int((n + position / len(order)) * len(future) / missing)
                    slot = self.slot_for(self.executives[eid], future, offset, blocked[eid])
                    if slot is None:
                        blocked[eid].stuck = True
                        continue
                    self.place([eid], *slot)
            for eid in sorted(wants):
                need, _ = wants[eid]
                if self.count[(eid, b.key)] < need:
                    self.shortfalls.append(
                        Shortfall(
                            eid,
                            b.label,
                            need,
                            self.count[(eid, b.key)],
                            self.reason(
                                self.executives[eid], future, b.label, blocked=blocked[eid]
                            ),
                        )
                    )

    def day_open(self, day: date) -> bool:
        """Whether a session can still start on `day` (it is not over yet)."""
        return datetime.combine(day, time(WORK_END), self.org_zone) > self.r.now

    def reason(self, executive, future: list[date], label: str, *, blocked=None, busy=REASON_BUSY):
        """Why an executive's target cannot be met in a period, in a CX lead's words."""
        if not future:
            return REASON_PAST.format(period=label)
        if executive.time_off and all(d in executive.time_off for d in future):
            return REASON_TIME_OFF.format(period=label)
        if blocked is not None and blocked.capacity:
            return REASON_NO_CAPACITY.format(period=label)
        return busy.format(period=label)


NEVER = datetime.min.replace(tzinfo=UTC)  # last served, for who never was


@dataclass
class OfficerQueue:
    """Executives who may take a shift, by officer_key; with `only_needing`, only while their
    target asks for more."""

    heap: list
    only_needing: bool

    def __bool__(self) -> bool:
        return bool(self.heap)


class OfficerOfTheDayMode:
    """One officer a working day at each desk; the fewest shifts given, then the least recently
    served. Several desks (regions, contact centres, lines of business) are what let a large
    organisation give each executive a shift a month: one desk has ~21 shifts a month to share."""

    def shift(self, day: date) -> tuple[datetime, datetime]:
        start = datetime.combine(day, self.activity.default_start, self.org_zone)
        return start, start + self.activity.duration

    def plan_officer_of_the_day(self) -> None:
        desks = list(self.r.desks) or [None]
        targets_by_period = sorted(
            {t.period for t in self.r.targets if t.applies_to == "each_executive"},
            key=PERIOD_ORDER.index,
        )
        period = targets_by_period[0] if targets_by_period else "month"
        for b in buckets(period, self.r.start_date, self.r.end_date):
            days = [d for d in self.working_days(b.first, b.last) if self.shift(d)[0] > self.r.now]
            free = {d: [k for k in desks if (d, k) not in self.shift_days] for d in days}
            needs = {}
            for eid in self.executives:
                wanted = [t for t in self.targets_for(self.executives[eid]) if t.period == period]
                if wanted:
                    need = max(sessions_needed(t, self.activity) for t in wanted)
                    needs[eid] = max(0, need - self.count[(eid, b.key)])
            total = sum(needs.values())
            taken: set = set()
            days = [d for d in days if free[d]]
            if total and days:
                queue = self.officer_queue(needs, only_needing=True)
                # The shifts asked for, spread evenly over the days (so nobody's lands on the
                # period's first days only), each day's desks least served in the period first.
                per_day = Counter(days[(i * len(days)) // total] for i in range(total))
                served = Counter()
                for day in days:
                    chosen = sorted(free[day], key=lambda k: (served[k], desks.index(k)))
                    for desk in chosen[: per_day[day]]:
                        if self.assign_shift(day, desk, queue, needs, taken):
                            served[desk] += 1
                for day in days:  # shifts the spread could not place
                    for desk in free[day]:
                        if not queue:
                            break
                        if (day, desk) not in taken:
                            self.assign_shift(day, desk, queue, needs, taken)
            open_days = [
                d for d in self.working_days(b.first, b.last) if self.shift(d)[0] > self.r.now
            ]
            for eid, left in sorted(needs.items()):
                if left > 0:
                    planned = self.count[(eid, b.key)]
                    reason = self.reason(
                        self.executives[eid], open_days, b.label, busy=REASON_NO_DAY
                    )
                    self.shortfalls.append(Shortfall(eid, b.label, left + planned, planned, reason))
            if self.r.cover_every_day:
                queue = self.officer_queue(needs, only_needing=False)
                for day in days:
                    for desk in free[day]:
                        if (day, desk) not in taken:
                            self.assign_shift(day, desk, queue, needs, taken)

    def officer_key(self, eid: int) -> tuple:
        # Fewest shifts given in this rotation first, then least recently served: comparing
        # only "last served" would favour whoever's planned shift is earliest, again and again.
        return (self.shifts_given[eid], self.last_served.get(eid) or NEVER, eid)

    def officer_queue(self, needs: dict, *, only_needing: bool) -> list:
        """Executives who may take a shift, as a heap in the order they are offered one. A heap,
        not a sort per shift: 50 desks over a year is 13,000 shifts among 1,000 executives."""
        heap = [
            self.officer_key(eid)
            for eid in self.executives
            if not only_needing or needs.get(eid, 0) > 0
        ]
        heapq.heapify(heap)
        return OfficerQueue(heap, only_needing)

    def assign_shift(self, day: date, desk, queue: "OfficerQueue", needs: dict, taken: set) -> bool:
        """The first executive in `queue` free for `desk`'s shift on `day` takes it."""
        start, end = self.shift(day)
        skipped = []
        placed = False
        while queue.heap:
            key = heapq.heappop(queue.heap)
            eid = key[2]
            executive = self.executives[eid]
            if self.off(executive, start, end) or not self.free(eid, start, end):
                skipped.append(key)
                continue
            self.place([eid], start, end, None, desk)
            self.shifts_given[eid] += 1
            taken.add((day, desk))
            self.shift_days.add((day, desk))
            if eid in needs:
                needs[eid] -= 1
            if not queue.only_needing or needs.get(eid, 0) > 0:
                heapq.heappush(queue.heap, self.officer_key(eid))
            placed = True
            break
        for key in skipped:
            heapq.heappush(queue.heap, key)
        return placed


class GroupMode:
    """A meeting of the group, at the time most of them are free."""

    def plan_group(self) -> None:
        for target in self.group_targets():
            need = sessions_needed(target, self.activity)
            for b in buckets(target.period, self.r.start_date, self.r.end_date):
                missing = need - self.count[(None, b.key)]
                for _ in range(max(0, missing)):
                    best = self.best_group_slot(b)
                    if best is None:
                        self.shortfalls.append(
                            Shortfall(
                                None,
                                b.label,
                                need,
                                self.count[(None, b.key)],
                                REASON_NOBODY.format(period=b.label),
                            )
                        )
                        break
                    start, end, people = best
                    self.place(people, start, end, None)

    def best_group_slot(self, b: Bucket):
        best = None
        preferred = self.activity.default_start
        hours = [preferred.hour] + [h for h in range(WORK_START, WORK_END) if h != preferred.hour]
        for day in self.working_days(b.first, b.last):
            for hour in hours:
                start = datetime.combine(
                    day,
                    time(hour, preferred.minute if hour == preferred.hour else 0),
                    self.org_zone,
                )
                end = start + self.activity.duration
                if start <= self.r.now or end.astimezone(self.org_zone).hour > WORK_END:
                    continue
                people = tuple(
                    eid
                    for eid in sorted(self.executives)
                    if not self.off(self.executives[eid], start, end) and self.free(eid, start, end)
                )
                if people and (best is None or len(people) > len(best[2])):
                    best = (start, end, people)
                    if len(people) == len(self.executives):
                        return best
        return best
