"""Writes with their rules: reports (filing, support, triage, overdue escalation), the decision
log, the weekly review and API tokens. The reports' names are importable from here; the
decision log's, the review's and the tokens' come from their own modules, whose messages would
otherwise share names with the reports'."""

from .overdue import (
    ESCALATION_WEEKS_PER_LEVEL,
    frictions_escalate_overdue,
)
from .reports import (
    ALREADY_SUPPORTED_MESSAGE,
    ANONYMOUS_LABEL,
    CLOSED_MESSAGE,
    INFORMATION_REQUIRED_MESSAGE,
    OWN_REPORT_MESSAGE,
    RECEIPT_ALPHABET,
    friction_report_add_information,
    friction_report_by_receipt,
    friction_report_file,
    friction_report_support,
    receipt_hash,
)
from .triage import (
    DATES_ORDER_MESSAGE,
    DECISION_REQUIRED_MESSAGE,
    NOT_ALLOWED_MESSAGE,
    NOTE_REQUIRED_MESSAGE,
    ORIGINAL_ITSELF_MESSAGE,
    ORIGINAL_REQUIRED_MESSAGE,
    OWNER_NOT_EXECUTIVE_MESSAGE,
    POLICY_RESOLUTIONS,
    REASON_REQUIRED_MESSAGE,
    REPORT_TRANSITIONS,
    RESOLUTION_REQUIRED_MESSAGE,
    RESPONSE_REQUIRED_MESSAGE,
    TRANSITION_MESSAGE,
    friction_can_change,
    friction_report_note,
    friction_report_transition,
    friction_report_triage,
)

__all__ = [
    "ALREADY_SUPPORTED_MESSAGE",
    "ANONYMOUS_LABEL",
    "CLOSED_MESSAGE",
    "DATES_ORDER_MESSAGE",
    "DECISION_REQUIRED_MESSAGE",
    "ESCALATION_WEEKS_PER_LEVEL",
    "INFORMATION_REQUIRED_MESSAGE",
    "NOTE_REQUIRED_MESSAGE",
    "NOT_ALLOWED_MESSAGE",
    "ORIGINAL_ITSELF_MESSAGE",
    "ORIGINAL_REQUIRED_MESSAGE",
    "OWNER_NOT_EXECUTIVE_MESSAGE",
    "OWN_REPORT_MESSAGE",
    "POLICY_RESOLUTIONS",
    "REASON_REQUIRED_MESSAGE",
    "RECEIPT_ALPHABET",
    "REPORT_TRANSITIONS",
    "RESOLUTION_REQUIRED_MESSAGE",
    "RESPONSE_REQUIRED_MESSAGE",
    "TRANSITION_MESSAGE",
    "friction_can_change",
    "friction_report_add_information",
    "friction_report_by_receipt",
    "friction_report_file",
    "friction_report_note",
    "friction_report_support",
    "friction_report_transition",
    "friction_report_triage",
    "frictions_escalate_overdue",
    "receipt_hash",
]
