"""A quarter to take away: its metrics and its per-executive table as CSV files, and the
printable pack (one section a page). For those who read the dashboard (leadership, the CX
lead); anyone else signed in gets 403. All of it reads the stored roll-ups only
(metrics/exports.py)."""

from django.http import HttpResponse
from django.shortcuts import render

from core.permissions import permission_required

from ..exports import (
    CSV_TYPE,
    QuarterPack,
    export_filename,
    quarter_address,
    quarter_executives_csv,
    quarter_metrics_csv,
    quarter_pack_read,
)
from ..formatting import change_text, figure_text
from ..selectors import decisions_changed_read, friction_funnel_read
from ..themes.selectors import themes_growing
from .common import FUTURE_MESSAGE, NOT_COMPUTED_MESSAGE
from .common import quarter_from_address as _quarter
from .dashboard import VIEW_DASHBOARD, funnel_text

CHANGED_AFTER_EXPOSURE = "decisions_changed_after_exposure"
NO_EXECUTIVES_MESSAGE = "No executive was measured in {quarter}."


def _unavailable(pack: QuarterPack) -> str | None:
    """Why there is nothing to show of the quarter, or None."""
    if pack.quarter.is_future():
        return FUTURE_MESSAGE.format(quarter=pack.quarter)
    if pack.rollup is None:
        return NOT_COMPUTED_MESSAGE.format(quarter=pack.quarter)
    return None


def _csv_download(request, build, what: str) -> HttpResponse:
    pack = quarter_pack_read(quarter=_quarter(request.GET.get("quarter")))
    notice = _unavailable(pack)
    if notice is not None:
        # No file to give: a person who followed the link reads why; a script sees a 404.
        return render(
            request,
            "metrics/export_unavailable.html",
            {"quarter": pack.quarter, "notice": notice},
            status=404,
        )
    response = HttpResponse(build(pack=pack), content_type=f"{CSV_TYPE}; charset=utf-8")
    name = export_filename(quarter=pack.quarter, what=what)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@permission_required(VIEW_DASHBOARD)
def metrics_csv(request):
    return _csv_download(request, quarter_metrics_csv, "metrics")


@permission_required(VIEW_DASHBOARD)
def executives_csv(request):
    return _csv_download(request, quarter_executives_csv, "executives")


def _cards(pack: QuarterPack, family: str) -> list[dict]:
    organisation = pack.organisation
    cards = []
    for column in pack.figure_columns:
        if column.family != family:
            continue
        value = organisation.values[column.key]
        before = organisation.previous[column.key] if organisation.previous else None
        cards.append(
            {
                "key": column.key,
                "label": column.label,
                "value": figure_text(value, column.unit),
                "change": change_text(value, before, column.unit),
                "description": column.description,
            }
        )
    return cards


def _compliance(pack: QuarterPack) -> list[dict]:
    """Each target's row: the organisation's, then each department's share who met it."""
    scopes = [pack.organisation, *pack.departments]
    return [
        {
            "label": column.label,
            "cells": [figure_text(scope.values[column.key], "share") for scope in scopes],
        }
        for column in pack.compliance_columns
    ]


def _executives(pack: QuarterPack) -> list[dict]:
    return [
        {
            "name": person.name,
            "department": person.department,
            "cells": [figure_text(person.values[c.key], c.unit) for c in pack.columns],
        }
        for person in pack.executives
    ]


@permission_required(VIEW_DASHBOARD)
def pack(request):
    """The quarterly pack, to print (or save as PDF): a cover, participation, outcomes, the
    decisions changed after exposure, the friction funnel, compliance and the per-executive
    table, each on its own page."""
    quarter = _quarter(request.GET.get("quarter"))
    board = quarter_pack_read(quarter=quarter)
    notice = _unavailable(board)
    context = {
        "quarter": quarter,
        "rollup": board.rollup,
        "notice": notice,
        "dashboard_url": quarter_address("metrics:dashboard", quarter),
        "metrics_csv_url": quarter_address("metrics:export_metrics", quarter),
        "executives_csv_url": quarter_address("metrics:export_executives", quarter),
    }
    if notice is None:
        participation, outcomes = _cards(board, "participation"), _cards(board, "outcome")
        context |= {
            "participation": participation,
            "outcomes": outcomes,
            "trend": {card["key"]: card for card in participation + outcomes},
            "decisions": decisions_changed_read(quarter=quarter, department_id=None),
            "decisions_total": int(
                (board.organisation and board.organisation.values.get(CHANGED_AFTER_EXPOSURE)) or 0
            ),
            "growing_themes": themes_growing(quarter=quarter),
            "funnel": funnel_text(friction_funnel_read(rollup=board.rollup, department_id=None)),
            "departments": [d.name for d in board.departments],
            "compliance": _compliance(board),
            "columns": board.columns,
            "executives": _executives(board),
            "no_executives": NO_EXECUTIVES_MESSAGE.format(quarter=quarter),
        }
    return render(request, "metrics/quarter_pack.html", context)
