"""Rotation planning: which sessions to create, move or cancel so executives meet their cadence
targets. Pure Python over plain data; no database, so it can be property-tested and timed.

Rules every plan keeps (tests/test_planner_properties.py holds them over random input):
- no executive is in two overlapping sessions, or in a session on a day of their time off;
- nothing on a weekend or a configured holiday, nothing in the past;
- a host team never hosts more sessions in a week than its weekly capacity;
- the least recently served executive chooses first, so scarce slots go round fairly; Officer of
  the Day shifts are one a day and, among executives who could take every shift asked of them,
  counts differ by at most one;
- a session that is locked (confirmed, or attended) is never moved or cancelled; a re-run over a
  published period keeps every session that is still valid and only changes what must change;
- every target it cannot meet comes back as a shortfall with the reason;
- the same request always gives the same plan.
"""

from .data import (
    GROUP,
    INDIVIDUAL,
    OFFICER_OF_THE_DAY,
    Activity,
    Busy,
    Executive,
    Existing,
    Plan,
    PlanRequest,
    Proposal,
    Shortfall,
    Target,
    Team,
)
from .engine import plan_rotation
from .periods import Bucket, bucket_after, bucket_of, buckets, sessions_needed
from .reasons import (
    REASON_BUSY,
    REASON_NO_CAPACITY,
    REASON_NO_DAY,
    REASON_NO_HOST,
    REASON_NOBODY,
    REASON_PAST,
    REASON_TIME_OFF,
)

__all__ = [
    "GROUP",
    "INDIVIDUAL",
    "OFFICER_OF_THE_DAY",
    "REASON_BUSY",
    "REASON_NOBODY",
    "REASON_NO_CAPACITY",
    "REASON_NO_DAY",
    "REASON_NO_HOST",
    "REASON_PAST",
    "REASON_TIME_OFF",
    "Activity",
    "Bucket",
    "Busy",
    "Executive",
    "Existing",
    "Plan",
    "PlanRequest",
    "Proposal",
    "Shortfall",
    "Target",
    "Team",
    "bucket_after",
    "bucket_of",
    "buckets",
    "plan_rotation",
    "sessions_needed",
]
