"""What every step of the generator shares: the volume asked for, the seeded random source, the
window of time the history covers, and what earlier steps wrote that later ones point at."""

import random
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from core.calendar import org_today, org_zone

from .tables import Tables


@dataclass(frozen=True)
class Volume:
    """How much to write. The defaults are issue 13's and 14's organisation: 1,000 executives,
    10,000 frontline agents, five years (about 290,000 sessions), 500,000 friction reports with
    1.9 million "me too" supports, 1,500 decisions."""

    executives: int = 1_000
    agents: int = 10_000
    years: float = 5
    reports: int = 500_000
    supports: int = 1_900_000
    decisions: int = 1_500
    seed: int = 13


@dataclass
class Written:
    """What a later step needs of an earlier one's rows."""

    activity: dict[str, int] = field(default_factory=dict)
    departments: list[int] = field(default_factory=list)
    teams: list[tuple[int, str]] = field(default_factory=list)  # (id, channel)
    team_agents: dict[int, list[int]] = field(default_factory=dict)
    agents: list[int] = field(default_factory=list)
    executives: list[int] = field(default_factory=list)
    department_of: dict[int, int] = field(default_factory=dict)
    # Chiefs and VPs: who owns reports and decisions, and sits in the weekly review.
    senior: list[int] = field(default_factory=list)
    senior_by_department: dict[int, list[int]] = field(default_factory=dict)
    cx_lead: int = 0
    # Per executive, time-ordered: (time, id) of exposure attended, reflections, journeys.
    exposure: dict[int, list[tuple[datetime, int]]] = field(default_factory=dict)
    reflections: dict[int, list[tuple[datetime, int]]] = field(default_factory=dict)
    journeys: dict[int, list[tuple[datetime, int]]] = field(default_factory=dict)
    # (time, reflection friction id, executive, text), time-ordered: reports filed from them.
    reflection_frictions: list[tuple[datetime, int, int, str]] = field(default_factory=list)
    # (logged at, escalation id, agent who logged it), time-ordered.
    escalations: list[tuple[datetime, int, int]] = field(default_factory=list)
    # The weekly reviews held: (session id, starts_at, ends_at).
    reviews: list[tuple[int, datetime, datetime]] = field(default_factory=list)
    customers: list[int] = field(default_factory=list)
    question_sets: list[tuple[int, list[str]]] = field(default_factory=list)


class Step:
    """One part of the generation; `run` writes its tables through `self.tables`."""

    def __init__(self, *, volume: Volume, tables: Tables, written: Written, rng: random.Random):
        self.volume = volume
        self.tables = tables
        self.written = written
        self.rng = rng
        self.zone = org_zone()
        self.now = timezone.now().replace(microsecond=0)
        self.today = org_today()
        start = self.today - timedelta(days=round(365.25 * volume.years))
        self.first_day = start - timedelta(days=start.weekday())  # a Monday
        self.first = self.at(self.first_day, 0)
        self.span = (self.now - self.first).total_seconds()

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """`day` at `hour` where the organisation is, as UTC (what the database keeps)."""
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone).astimezone(UTC)

    def progress(self, moment: datetime) -> float:
        """How far into the history `moment` is: 0 at its start, 1 now. The programme's story
        (participation rising, answers faster, decisions resting on exposure) follows it."""
        return min(1.0, max(0.0, (moment - self.first).total_seconds() / self.span))

    def days(self, first: date, last: date) -> list[date]:
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def lognormal(self, median: float, sigma: float) -> float:
        return median * self.rng.lognormvariate(0, sigma)


def latest_before(timeline: list[tuple[datetime, int]], moment: datetime) -> int | None:
    """The id of the last entry of a time-ordered `timeline` before `moment`."""
    index = bisect_left(timeline, (moment, -1))
    return timeline[index - 1][1] if index else None


def hour(moment: datetime) -> datetime:
    """To the hour, as reports and supports keep their times (the anonymity promise)."""
    return moment.replace(minute=0, second=0, microsecond=0)


def business_days_after(day: date, days: int) -> date:
    """`days` weekdays after `day` (holidays aside: the committed dates are estimates here)."""
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day
