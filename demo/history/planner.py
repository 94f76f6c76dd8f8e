"""Planning the history in memory: who takes part when, which reports are answered when, which
decisions are taken and changed. Nothing is written here (writer.py does)."""

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from math import exp
from statistics import NormalDist

from django.conf import settings

from accounts.models import FrontlineTeam, User
from core.calendar import org_today, org_zone
from core.models import Holiday
from frictions.models import FrictionReport
from immersion.models import ActivityType, JourneyTemplate, Participant, Reflection, Session
from metrics.quarters import Quarter

from .story import (
    ACTIVE,
    ANONYMOUS_SHARE,
    ASSESSED,
    CHANGED_AFTER_EXPOSURE,
    DECIDED,
    DECISIONS,
    FADING,
    JOINING,
    JOURNEYS,
    MEDIAN_DAYS,
    OWNERS,
    QUARTERS,
    REJECTED,
    REPORTS,
    REPORTS_CLOSED,
    REVERSED_WITHOUT_EXPOSURE,
    REVIEW_ATTENDANCE,
    REVIEWS_HELD,
    SEED,
    YEARLY_HOLIDAYS,
)


@dataclass
class Place:
    """A place the history fills: who, when, and what they did there."""

    person: User
    attended: bool
    minutes: int | None = None
    interactions: int | None = None


def org_time(day: date, hour: int, minute: int = 0) -> datetime:
    """`day` at `hour`, where the organisation is."""
    return datetime.combine(day, time(hour, minute), tzinfo=org_zone())


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


