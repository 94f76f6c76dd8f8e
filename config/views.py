"""The pages that belong to no single app: home, the favicon, the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.roles import Role
from accounts.selectors import user_has_role
from frictions.selectors import frictions_for_home
from immersion import selectors as immersion


def home(request):
    """Anyone signed in: what they have to do here, by the roles they hold."""
    user = request.user
    roles = [role for role in Role if user_has_role(user=user, role=role)]
    context = {"roles": roles, "Role": Role}
    if user.has_perm("immersion.attend_sessions"):
        context["upcoming"] = immersion.sessions_upcoming(person=user, limit=5)
        context["progress"] = immersion.progress_for(people=[user])[user.pk]
        context["swaps_asked"] = immersion.swap_requests_for(person=user)["asked_of_me"]
        context["todos"] = immersion.todos_for(person=user)
    if user.has_perm("immersion.work_escalations"):
        context["my_escalations"] = immersion.escalations_open_count(user=user)
    if user.has_perm("immersion.manage_programme"):
        context["at_risk"] = immersion.at_risk()
    if user.has_perm("immersion.log_escalation") or user.has_perm("immersion.work_escalations"):
        context["on_shift"] = immersion.officer_on_shift()
    if user.has_perm("immersion.view_programme"):
        context["programme"] = immersion.programme_progress()
    if user.has_perm("frictions.view_frictions"):
        context["frictions"] = frictions_for_home(user=user)
    return render(request, "home.html", context)


@login_not_required
@require_GET
def favicon(request):
    """Anyone (browsers ask for /favicon.ico on pages outside our shell, the admin's too)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Anyone (load balancers): 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not healthy", and says nothing more
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
