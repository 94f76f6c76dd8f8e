"""Reads about friction reports and decisions, shared by pages, tasks and the metrics app;
every name is importable from here."""

from .decisions import decisions_changed_after_exposure, decisions_with_exposure
from .reports import (
    SORTS,
    BoardFilters,
    friction_board,
    friction_report_for,
    friction_similar,
    friction_timeline,
    frictions_for_home,
)

__all__ = [
    "SORTS",
    "BoardFilters",
    "decisions_changed_after_exposure",
    "decisions_with_exposure",
    "friction_board",
    "friction_report_for",
    "friction_similar",
    "friction_timeline",
    "frictions_for_home",
]