class Planner:
    """The history planned in memory, quarter by quarter."""

    def __init__(self, *, cx_lead: User, executives: list[User], agents: list[User]):
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not a secret
        self.cx_lead = cx_lead
        self.by_login = {person.email.split("@")[0]: person for person in executives}
        self.joining = [self.by_login[login] for login in JOINING if login in self.by_login]
        self.chiefs = [person for person in executives if person.title.startswith("Chief")]
        self.agents = agents
        self.teams = {team.pk: team for team in FrontlineTeam.objects.all()}
        self.today = org_today()
        self.end = self.today.replace(day=1)  # nothing from the first day of this month on
        self.quarters = Quarter.current().last(QUARTERS)
        self.activity = {a.slug: a for a in ActivityType.objects.all()}
        self.templates = list(
            JourneyTemplate.objects.filter(is_active=True).prefetch_related("steps")
        )
        self.holidays = set(Holiday.objects.values_list("date", flat=True))
        self.sessions: list[tuple[Session, list[Place]]] = []
        self.exposures: dict[int, list[tuple[datetime, Session]]] = {}  # person: attended
        self.host_load: dict[tuple[int, date], int] = {}
        self.officer_days: set[date] = set()
        self.busy: dict[int, list[tuple[datetime, datetime]]] = {}
        self.walked: dict[int, JourneyTemplate] = {}  # id(session): the journey walked in it
        self.decided: list[tuple[int, dict]] = []  # (quarter index, the decision planned)
        self.reflection_of: dict[int, Reflection] = {}  # session id: its reflection, once written
        people = [self.cx_lead, *executives]
        first = self.quarters[0].starts_at - timedelta(days=1)
        for person_id, starts_at, ends_at in Participant.objects.filter(
            person__in=people, is_active=True, ends_at__gt=first
        ).values_list("person_id", "starts_at", "ends_at"):
            self.busy.setdefault(person_id, []).append((starts_at, ends_at))

    # The calendar

    def _days(self, quarter: Quarter, *, whole: bool = False) -> list[date]:
        """The quarter's working days before this month (`whole`: all of them)."""
        last = quarter.next.first_day if whole else min(quarter.next.first_day, self.end)
        days = []
        day = quarter.first_day
        while day < last:
            closed = day in self.holidays or (day.month, day.day) in YEARLY_HOLIDAYS
            if day.weekday() < 5 and not closed:
                days.append(day)
            day += timedelta(days=1)
        return days

    def _share(self, quarter: Quarter) -> float:
        """How much of the quarter lies before this month: all of it but for the current one."""
        return len(self._days(quarter)) / len(self._days(quarter, whole=True))

    def _free(self, person: User, starts_at: datetime, ends_at: datetime) -> bool:
        return all(
            end <= starts_at or start >= ends_at for start, end in self.busy.get(person.pk, [])
        )

    def _session(
        self,
        slug: str,
        starts_at: datetime,
        minutes: int,
        places: list[Place],
        host_team: FrontlineTeam | None = None,
    ) -> Session:
        ends_at = starts_at + timedelta(minutes=minutes)
        session = Session(
            activity_type=self.activity[slug],
            starts_at=starts_at,
            ends_at=ends_at,
            host_team=host_team,
            created_by=self.cx_lead,
        )
        for place in places:
            self.busy.setdefault(place.person.pk, []).append((starts_at, ends_at))
            if place.attended and self.activity[slug].is_exposure:
                self.exposures.setdefault(place.person.pk, []).append((starts_at, session))
        self.sessions.append((session, places))
        return session

    def _book(self, person: User, days: list[date], slug: str, hours: list[int]) -> datetime | None:
        """The first of `days` (in the order given) and `hours` when `person` is free."""
        minutes = self.activity[slug].default_duration_minutes
        for day in days:
            if slug == "officer-of-the-day" and day in self.officer_days:
                continue  # one officer a day
            for hour in hours:
                starts_at = org_time(day, hour)
                if self._free(person, starts_at, starts_at + timedelta(minutes=minutes)):
                    return starts_at
        return None

    def _host(self, day: date) -> FrontlineTeam | None:
        """A team with a listening place left that week (their weekly capacity)."""
        for team in self.rng.sample(list(self.teams.values()), len(self.teams)):
            key = (team.pk, _week(day))
            if self.host_load.get(key, 0) < team.weekly_listener_capacity:
                self.host_load[key] = self.host_load.get(key, 0) + 1
                return team
        return None

    # Participation

    def _fading(self, person: User, index: int) -> bool:
        return person.email.startswith(f"{FADING}@") and index >= QUARTERS - 3

    def _active(self, index: int) -> list[User]:
        return self.joining[: ACTIVE[index]]

    def _exposure(self, index: int, days: list[date]) -> None:
        """Listening every month, Officer of the Day shifts, and journeys, by the active
        executives; one missed listening session for each of the others."""
        progress = index / (QUARTERS - 1)
        active = self._active(index)
        no_monday = [day for day in days if day.weekday() != 0]  # Mondays: the review
        months = sorted({(day.year, day.month) for day in no_monday})
        in_month = {m: [d for d in no_monday if (d.year, d.month) == m] for m in months}
        # How many listen twice in a month and take an Officer of the Day shift is fixed by the
        # quarter's progress; only who and when are drawn, so the trend does not wobble.
        slots = [(p, m) for p in active if not self._fading(p, index) for m in months]
        twice = set(self.rng.sample(slots, round(len(slots) * progress)))
        shifts = set(self.rng.sample(slots, round(len(slots) * (0.15 + 0.55 * progress))))
        for person, month in slots:
            for _ in range(1 + ((person, month) in twice)):
                self._listen(person, in_month[month], progress)
            if (person, month) in shifts:
                self._officer(person, in_month[month], progress)
        for person in active:
            if self._fading(person, index):
                for month in months[: QUARTERS - 1 - index]:  # two months, one, none
                    self._listen(person, in_month[month], progress)
        walking = [p for p in active if not self._fading(p, index)]
        walkers = self.rng.sample(walking, min(JOURNEYS[index], len(walking)))
        if index == QUARTERS - 1:
            # The demo executive walks this quarter's journey in seed_demo's story.
            walkers = [p for p in walkers if p != self.joining[0]]
        for person in walkers:
            self._journey(person, no_monday)
        for person in self.joining[len(active) :]:
            self._listen(person, no_monday, progress, attended=False)

    def _listen(
        self, person: User, days: list[date], progress: float, *, attended: bool = True
    ) -> None:
        starts_at = self._book(person, self.rng.sample(days, len(days)), "call-listening", [10, 14])
        if starts_at is None:
            return
        host = self._host(starts_at.date())
        if host is None:
            return
        place = Place(person, attended)
        if attended:
            place.minutes = min(120, self.rng.randint(35, 50) + int(20 * progress))
            place.interactions = self.rng.randint(2, 4) + int(6 * progress)
        self._session("call-listening", starts_at, 60, [place], host)

    def _officer(self, person: User, days: list[date], progress: float) -> None:
        starts_at = self._book(person, self.rng.sample(days, len(days)), "officer-of-the-day", [9])
        if starts_at is None:
            return
        self.officer_days.add(starts_at.date())
        interactions = self.rng.randint(1, 3) + int(3 * progress)
        self._session(
            "officer-of-the-day", starts_at, 480, [Place(person, True, None, interactions)]
        )

    def _journey(self, person: User, days: list[date]) -> None:
        starts_at = self._book(person, self.rng.sample(days, len(days)), "customer-journey", [13])
        if starts_at is None:
            return
        place = Place(person, True, self.rng.randint(95, 130), self.rng.randint(1, 3))
        session = self._session("customer-journey", starts_at, 120, [place])
        self.walked[id(session)] = self.rng.choice(self.templates)

    def _reviews(self, index: int, days: list[date]) -> None:
        """The weekly friction review, held on the week's first working day when it is held,
        with the chiefs invited and the CX lead there."""
        weeks = sorted({_week(day): day for day in reversed(days)}.items())
        share = REVIEWS_HELD[index]
        for n, (_, day) in enumerate(weeks):
            if int((n + 1) * share) == int(n * share):  # skipped, spread evenly over the quarter
                continue
            starts_at = org_time(day, 10)
            ends_at = starts_at + timedelta(hours=1)
            places = [Place(self.cx_lead, True)]
            for chief in self.chiefs:
                if self._free(chief, starts_at, ends_at):
                    places.append(Place(chief, self.rng.random() < REVIEW_ATTENDANCE[index]))
            if self._free(self.cx_lead, starts_at, ends_at):
                self._session("friction-review", starts_at, 60, places)

    # Friction reports

    def _reports(self, index: int, quarter: Quarter, days: list[date]) -> list[dict]:
        """The reports answered in the quarter, each filed its resolution time earlier."""
        count = round(REPORTS_CLOSED[index] * self._share(quarter))
        # Resolution times spread log-normally around the quarter's median, by quantiles rather
        # than draws, so each quarter's median and 90th percentile are the ones planned.
        spread = NormalDist(0, 0.45)
        times = [MEDIAN_DAYS[index] * exp(spread.inv_cdf((n + 0.5) / count)) for n in range(count)]
        self.rng.shuffle(times)
        reports = []
        for span in times:
            closed_at = org_time(self.rng.choice(days), self.rng.randint(9, 17))
            reports.append(self._report(closed_at, span))
        return reports

    def _report(self, closed_at: datetime, days: float, text=None) -> dict:
        title, area, channel, per_week, severity, policy, description = text or self.rng.choice(
            REPORTS
        )
        days = max(1.0, days)
        created_at = (closed_at - timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
        anonymous = self.rng.random() < ANONYMOUS_SHARE
        reporter = None if anonymous else self.rng.choice(self.agents)
        teams = list(self.teams.values())
        team = (
            self.teams[reporter.frontline_team_id]
            if reporter is not None and reporter.frontline_team_id
            # Phone support files most of the anonymous reports: on the dashboard its funnel
            # shows, the smaller teams' stay hidden (fewer than 5 anonymous reports a quarter).
            else self.rng.choices(teams, [8 if t.channel == "phone" else 1 for t in teams])[0]
        )
        filed = created_at.astimezone(org_zone()).date()
        return {
            "report": FrictionReport(
                title=title,
                description=description,
                area=area,
                channel=channel,
                customers_per_week=per_week,
                severity=severity,
                policy_reference=policy,
                team=team,
                reporter=reporter,
                is_anonymous=anonymous,
                receipt_hash=(
                    hashlib.sha256(self.rng.randbytes(16)).hexdigest() if anonymous else None
                ),
                owner=self.by_login[self.rng.choice(OWNERS[area])],
                acknowledge_by=self._business_days(
                    filed, settings.FRICTION_ACKNOWLEDGE_BUSINESS_DAYS
                ),
                decide_by=filed + timedelta(days=settings.FRICTION_DECIDE_DAYS),
                created_at=created_at,
                closed_at=closed_at,
            ),
            "declined": self.rng.random() < 0.12,
        }

    def _business_days(self, start: date, days: int) -> date:
        day = start
        while days > 0:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in self.holidays:
                days -= 1
        return day

    # The decision log

    def _plan_decisions(self) -> list[tuple[int, dict]]:
        """Which decisions are taken in each quarter, with or without an assessment, and which
        of them are changed in the next one: after exposure, what the decision says is improved
        (the policy modified); without (the second quarter's), it is reversed."""
        approved = iter(DECISIONS)
        rejected = iter(REJECTED)
        plans: list[tuple[int, dict]] = []
        for index, quarter in enumerate(self.quarters):
            days = self._days(quarter)
            if not days:
                continue
            share = self._share(quarter)
            active = [p for p in self._active(index) if not self._fading(p, index)]
            for n in range(round(DECIDED[index] * share)):
                assessed = n < round(ASSESSED[index] * share)
                if assessed:
                    area, title, text, who, effect, changed = next(approved)
                    context = "Raised by the frontline in friction reports and at the review."
                else:
                    area, title, context = next(rejected)
                    text = f"Not taken up: {title[0].lower()}{title[1:]}."
                    who = effect = changed = ""
                owners = [p for p in active if p.email.split("@")[0] in OWNERS[area]]
                owner = owners[0] if owners else self.rng.choice(active)
                # A decision taken with no assessment goes, where there is one, to an executive
                # who has not joined yet: "Is it working?" shows their decisions before they
                # met customers beside those after.
                newcomers = self.joining[ACTIVE[index] :]
                if not assessed and newcomers:
                    owner = newcomers[n % len(newcomers)]
                day = self.rng.choice(days[: max(1, len(days) * 2 // 3)])
                self.decided.append(
                    (
                        index,
                        {
                            "area": area,
                            "title": title,
                            "text": text,
                            "context": context,
                            "who": who,
                            "effect": effect,
                            "changed": changed,
                            "assessed": assessed,
                            "owner": owner,
                            "decided_on": day,
                        },
                    )
                )
        for index, quarter in enumerate(self.quarters):
            days = self._days(quarter)
            if not days:
                continue
            share = self._share(quarter)
            earlier = [d for i, d in self.decided if i == index - 1 and d["assessed"]]
            wanted = round(CHANGED_AFTER_EXPOSURE[index] * share)
            without = REVERSED_WITHOUT_EXPOSURE if index == 1 else 0
            for n, decision in enumerate(earlier[: wanted + without]):
                day = self.rng.choice(days[len(days) // 3 :])
                decision["changed_at"] = org_time(day, 16)
                decision["exposure"] = n >= without
                decision["reversed"] = not decision["exposure"]
                plans.append((index, decision))
        return plans
