"""The executive scorecard (one executive's quarter: the executive themselves, leadership and
the CX lead), the list of executives it is reached from, and "Is it working?", the evidence
that the programme changes decisions (leadership and the CX lead)."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from core.http import page_of
from core.permissions import permission_required

from ..evidence import before_and_after, evidence_totals, fade_flags, friction_to_decision_lag
from ..evidence import participation_fading as fading_hours
from ..formatting import change_text, done_text, figure_number, figure_text
from ..quarters import Quarter
from ..scorecard import (
    VIEW_EVERY_SCORECARD,
    VIEW_OWN_SCORECARD,
    executive_list,
    executive_rows,
    executive_scorecard,
    scorecard_executive_for,
)
from .common import FUTURE_MESSAGE, department_from_address, quarter_from_address

NOT_COMPUTED_MESSAGE = (
    "The stored figures for {quarter} have not been computed yet; what is read live from the "
    "records is below."
)
NOT_MEASURED_MESSAGE = (
    "{executive} was not an executive when the figures for {quarter} were computed: there are "
    "no stored figures of theirs for it."
)
NO_EXECUTIVES_MESSAGE = "No executives in {department}."
# The evidence page lists executives in pages of this many (each row is a grouped read).
EVIDENCE_PAGE_SIZE = 25


def _average_text(value: float | None, unit: str) -> str:
    """The average executive's figure: as the unit shows it, except that an average of whole
    counts keeps one decimal (a third of a decision each is not "0")."""
    if unit == "count" and value is not None:
        return f"{figure_number(value, 'hours'):,.1f}"
    return figure_text(value, unit)


def _quarters(quarter: Quarter) -> list[Quarter]:
    """The quarter choices: the chosen one and the seven before it, newest first."""
    return sorted({*Quarter.current().last(8), quarter}, reverse=True)


def _scorecard_address(pk: int, quarter: Quarter) -> str | None:
    try:
        Quarter.parse(str(quarter))
    except ValueError:
        return None
    url = reverse("metrics:scorecard", kwargs={"pk": pk})
    return f"{url}?{urlencode({'quarter': str(quarter)})}"


@permission_required(VIEW_EVERY_SCORECARD, VIEW_OWN_SCORECARD)
def scorecard(request, pk: int):
    """One executive's quarter. Another executive's id answers 404 to an executive, as does
    anyone who is not an executive: which ids exist is nobody's business here."""
    executive = scorecard_executive_for(user=request.user, pk=pk)
    if executive is None:
        raise Http404("No such executive.")
    quarter = quarter_from_address(request.GET.get("quarter"))
    context = {
        "executive": executive,
        "quarter": quarter,
        "quarters": _quarters(quarter),
        "is_own": executive.pk == request.user.pk,
        "reads_everyone": request.user.has_perm(VIEW_EVERY_SCORECARD),
        "previous_url": _scorecard_address(executive.pk, quarter.previous),
        "next_url": None
        if quarter.next.is_future()
        else _scorecard_address(executive.pk, quarter.next),
    }
    if quarter.is_future():
        context["notice"] = FUTURE_MESSAGE.format(quarter=quarter)
        return render(request, "metrics/scorecard.html", context)
    card = executive_scorecard(executive=executive, quarter=quarter)
    if card.rollup is None:
        context["notice"] = NOT_COMPUTED_MESSAGE.format(quarter=quarter)
    elif not card.measured:
        context["notice"] = NOT_MEASURED_MESSAGE.format(executive=executive, quarter=quarter)
    context["card"] = card
    context["figures"] = [
        {
            "key": line.key,
            "label": line.label,
            "family": line.family,
            "value": figure_text(line.value, line.unit),
            "change": change_text(line.value, line.previous, line.unit),
            "average": _average_text(line.average, line.unit),
        }
        for line in card.figures
    ]
    context["compliance"] = [
        {
            "label": line.label,
            "share": done_text(line.share),
            "met": line.met,
            "change": change_text(line.share, line.previous, "share"),
            "met_by": figure_text(line.met_by, "share"),
        }
        for line in card.compliance
    ]
    context["frictions"] = {
        "days_to_acknowledge": figure_text(card.frictions.days_to_acknowledge, "days"),
        "days_to_close": figure_text(card.frictions.days_to_close, "days"),
    }
    return render(request, "metrics/scorecard.html", context)


@permission_required(VIEW_EVERY_SCORECARD)
def executives(request):
    """Every executive with their quarter's key stored figures, one department's when asked,
    in pages; each links to the scorecard."""
    quarter = quarter_from_address(request.GET.get("quarter"))
    department, departments = department_from_address(request.GET.get("department"))
    page = page_of(request, executive_list(department_id=department and department.pk))
    people = list(page.object_list)
    judged, fading = fading_hours(quarter=quarter, people=[p.pk for p in people])
    rollup, rows = executive_rows(people=people, quarter=quarter, fading=set(fading))
    return render(
        request,
        "metrics/executive_list.html",
        {
            "quarter": quarter,
            "quarters": _quarters(quarter),
            "department": department,
            "departments": departments,
            "page": page,
            "rollup": rollup,
            "is_future": quarter.is_future(),
            # Fading is judged over the last three quarters that have ended (evidence.py).
            "fade_quarters": judged,
            "rows": [
                {
                    "executive": row.executive,
                    "url": _scorecard_address(row.executive.pk, quarter),
                    "hours": figure_text(row.hours, "hours"),
                    "interactions": figure_text(row.interactions, "count"),
                    "targets_met": row.targets_met,
                    "targets": row.targets,
                    "fading": row.fading,
                }
                for row in rows
            ],
            "empty_message": NO_EXECUTIVES_MESSAGE.format(department=department)
            if department
            else "No executives yet.",
        },
    )


@permission_required(VIEW_EVERY_SCORECARD)
def evidence(request):
    """Is it working? Decisions before and after each executive's participation started, the
    lag from a friction report to its decision, and the fade flags for the CX lead."""
    quarter = quarter_from_address(request.GET.get("quarter"))
    department, departments = department_from_address(request.GET.get("department"))
    page = page_of(
        request,
        executive_list(department_id=department and department.pk),
        per_page=EVIDENCE_PAGE_SIZE,
    )
    rows = before_and_after(people=list(page.object_list))
    # A quarter still to come has no lag and nothing to fade: the table above it still reads.
    lag = None if quarter.is_future() else friction_to_decision_lag(quarter=quarter)
    flags = (
        None
        if quarter.is_future()
        else fade_flags(quarter=quarter, department_id=department and department.pk)
    )
    return render(
        request,
        "metrics/evidence.html",
        {
            "quarter": quarter,
            "quarters": _quarters(quarter),
            "department": department,
            "departments": departments,
            "page": page,
            "rows": rows,
            "totals": evidence_totals(rows=rows),
            "lag": lag,
            "lag_rows": [
                (q, figure_text(lag.by_quarter[q], "days")) for q in reversed(lag.quarters)
            ]
            if lag
            else [],
            "lag_overall": figure_text(lag and lag.overall, "days"),
            "flags": flags,
            "is_future": quarter.is_future(),
            "future_message": FUTURE_MESSAGE.format(quarter=quarter),
            "empty_message": NO_EXECUTIVES_MESSAGE.format(department=department)
            if department
            else "No executives yet.",
        },
    )
