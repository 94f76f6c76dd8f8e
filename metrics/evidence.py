"""Is it working? The evidence that executives' time with customers changes decisions (seed
000: "evidence that executive exposure to customer reality changes organizational behavior,
not merely that executives participate"), and the fade it warns of ("the insights generated
fade as operational pressures reassert themselves").

Definitions, each written once here:

- An executive's participation started with their FIRST ATTENDED SESSION: the earliest start
  of a session, of any activity, not cancelled, in which their place is active and confirmed
  attended. Someone with none has not started; all their decisions are "before".
- A decision is before or after by its decision date (`decided_on`, a day in the
  organisation's calendar) against the day participation started: the same day counts as
  after. A change (changed or reversed: `changed_at`) is before or after by its own moment,
  so a decision taken before the programme and changed after it counts its change after.
- The lag from a friction report to the decision it led to (FrictionReport.decision): whole
  days, in the organisation's calendar, from the day the report was filed to the decision's
  day — its `decided_on` when that is on or after the filing, else the day it was changed
  (`changed_at`) when that is; a report pointing at a decision taken and last changed before
  it was filed led to nothing new and is not counted. A lag belongs to the quarter of the
  decision's day.
- Fading participation: hours in direct customer interaction (the stored exposure_hours of
  each executive) fell two quarters running, q-2 > q-1 > q, where q is the chosen quarter
  if it has ended, else the one before it (a quarter still running always looks like a
  fall). Judged only when all three quarters have a roll-up; an executive a roll-up holds no
  hours for did none (0).
- A change undone: a decision whose outcome check (recorded when its review-by date came)
  found the change it made undone, things back to how they were (Decision.outcome_verdict
  REVERTED). Flagged in the quarter the check was recorded. Not flagged: a decision its owner
  reversed (that is a change, counted as one), a check that found it held or partly held.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, F, Min, OuterRef, Q, QuerySet, Subquery, When
from django.db.models import DateField as DateFieldType
from django.db.models.functions import TruncDate, TruncQuarter

from accounts.models import User
from core.calendar import org_zone
from core.generations import remembered
from frictions.models import Decision, FrictionReport
from frictions.selectors import decisions_with_exposure
from immersion.models import Participant, Session
from immersion.selectors.programme import PROGRAMME

from .definitions import executives
from .formatting import figure_text
from .medians import dates_apart, grouped_medians, median
from .models import QuarterFigure, QuarterRollup
from .quarters import Quarter
from .selectors import STORED

Scope = QuarterFigure.Scope

# How many quarters of friction-to-decision lag the evidence page shows.
LAG_QUARTERS = 4
ASSESSED = ~Q(impact_who="") & ~Q(impact_effect="")


def _attended_places() -> QuerySet[Participant]:
    return Participant.objects.filter(
        is_active=True, attendance=Participant.Attendance.ATTENDED
    ).exclude(session__status=Session.Status.CANCELLED)


def participation_started(*, people: list[int]) -> dict[int, object]:
    """{executive id: when their first attended session started} for those of `people` who
    attended one: one grouped query."""
    rows = (
        _attended_places()
        .filter(person__in=people)
        .values("person")
        .order_by("person")
        .annotate(first=Min("starts_at"))
    )
    return {row["person"]: row["first"] for row in rows}


@dataclass(frozen=True)
class Side:
    """An executive's decisions on one side of the day their participation started."""

    decided: int
    assessed: int
    changed_after_exposure: int

    @property
    def assessed_share(self) -> float | None:
        """Decisions with a customer-impact assessment, of those decided; None with none."""
        return self.assessed / self.decided if self.decided else None

    @property
    def assessed_text(self) -> str:
        """The share as the pages show it ("63%", rounded half up), "no figure" with none."""
        return figure_text(self.assessed_share, "share")


@dataclass(frozen=True)
class BeforeAfter:
    executive: User
    started: object  # a datetime, or None: participation has not started
    before: Side
    after: Side


