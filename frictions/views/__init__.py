"""The frictions pages, one module per area; urls.py names them all."""

FILE = "frictions.file_friction"
VIEW = "frictions.view_frictions"
TRIAGE = "frictions.triage_frictions"
VIEW_DECISIONS = "frictions.view_decisions"
LOG_DECISIONS = "frictions.log_decisions"
