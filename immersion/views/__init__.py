"""The programme's pages, one module per area; urls.py names them all."""

MANAGE = "immersion.manage_programme"
VIEW = "immersion.view_programme"
ATTEND = "immersion.attend_sessions"
LOG = "immersion.log_escalation"
WORK = "immersion.work_escalations"