def before_and_after(*, people: list[User]) -> list[BeforeAfter]:
    """For each of `people` (executives: one page of the list), the decisions they own before
    and after their participation started (the module's definitions): how many were decided,
    how many of those had a customer-impact assessment (who is affected and the expected
    effect, as definitions.decisions_with_impact_assessment counts it), and how many changes
    rested on customer exposure from before the change (frictions.selectors
    .decisions_with_exposure). Two grouped queries whatever the number of decisions."""
    started = participation_started(people=[p.pk for p in people])
    first = Subquery(
        _attended_places()
        .filter(person=OuterRef("owner"))
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    decisions = decisions_with_exposure(
        Decision.objects.filter(owner__in=[p.pk for p in people])
    ).annotate(started=first, started_day=TruncDate("started", tzinfo=org_zone()))
    not_started = Q(started__isnull=True)
    decided_before = Q(decided_on__isnull=False) & (
        not_started | Q(decided_on__lt=F("started_day"))
    )
    decided_after = Q(decided_on__gte=F("started_day"))
    changed = Q(changed_after_exposure=True)
    changed_before = changed & (not_started | Q(changed_at__lt=F("started")))
    changed_after = changed & Q(changed_at__gte=F("started"))
    rows = {
        row.pop("owner"): row
        for row in decisions.values("owner")
        .order_by("owner")
        .annotate(
            decided_before=Count("pk", filter=decided_before),
            assessed_before=Count("pk", filter=decided_before & ASSESSED),
            changed_before=Count("pk", filter=changed_before),
            decided_after=Count("pk", filter=decided_after),
            assessed_after=Count("pk", filter=decided_after & ASSESSED),
            changed_after=Count("pk", filter=changed_after),
        )
    }
    found = []
    for person in people:
        row = rows.get(person.pk, {})
        sides = {
            side: Side(
                decided=row.get(f"decided_{side}", 0),
                assessed=row.get(f"assessed_{side}", 0),
                changed_after_exposure=row.get(f"changed_{side}", 0),
            )
            for side in ("before", "after")
        }
        found.append(BeforeAfter(executive=person, started=started.get(person.pk), **sides))
    return found


def _lags() -> QuerySet[FrictionReport]:
    """Reports that led to a decision, each annotated with the decision's `day` (None when the
    decision was taken and last changed before the report) and the filing `filed_day`."""
    zone = org_zone()
    return (
        FrictionReport.objects.filter(decision__isnull=False)
        .annotate(
            filed_day=TruncDate("created_at", tzinfo=zone),
            changed_day=TruncDate("decision__changed_at", tzinfo=zone),
        )
        .annotate(
            day=Case(
                When(decision__decided_on__gte=F("filed_day"), then=F("decision__decided_on")),
                When(changed_day__gte=F("filed_day"), then=F("changed_day")),
                default=None,
                output_field=DateFieldType(),
            )
        )
        .filter(day__isnull=False)
    )


@dataclass(frozen=True)
class DecisionLag:
    """Median days from a friction report's filing to the decision it led to."""

    quarters: list[Quarter]
    # Over all the quarters shown, and per quarter (None: no report led to a decision then).
    overall: float | None
    overall_reports: int
    by_quarter: dict[Quarter, float | None]


def friction_to_decision_lag(*, quarter: Quarter, count: int = LAG_QUARTERS) -> DecisionLag:
    """The median lag (the module's definition) over the `count` quarters ending with
    `quarter`, and in each of them: three queries (on PostgreSQL, percentile_cont; on SQLite
    the window's lags are read and ranked here)."""
    quarters = quarter.last(count)
    window = _lags().filter(day__gte=quarters[0].first_day, day__lt=quarters[-1].next.first_day)
    spans = dates_apart("filed_day", "day")
    per_quarter = grouped_medians(
        window.annotate(quarter_start=_quarter_start()),
        group="quarter_start",
        database=spans,
        fields=("filed_day", "day"),
        key=lambda start: str(Quarter.of(start)) if start else None,
    )
    return DecisionLag(
        quarters=quarters,
        overall=median(window, database=spans, fields=("filed_day", "day")),
        overall_reports=window.count(),
        by_quarter={q: per_quarter.get(str(q)) for q in quarters},
    )


def _quarter_start() -> TruncQuarter:
    """The first day of the quarter of the annotation `day` (a date: no time zone to apply)."""
    return TruncQuarter("day", output_field=DateFieldType())


def fade_quarter(quarter: Quarter) -> Quarter:
    """The quarter fading is judged at: `quarter` if it has ended, else the one before."""
    return quarter if quarter.has_ended() else quarter.previous


@dataclass(frozen=True)
class Fading:
    executive: User
    hours: tuple[float, float, float]  # q-2, q-1, q


def participation_fading(
    *, quarter: Quarter, people: QuerySet[User] | list[int] | None = None
) -> tuple[list[Quarter], dict[int, tuple[float, float, float]]]:
    """(the three quarters judged, {executive id: their hours in each}) for the executives
    whose hours fell two quarters running up to fade_quarter(quarter); only among `people`
    when given. Two queries; nothing is flagged unless all three quarters have a roll-up."""
    quarters = fade_quarter(quarter).last(3)
    names = [str(q) for q in quarters]
    rollups = dict(QuarterRollup.objects.filter(quarter__in=names).values_list("pk", "quarter"))
    if len(rollups) < len(names):
        return quarters, {}
    figures = QuarterFigure.objects.filter(
        rollup_id__in=rollups,
        metric="exposure_hours",
        scope=Scope.EXECUTIVE,
        scope_id__in=(executives() if people is None else people).values("pk")
        if not isinstance(people, list)
        else people,
    )
    hours: dict[int, dict[str, float]] = {}
    for rollup_id, person, value in figures.values_list("rollup_id", "scope_id", "value"):
        hours.setdefault(person, {})[rollups[rollup_id]] = value or 0.0
    found = {}
    for person, by_quarter in hours.items():
        seen = tuple(by_quarter.get(name, 0.0) for name in names)
        if seen[0] > seen[1] > seen[2]:
            found[person] = seen
    return quarters, found


def decisions_reverted(*, quarter: Quarter) -> QuerySet[Decision]:
    """Decisions whose outcome check, recorded in `quarter`, found the change undone (the
    module's definition of a change that did not hold), latest check first."""
    return (
        Decision.objects.filter(
            outcome_verdict=Decision.Verdict.REVERTED,
            outcome_checked_at__gte=quarter.starts_at,
            outcome_checked_at__lt=quarter.ends_at,
        )
        .select_related("owner")
        .order_by("-outcome_checked_at", "-pk")
    )


@dataclass(frozen=True)
class FadeFlags:
    """What the CX lead is told: executives whose participation is fading, and changes that
    did not hold."""

    quarters: list[Quarter]  # the three quarters participation was judged over
    executives: list[Fading]
    decisions: list[Decision]
    decisions_quarter: Quarter

    @property
    def count(self) -> int:
        return len(self.executives) + len(self.decisions)


def fade_flags(*, quarter: Quarter, department_id: int | None = None) -> FadeFlags:
    """Both fade flags for `quarter` (participation judged at fade_quarter(quarter), reversals
    within `quarter` itself), for the organisation or one department (by the executive's and
    the decision owner's department): at most four queries."""
    people = executives()
    if department_id is not None:
        people = people.filter(department_id=department_id)
    quarters, fading = participation_fading(quarter=quarter, people=people)
    named = {p.pk: p for p in people.filter(pk__in=fading).order_by("display_name", "pk")}
    reverted = decisions_reverted(quarter=quarter)
    if department_id is not None:
        reverted = reverted.filter(owner__department_id=department_id)
    return FadeFlags(
        quarters=quarters,
        executives=[Fading(executive=p, hours=fading[pk]) for pk, p in named.items()],
        decisions=list(reverted),
        decisions_quarter=quarter,
    )


# How long a count of fading executives is kept at most: it changes only when a roll-up is
# computed again or who is an executive changes (both renew its generations).
FADING_SECONDS = 6 * 3600


def fade_flag_count(*, quarter: Quarter | None = None) -> int:
    """How many fade flags the CX lead has for the current quarter: the line on their home.

    The fading executives are read from three quarters' stored figures (3,000 rows at 1,000
    executives, ~20 ms of every CX lead's home), so their count is remembered under the stored
    figures' and the programme's generations; the changes that did not hold are one live
    COUNT."""
    quarter = quarter or Quarter.current()

    def fading() -> int:
        return len(participation_fading(quarter=quarter)[1])

    count = remembered((STORED, PROGRAMME), f"fading:{quarter}", fading, timeout=FADING_SECONDS)
    return count + decisions_reverted(quarter=quarter).count()


def evidence_totals(*, rows: list[BeforeAfter]) -> dict[str, Side]:
    """The before and after columns summed over `rows`."""
    return {
        side: Side(
            decided=sum(getattr(r, side).decided for r in rows),
            assessed=sum(getattr(r, side).assessed for r in rows),
            changed_after_exposure=sum(getattr(r, side).changed_after_exposure for r in rows),
        )
        for side in ("before", "after")
    }
