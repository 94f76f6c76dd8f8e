"""Reads about friction reports and decisions, shared by pages, tasks and the metrics app;
every name is importable from here."""

from .decisions import (
    decision_lookup,
    decisions_changed_after_exposure,
    decisions_visible_to,
    decisions_with_exposure,
)
from .reports import (
    NUMBER_MAX,
    SORTS,
    BoardFilters,
    friction_board,
    friction_report_for,
    friction_report_lookup,
    friction_reports_visible_to,
    friction_similar,
    friction_timeline,
    frictions_for_home,
    typed_number,
)

__all__ = [
    "NUMBER_MAX",
    "SORTS",
    "BoardFilters",
    "decision_lookup",
    "decisions_changed_after_exposure",
    "decisions_visible_to",
    "decisions_with_exposure",
    "friction_board",
    "friction_report_for",
    "friction_report_lookup",
    "friction_reports_visible_to",
    "friction_similar",
    "friction_timeline",
    "frictions_for_home",
    "typed_number",
]
