"""Navigation by role: each entry shows only to people whose permissions open its page."""

from django.urls import reverse

# (label, url name, permission needed or None for anyone signed in). Later apps add theirs.
NAVIGATION = [
    ("Home", "home", None),
    ("People", "accounts:people", "accounts.manage_people"),
    ("Teams", "accounts:teams", "accounts.manage_people"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    path = request.path
    items = []
    for label, url_name, perm in NAVIGATION:
        if perm is None or user.has_perm(perm):
            url = reverse(url_name)
            current = path == url if url == "/" else path.startswith(url)
            items.append({"label": label, "url": url, "current": current})
    return {"nav_items": items}
