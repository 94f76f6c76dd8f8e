"""Quarters of the calendar year, in the organisation's own time zone: "2026Q3".

Every figure the dashboard shows belongs to one quarter; a quarter starts at midnight on its
first day where the organisation is (core.calendar.org_zone), so a session at 23:30 on 30 June
in Stockholm belongs to Q2 wherever the server runs.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.calendar import org_today, org_zone

# Like every other date here, a range: ten years either side of today.
QUARTER_YEARS = 10
QUARTER_PATTERN = re.compile(r"(\d{4})Q([1-4])")
QUARTER_FORMAT_MESSAGE = "A quarter is written like 2026Q3."
QUARTER_RANGE_MESSAGE = "That quarter is out of range."


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def last_day(self) -> date:
        return self.next.first_day - timedelta(days=1)

    @classmethod
    def stored(cls, text: str) -> "Quarter":
        """A quarter as this class wrote it (a roll-up's), read back without parse's range:
        a roll-up, or a pack mailed for it, must still open when it is ten years old."""
        year, number = text.split("Q")
        return cls(int(year), int(number))

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """ "2026Q3" -> Quarter(2026, 3); anything else, or a year out of range, ValueError."""
        found = QUARTER_PATTERN.fullmatch((text or "").strip().upper())
        if found is None:
            raise ValueError(QUARTER_FORMAT_MESSAGE)
        quarter = cls(int(found[1]), int(found[2]))
        if abs(quarter.year - org_today().year) > QUARTER_YEARS:
            raise ValueError(QUARTER_RANGE_MESSAGE)
        return quarter

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def current(cls) -> "Quarter":
        return cls.of(org_today())

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def next(self) -> "Quarter":
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    @property
    def previous(self) -> "Quarter":
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    @property
    def starts_at(self) -> datetime:
        """Midnight on the quarter's first day, where the organisation is."""
        return datetime.combine(self.first_day, time(0), tzinfo=org_zone())

    @property
    def ends_at(self) -> datetime:
        """The next quarter's start: a quarter is [starts_at, ends_at)."""
        return self.next.starts_at

    def has_ended(self) -> bool:
        return self.next.first_day <= org_today()

    def is_future(self) -> bool:
        return self.first_day > org_today()

    def last(self, count: int) -> list["Quarter"]:
        """The `count` quarters ending with this one, oldest first."""
        quarters = [self]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous)
        return quarters[::-1]
