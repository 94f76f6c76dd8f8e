"""What the planner takes in and gives back: plain data, no database."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

INDIVIDUAL = "individual"
GROUP = "group"
OFFICER_OF_THE_DAY = "officer_of_the_day"


@dataclass(frozen=True)
class Activity:
    id: int
    mode: str
    duration: timedelta
    needs_host: bool = False
    default_start: time = time(9)


@dataclass(frozen=True)
class Busy:
    start: datetime
    end: datetime
    session_id: int | None = None


@dataclass
class Executive:
    id: int
    time_zone: str = "UTC"
    department_id: int | None = None
    last_served: datetime | None = None
    time_off: frozenset = frozenset()
    busy: tuple = ()


@dataclass
class Team:
    id: int
    time_zone: str = "UTC"
    weekly_capacity: int = 4
    booked: dict = field(default_factory=dict)  # (iso year, iso week) -> sessions already hosted


@dataclass(frozen=True)
class Target:
    amount: Decimal
    unit: str  # "hours" | "sessions"
    period: str  # "week" | "month" | "quarter"
    applies_to: str = "each_executive"  # | "leadership_team"
    department_id: int | None = None


@dataclass(frozen=True)
class Existing:
    """A session of this activity already in the period, as the database has it."""

    id: int
    executive_ids: tuple
    start: datetime
    end: datetime
    host_team_id: int | None = None
    locked: bool = False
    desk_id: int | None = None  # Officer of the Day shifts: the desk it covers


@dataclass
class PlanRequest:
    activity: Activity
    start_date: date
    end_date: date
    executives: list
    teams: list
    targets: list
    now: datetime
    holidays: frozenset = frozenset()
    existing: list = field(default_factory=list)
    # Sessions of this activity outside the dates but inside a target period that overlaps them:
    # (executive id or None for the group, bucket key) -> count.
    counted: dict = field(default_factory=dict)
    org_time_zone: str = "UTC"
    cover_every_day: bool = False
    # Officer of the Day: the desks that each need an officer every working day (ids, in the
    # order they are served). None of them: one desk for the whole organisation, as before desks.
    desks: tuple = ()


@dataclass(frozen=True)
class Proposal:
    action: str  # "create" | "move" | "cancel" | "keep"
    executive_ids: tuple
    start: datetime
    end: datetime
    host_team_id: int | None = None
    session_id: int | None = None
    previous_start: datetime | None = None
    reason: str = ""
    desk_id: int | None = None

    @property
    def key(self) -> str:
        if self.action == "create":
            people = "-".join(str(i) for i in self.executive_ids)
            return f"new-{people}-{self.start:%Y%m%dT%H%M%z}"
        return f"{self.action}-{self.session_id}"


@dataclass(frozen=True)
class Shortfall:
    executive_id: int | None
    period: str
    needed: int
    planned: int
    reason: str


@dataclass
class Plan:
    proposals: list
    shortfalls: list

    @property
    def changes(self) -> list:
        return [p for p in self.proposals if p.action != "keep"]

    def fingerprint(self) -> str:
        """Identifies the changes; publishing checks the plan did not change since its preview."""
        digest = hashlib.sha256()
        for p in sorted(self.changes, key=lambda p: p.key):
            digest.update(
                f"{p.key}|{p.start.isoformat()}|{p.end.isoformat()}|{p.host_team_id}|"
                f"{p.executive_ids}|{p.desk_id}\n".encode()
            )
        return digest.hexdigest()[:16]
