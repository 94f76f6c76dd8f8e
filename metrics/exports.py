"""A quarter's figures to take away: the two CSV files and what the printable pack shows.

Everything here reads the stored roll-ups (QuarterRollup, QuarterFigure) and the few rows that
name them (departments, executives, the cadence targets' wording), never the raw sessions or
reports: a quarter of 1,000 executives costs the same six queries as the demo's
(metrics/tests/test_exports.py counts them at two sizes). Figures read as the dashboard shows
them (metrics/formatting.py), so the CSV, the pack and the dashboard never disagree on a
rounding: a share is a whole percent, hours and days one decimal.

A scope is "measured" as the dashboard reads it (selectors.quarter_dashboard): the organisation
whenever its quarter has a roll-up; a department or an executive when the roll-up holds at least
one figure of theirs. A measured scope lacking an hours or count figure did none of it (0); one
lacking a share or days has no figure. Departments and executives not measured are left out.
"""

import csv
import inspect
import io
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Department, User

from .definitions import COMPLIANCE_PREFIX, compliance_targets, figure_metrics
from .formatting import figure_number
from .models import QuarterFigure, QuarterRollup
from .quarters import Quarter
from .selectors import TOTAL_UNITS

Scope = QuarterFigure.Scope

# What the unit column says: a share is written as the percent the dashboard shows.
UNIT_NAMES = {"share": "percent"}
# A spreadsheet runs a cell starting with one of these as a formula ("=HYPERLINK(…)" in a
# department's or a person's name); OWASP's advice: make it text with a leading apostrophe.
# Figures the dashboard shows as whole numbers.
WHOLE_UNITS = {"count", "share"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Excel reads a CSV as the machine's legacy code page unless it starts with a byte order mark.
BOM = "\ufeff"
CSV_TYPE = "text/csv"
FORMER_EXECUTIVE = "(no longer in Proximity)"
FORMER_DEPARTMENT = "(department {pk}, since removed)"
TARGET_GONE = "Cadence target {key} (since removed)"


def csv_cell(value):
    """A value as a CSV cell that no spreadsheet runs as a formula: text starting with = + - @
    (or a tab or carriage return) gets a leading apostrophe; numbers and None are left alone
    (None is an empty cell; a negative number is a number, not a formula)."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_number(value: float | None, unit: str) -> float | int | None:
    """A figure as the dashboard shows it (formatting.figure_number): counts and percents whole
    (473, 63), hours and days to one decimal (4.0)."""
    number = figure_number(value, unit)
    return int(number) if number is not None and unit in WHOLE_UNITS else number


@dataclass(frozen=True)
class Column:
    """One figure of the quarter: a metric, or one cadence target's compliance."""

    key: str
    label: str
    unit: str
    family: str  # "participation", "outcome" or "compliance"
    description: str = ""

    @property
    def unit_name(self) -> str:
        return UNIT_NAMES.get(self.unit, self.unit)


@dataclass(frozen=True)
class ScopeFigures:
    """One scope's figures this quarter and, where it was measured then, the one before."""

    name: str
    values: dict[str, float | None]
    previous: dict[str, float | None] | None = None


@dataclass(frozen=True)
class ExecutiveFigures:
    name: str
    email: str
    department: str
    values: dict[str, float | None]


@dataclass(frozen=True)
class QuarterPack:
    quarter: Quarter
    # None: not computed (or not started): there is nothing to show.
    rollup: QuarterRollup | None
    previous_rollup: QuarterRollup | None
    columns: list[Column] = field(default_factory=list)
    organisation: ScopeFigures | None = None
    departments: list[ScopeFigures] = field(default_factory=list)
    executives: list[ExecutiveFigures] = field(default_factory=list)

    @property
    def figure_columns(self) -> list[Column]:
        return [c for c in self.columns if c.family != "compliance"]

    @property
    def compliance_columns(self) -> list[Column]:
        return [c for c in self.columns if c.family == "compliance"]


def _columns(quarter: Quarter, stored_keys: set[str]) -> list[Column]:
    """The figure metrics, then each cadence target judging the quarter (as it was worded
    then), then any target with stored figures that no longer exists."""
    columns = [
        Column(
            key=m.key,
            label=m.label,
            unit=m.unit,
            family=m.family,
            description=inspect.cleandoc(m.compute.__doc__ or ""),
        )
        for m in figure_metrics()
    ]
    targets = compliance_targets(quarter)
    columns += [
        Column(key=key, label=label, unit="share", family="compliance") for key, label in targets
    ]
    named = {k for k, _ in targets}
    for key in sorted(k for k in stored_keys - named if k.startswith(COMPLIANCE_PREFIX)):
        label = TARGET_GONE.format(key=key.removeprefix(COMPLIANCE_PREFIX))
        columns.append(Column(key=key, label=label, unit="share", family="compliance"))
    return columns


def _filled(stored: dict[str, float | None] | None, columns: list[Column]):
    """A measured scope's value for every column (0 for a total it has no row of)."""
    if stored is None:
        return None
    return {c.key: stored.get(c.key, 0.0 if c.unit in TOTAL_UNITS else None) for c in columns}


def quarter_pack_read(*, quarter: Quarter) -> QuarterPack:
    """Everything the exports and the pack show of `quarter`, from its stored roll-up and the
    previous quarter's (for the change): six queries whatever the organisation's size — the
    two roll-ups, their figures, the departments, the executives, the targets' two."""
    rollups = {
        r.quarter: r
        for r in QuarterRollup.objects.filter(quarter__in=[str(quarter), str(quarter.previous)])
    }
    rollup, previous = rollups.get(str(quarter)), rollups.get(str(quarter.previous))
    if rollup is None:
        return QuarterPack(quarter=quarter, rollup=None, previous_rollup=previous)
    wanted = Q(rollup=rollup)
    if previous is not None:
        # The quarter before is read for the change, which only the organisation and the
        # departments show: not its thousand executives.
        wanted |= Q(rollup=previous) & ~Q(scope=Scope.EXECUTIVE)
    now: dict[tuple[str, int | None], dict[str, float | None]] = {}
    before: dict[tuple[str, int | None], dict[str, float | None]] = {}
    for rollup_id, scope, scope_id, metric, value in QuarterFigure.objects.filter(
        wanted
    ).values_list("rollup_id", "scope", "scope_id", "metric", "value"):
        (now if rollup_id == rollup.pk else before).setdefault((scope, scope_id), {})[metric] = (
            value
        )
    columns = _columns(quarter, {m for figures in now.values() for m in figures})
    department_ids = [pk for scope, pk in now if scope == Scope.DEPARTMENT]
    executive_ids = [pk for scope, pk in now if scope == Scope.EXECUTIVE]
    department_names = dict(
        Department.objects.filter(pk__in=department_ids).values_list("pk", "name")
    )
    departments = sorted(
        (
            ScopeFigures(
                name=department_names.get(pk) or FORMER_DEPARTMENT.format(pk=pk),
                values=_filled(now[(Scope.DEPARTMENT, pk)], columns),
                previous=_filled(before.get((Scope.DEPARTMENT, pk)), columns),
            )
            for pk in department_ids
        ),
        key=lambda d: d.name.casefold(),
    )
    people = {
        p.pk: p
        for p in User.objects.filter(pk__in=executive_ids)
        .select_related("department")
        .only("pk", "display_name", "email", "department__name")
    }
    executives = []
    for pk in executive_ids:
        person = people.get(pk)
        executives.append(
            ExecutiveFigures(
                name=str(person) if person else FORMER_EXECUTIVE,
                email=person.email if person else "",
                department=person.department.name if person and person.department else "",
                values=_filled(now[(Scope.EXECUTIVE, pk)], columns),
            )
        )
    executives.sort(key=lambda e: (e.name.casefold(), e.email))
    organisation = ScopeFigures(
        name=str(Scope.ORGANISATION.label),
        values=_filled(now.get((Scope.ORGANISATION, None), {}), columns),
        previous=(
            _filled(before.get((Scope.ORGANISATION, None), {}), columns) if previous else None
        ),
    )
    return QuarterPack(
        quarter=quarter,
        rollup=rollup,
        previous_rollup=previous,
        columns=columns,
        organisation=organisation,
        departments=departments,
        executives=executives,
    )


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return (BOM + out.getvalue()).encode()


def quarter_address(name: str, quarter: Quarter | str) -> str:
    """A metrics page's address for `quarter`: quarter_address("metrics:pack", q)."""
    return f"{reverse(name)}?{urlencode({'quarter': str(quarter)})}"


def export_filename(*, quarter: Quarter, what: str) -> str:
    """'proximity-2026Q3-metrics.csv': the quarter in the name, so two downloads never clash."""
    return f"proximity-{quarter}-{what}.csv"


def quarter_metrics_csv(*, pack: QuarterPack) -> bytes:
    """The quarter's metrics as CSV: one row per metric and per cadence target's compliance,
    for the organisation and then each department measured, with its value and the previous
    quarter's, as the dashboard shows them (a share in whole percents). An empty cell: no
    figure (nothing to measure, or the scope was not measured then)."""
    previous_name = f"Previous quarter ({pack.quarter.previous})"
    rows = [
        [
            "Quarter",
            "Scope",
            "Department",
            "Metric key",
            "Metric",
            "Unit",
            "Value",
            previous_name,
        ]
    ]
    if pack.organisation is None:
        return _csv(rows)
    scopes = [(Scope.ORGANISATION.label, "", pack.organisation)]
    scopes += [(Scope.DEPARTMENT.label, d.name, d) for d in pack.departments]
    for scope_label, department, figures in scopes:
        for column in pack.columns:
            before = figures.previous[column.key] if figures.previous else None
            rows.append(
                [
                    str(pack.quarter),
                    scope_label,
                    department,
                    column.key,
                    column.label,
                    column.unit_name,
                    csv_number(figures.values[column.key], column.unit),
                    csv_number(before, column.unit),
                ]
            )
    return _csv(rows)


def quarter_executives_csv(*, pack: QuarterPack) -> bytes:
    """One row per executive measured in the quarter: name, e-mail, department (today's), then
    each metric and each cadence target's compliance (done / required: 100 is met) as
    columns, headed "<label> (<unit>)". An empty cell: no figure."""
    header = ["Quarter", "Name", "E-mail", "Department"]
    header += [f"{c.label} ({c.unit_name})" for c in pack.columns]
    rows = [header]
    for person in pack.executives:
        rows.append(
            [
                str(pack.quarter),
                person.name,
                person.email,
                person.department,
                *(csv_number(person.values[c.key], c.unit) for c in pack.columns),
            ]
        )
    return _csv(rows)


def quarter_csv_attachments(*, quarter: Quarter) -> list[tuple[str, bytes, str]]:
    """Both CSV files of `quarter`, as e-mail attachments (name, content, type)."""
    pack = quarter_pack_read(quarter=quarter)
    return [
        (
            export_filename(quarter=quarter, what="metrics"),
            quarter_metrics_csv(pack=pack),
            CSV_TYPE,
        ),
        (
            export_filename(quarter=quarter, what="executives"),
            quarter_executives_csv(pack=pack),
            CSV_TYPE,
        ),
    ]
