"""The programme's pages, one module per area; urls.py names them all."""

MANAGE = "immersion.manage_programme"
VIEW = "immersion.view_programme"
ATTEND = "immersion.attend_sessions"
LOG = "immersion.log_escalation"
WORK = "immersion.work_escalations"


def posted(request):
    """Form data on POST, None otherwise (an empty POST is still a POST)."""
    return request.POST if request.method == "POST" else None


def error_text(exc) -> str:
    return " ".join(exc.messages)
