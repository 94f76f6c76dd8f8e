"""The pages that belong to no single app: home, and the health check for load balancers."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.roles import Role
from accounts.selectors import user_has_role


def home(request):
    """Anyone signed in: what they have to do here, by the roles they hold."""
    roles = [role for role in Role if user_has_role(user=request.user, role=role)]
    return render(request, "home.html", {"roles": roles, "Role": Role})


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
