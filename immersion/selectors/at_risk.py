"""Who will miss a target: every executive short of a target in its current week, month or
quarter, computed in SQL so that the page is cut and the home page's figure counted by the
database, without a Progress for every executive and target.

At 1,000 executives the list was built in Python (progress for every executive and target,
2.4 s and 5,000 rows on one page; the home page built it all to print its length, 1.9 s). Now
one statement: the quarter's places grouped by person and activity (as `progress_for` groups
them), joined to the executives and the targets that apply to each, the shortfall computed,
sorted and cut by the database; the home page asks for its COUNT.

Correlated subqueries per executive and target gave the same rows, but PostgreSQL priced
them at millions and JIT-compiled the plan: 8 s of compiling for 0.2 s of work. The grouped
join is priced below the JIT threshold and runs in about 0.1 s.

That statement still costs 40-60 ms at that volume (25,000 places of the quarter grouped), on
every CX lead's home page. Its rows are the same for everyone who asks on the same day until the
programme changes, so they are remembered in the shared cache under the "programme" generation
(core/generations.py), which every write to places, sessions, targets, activities or
executives renews (`at_risk_receivers_connect`, and the services' bulk writes by hand)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, DurationField, ExpressionWrapper, F, Func, Q, Sum
from django.db.models.signals import m2m_changed, post_delete, post_save

from accounts.models import Department, User
from core.calendar import org_today
from core.generations import generation_bump, remembered

from ..models import (
    ActivityType,
    CadenceTarget,
    OfficerDesk,
    OfficerDeskTeam,
    Participant,
    Session,
)
from .programme import PERIODS, PROGRAMME, Progress, executives, period_bounds

STATES = (("done", Participant.Attendance.ATTENDED), ("planned", Participant.Attendance.INVITED))


class _Hours(Func):
    """A summed duration as hours to two places (as `progress_for` gives them). SQLite keeps a
    duration as microseconds; PostgreSQL as an interval."""

    output_field = DecimalField(max_digits=12, decimal_places=2)
    template = "ROUND(%(expressions)s / 3600000000.0, 2)"

    def as_postgresql(self, compiler, connection, **extra):
        template = "ROUND(EXTRACT(EPOCH FROM %(expressions)s) / 3600, 2)"
        return self.as_sql(compiler, connection, template=template, **extra)


def _statement(day: date) -> tuple[str, list] | None:
    """The rows short of a target, as SQL: person_id, target_id, done, planned, shortfall,
    needed, display_name, activity_name. The grouped places and the executives are written
    by the ORM (each backend's own dates and durations); what joins them is plain SQL that
    SQLite and PostgreSQL both read. None when no target applies to executives."""
    windows = {period: period_bounds(period, day) for period in PERIODS}
    # Only the places a target reads: its activity in its own period (the quarter's places of
    # every activity were 25,000 rows at 1,000 executives, most read by no target).
    read = CadenceTarget.objects.filter(
        is_active=True, applies_to=CadenceTarget.AppliesTo.EACH_EXECUTIVE
    ).values_list("period", "activity_type")
    if not read:
        return None
    wanted = Q()
    for period, activity in read:
        _, start, end = windows[period]
        wanted |= Q(starts_at__gte=start, starts_at__lt=end, session__activity_type=activity)
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    sums = {}
    for period, (_, start, end) in windows.items():
        for state, attendance in STATES:
            match = Q(starts_at__gte=start, starts_at__lt=end, attendance=attendance)
            sums[f"{period}_{state}_n"] = Count("pk", filter=match)
            sums[f"{period}_{state}_h"] = _Hours(Sum(length, filter=match))
    places = (
        Participant.objects.filter(wanted, is_active=True, person__in=executives().values("pk"))
        .exclude(session__status=Session.Status.CANCELLED)
        .order_by()
        .values(who=F("person_id"), what=F("session__activity_type_id"))
        .annotate(**sums)
    )
    people = (
        executives()
        .select_related(None)
        .order_by()
        .values(who=F("pk"), name=F("display_name"), unit=F("department_id"))
    )
    places_sql, places_params = places.query.sql_with_params()
    people_sql, people_params = people.query.sql_with_params()

    def amount(state: str) -> str:
        """The target's own period and unit: the column of `places` it reads."""
        cases = " ".join(
            f"WHEN t.period = '{period}' AND t.unit = '{CadenceTarget.Unit.HOURS}' "
            f"THEN g.{period}_{state}_h WHEN t.period = '{period}' THEN g.{period}_{state}_n"
            for period in PERIODS
        )
        return f"COALESCE(CASE {cases} END, 0)"

    targets = CadenceTarget._meta.db_table
    activities = ActivityType._meta.db_table
    sql = f"""
        WITH places AS ({places_sql}),
        people AS ({people_sql}),
        pairs AS (
            SELECT p.who AS person_id, t.id AS target_id, t.amount AS needed,
                   p.name AS display_name, a.name AS activity_name,
                   {amount("done")} AS done, {amount("planned")} AS planned
            FROM people p
            JOIN {targets} t ON t.is_active AND t.applies_to = %s
                AND (t.department_id IS NULL OR t.department_id = p.unit)
            JOIN {activities} a ON a.id = t.activity_type_id
            LEFT JOIN places g ON g.who = p.who AND g.what = t.activity_type_id
        ),
        short AS (
            SELECT person_id, target_id, done, planned, display_name, activity_name,
                   ROUND(needed - done - planned, 2) AS shortfall, needed
            FROM pairs
        )
        SELECT * FROM short WHERE shortfall > 0
    """  # noqa: S608 - names from the models' own tables and the code's own choices
    return sql, [*places_params, *people_params, CadenceTarget.AppliesTo.EACH_EXECUTIVE]


ORDER = " ORDER BY shortfall / needed DESC, display_name, activity_name, person_id"


# How long a day's rows are kept at most (they are keyed by the day, and the programme's
# generation, programme.PROGRAMME, retires them sooner).
ROWS_SECONDS = 3600
ROWS_SHAPE = "person-target-done-planned"


def _rows_read(day: date) -> list[tuple]:
    """The sorted rows short of a target on `day`, from the database: (person id, target id,
    done, planned), all a page needs besides its people and targets."""
    statement = _statement(day)
    if statement is None:
        return []
    sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT person_id, target_id, done, planned FROM ({sql}) AS short_rows {ORDER}",  # noqa: S608
            params,
        )
        return cursor.fetchall()


