"""Reads about friction reports, decisions and reviews, shared by pages, tasks and the metrics
app; every name is importable from here."""

from .decisions import (
    DecisionRecord,
    decision_evidence_find,
    decision_for,
    decision_log,
    decision_lookup,
    decision_record,
    decisions_changed_after_exposure,
    decisions_visible_to,
    decisions_with_exposure,
)
from .integrations import api_integration_list
from .reports import (
    NUMBER_MAX,
    TIMELINE_LINES,
    Timeline,
    friction_board,
    friction_report_for,
    friction_report_lookup,
    friction_report_supported_by,
    friction_reports_visible_to,
    friction_similar,
    friction_timeline,
    frictions_for_home,
    typed_number,
)
from .reviews import (
    REVIEW_ACTIVITY,
    friction_review_for,
    review_item_for,
    review_items_for,
    review_session_for,
    review_sessions_recent,
)

__all__ = [
    "NUMBER_MAX",
    "REVIEW_ACTIVITY",
    "TIMELINE_LINES",
    "DecisionRecord",
    "Timeline",
    "api_integration_list",
    "decision_evidence_find",
    "decision_for",
    "decision_log",
    "decision_lookup",
    "decision_record",
    "decisions_changed_after_exposure",
    "decisions_visible_to",
    "decisions_with_exposure",
    "friction_board",
    "friction_report_for",
    "friction_report_lookup",
    "friction_report_supported_by",
    "friction_reports_visible_to",
    "friction_review_for",
    "friction_similar",
    "friction_timeline",
    "frictions_for_home",
    "review_item_for",
    "review_items_for",
    "review_session_for",
    "review_sessions_recent",
    "typed_number",
]
