"""Navigation by role: each entry shows only to people whose permissions open its page."""

from django.urls import reverse

# (label, url name, permissions of which one is needed; empty for anyone signed in).
NAVIGATION = [
    ("Home", "home", ()),
    ("My schedule", "immersion:schedule", ("immersion.attend_sessions",)),
    ("Calendar", "immersion:calendar", ("immersion.view_programme",)),
    ("Rotations", "immersion:rotations", ("immersion.manage_programme",)),
    ("At risk", "immersion:at_risk", ("immersion.manage_programme",)),
    (
        "Reflections",
        "immersion:reflections",
        (
            "immersion.attend_sessions",
            "immersion.manage_programme",
            "immersion.view_shared_reflections",
        ),
    ),
    (
        "Journeys",
        "immersion:journeys",
        ("immersion.attend_sessions", "immersion.manage_programme", "immersion.view_programme"),
    ),
    ("Call list", "immersion:call_list", ("immersion.manage_programme",)),
    ("Frictions", "frictions:board", ("frictions.view_frictions",)),
    ("Decisions", "frictions:decisions", ("frictions.view_decisions",)),
    ("Dashboard", "metrics:dashboard", ("metrics.view_dashboard",)),
    (
        "Escalations",
        "immersion:escalations",
        ("immersion.log_escalation", "immersion.work_escalations"),
    ),
    ("People", "accounts:people", ("accounts.manage_people",)),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    path = request.path
    items = []
    for label, url_name, perms in NAVIGATION:
        if not perms or any(user.has_perm(perm) for perm in perms):
            url = reverse(url_name)
            current = path == url if url == "/" else path.startswith(url)
            items.append({"label": label, "url": url, "current": current})
    return {"nav_items": items}