def _rows(day: date) -> list[tuple]:
    """`_rows_read`, remembered until the programme changes (~1,200 rows at 1,000 executives)."""
    # The key names the rows' shape: a release that changes it must not read the old ones.
    key = f"at-risk:{ROWS_SHAPE}:{day}"
    return remembered(PROGRAMME, key, lambda: _rows_read(day), timeout=ROWS_SECONDS)


@dataclass
class AtRiskRows:
    """`at_risk` as a paginator reads it (core.http.page_of): the day's sorted rows (ids and
    amounts) read once, from the cache when the programme has not changed since; a slice is
    that page as Progress, with its people and targets loaded."""

    day: date
    _rows: list[tuple] | None = field(default=None, init=False, repr=False)

    def rows(self) -> list[tuple]:
        if self._rows is None:
            self._rows = _rows(self.day)
        return self._rows

    def count(self) -> int:
        return len(self.rows())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Progress]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("AtRiskRows takes a slice (a page), not an index")
        return self._progress(self.rows()[index])

    def _progress(self, rows: list[tuple]) -> list[Progress]:
        if not rows:
            return []
        targets = CadenceTarget.objects.select_related("activity_type").in_bulk(
            {target_id for _, target_id, _, _ in rows}
        )
        people = executives().select_related("department").in_bulk([r[0] for r in rows])
        labels = {period: period_bounds(period, self.day)[0].label for period in PERIODS}
        found = []
        for person_id, target_id, done, planned in rows:
            target, person = targets.get(target_id), people.get(person_id)
            if target is None or person is None:  # changed since the rows were read
                continue
            found.append(
                Progress(
                    person=person,
                    target=target,
                    period_label=labels[target.period],
                    needed=target.amount,
                    done=_decimal(done),
                    planned=_decimal(planned),
                )
            )
        return found


def _decimal(value) -> Decimal:
    """An amount as SQLite (a float) or PostgreSQL (a Decimal) gives it, to two places."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def at_risk_rows(*, day: date | None = None) -> AtRiskRows:
    """Every executive whose attended plus scheduled sessions do not reach a target in its
    current week, month or quarter, largest shortfall for the target's size first, then by
    name and activity: to count, or to page with page_of."""
    return AtRiskRows(day=day or org_today())


def at_risk_count(*, day: date | None = None) -> int:
    """How many targets `at_risk_rows` lists (the same remembered rows)."""
    return len(_rows(day or org_today()))


def at_risk(*, day: date | None = None) -> list[Progress]:
    """The whole of `at_risk_rows` as Progress (a page of it: slice `at_risk_rows`)."""
    return at_risk_rows(day=day)[:]


def _programme_changed(*args, **kwargs) -> None:
    if kwargs.get("action", "post_").startswith("post_"):
        generation_bump(PROGRAMME)


def at_risk_receivers_connect() -> None:
    """Keep what is remembered under the programme's generation true (these rows, each
    executive's progress, who is on shift, the calendar's grids...): every save or delete of
    what they are computed from (or show: names) renews it. Called once from ImmersionConfig.ready;
    writes that send no signal (bulk_create, update) call generation_bump(PROGRAMME) by hand."""
    for model in (
        Participant,
        Session,
        CadenceTarget,
        ActivityType,
        User,
        Department,
        OfficerDesk,
        OfficerDeskTeam,
    ):
        for signal in (post_save, post_delete):
            signal.connect(
                _programme_changed, sender=model, dispatch_uid=f"programme:{model}:{signal}"
            )
    m2m_changed.connect(
        _programme_changed, sender=User.groups.through, dispatch_uid="programme:roles"
    )
