"""Target periods (weeks, months, quarters) and what a target asks for in one."""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from .data import Activity, Target


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    first: date
    last: date


@lru_cache(maxsize=8192)
def bucket_of(period: str, day: date) -> Bucket:
    """The week (Monday first), month or quarter that contains `day`."""
    if period == "week":
        first = day - timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        return Bucket(
            f"{year}-W{week:02d}", f"the week of {first:%d %b}", first, first + timedelta(6)
        )
    if period == "month":
        first = day.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return Bucket(f"{day:%Y-%m}", f"{day:%B %Y}", first, nxt - timedelta(days=1))
    quarter = (day.month - 1) // 3
    first = date(day.year, quarter * 3 + 1, 1)
    nxt = (first + timedelta(days=95)).replace(day=1)
    return Bucket(
        f"{day.year}-Q{quarter + 1}", f"Q{quarter + 1} {day.year}", first, nxt - timedelta(1)
    )


def bucket_after(period: str, day: date) -> Bucket:
    """The week, month or quarter after the one containing `day`."""
    return bucket_of(period, bucket_of(period, day).last + timedelta(days=1))


def buckets(period: str, start: date, end: date) -> list[Bucket]:
    """Every period of the given length that overlaps [start, end], in order."""
    found = []
    day = start
    while day <= end:
        bucket = bucket_of(period, day)
        found.append(bucket)
        day = bucket.last + timedelta(days=1)
    return found


def sessions_needed(target: Target, activity: Activity) -> int:
    """Sessions of this activity it takes to meet the target in one period."""
    if target.unit == "hours":
        minutes = target.amount * 60
        return math.ceil(minutes / Decimal(activity.duration.total_seconds() / 60))
    return math.ceil(target.amount)
