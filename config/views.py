"""The pages that belong to no single app: home, the favicon, the health check."""

import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.roles import Role
from accounts.selectors import user_has_role
from frictions.selectors import frictions_for_home
from immersion import selectors as immersion
from metrics.evidence import fade_flag_count
from notifications.tasks import BEAT_LAST_RUN_KEY


def home(request):
    """Anyone signed in: what they have to do here, by the roles they hold."""
    user = request.user
    roles = [role for role in Role if user_has_role(user=user, role=role)]
    context = {"roles": roles, "Role": Role}
    if user.has_perm("immersion.attend_sessions"):
        context["upcoming"] = immersion.sessions_upcoming(person=user, limit=5)
        context["progress"] = immersion.progress_of(person=user)
        context["swaps_asked"] = immersion.swap_requests_for(person=user)["asked_of_me"].count()
        context["todos"] = immersion.todos_of(person=user)
    if user.has_perm("immersion.work_escalations"):
        context["my_escalations"] = immersion.escalations_open_count(user=user)
    if user.has_perm("immersion.manage_programme"):
        context["at_risk"] = immersion.at_risk_count()  # a COUNT: the list is the at-risk page
    if user.has_perm("immersion.log_escalation") or user.has_perm("immersion.work_escalations"):
        # The officer at the person's own desk (their team's; the first desk for the others).
        context["on_shift"] = immersion.officer_on_shift_for(person=user)
    if user.has_perm("immersion.view_programme"):
        context["programme"] = immersion.programme_progress()
    if user.has_perm("frictions.view_frictions"):
        context["frictions"] = frictions_for_home(user=user)
    if user.has_perm("immersion.manage_programme") and user.has_perm("metrics.view_dashboard"):
        context["fade_flags"] = fade_flag_count()
    return render(request, "home.html", context)


@login_not_required
@require_GET
def favicon(request):
    """Anyone (browsers ask for /favicon.ico on pages outside our shell, the admin's too)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


# What /healthz/ checks, each cheap: a request never waits on the broker longer than this.
BROKER_TIMEOUT_SECONDS = 1.5
# A file every page links to: if the static storage cannot name it, every page fails.
KNOWN_STATIC_FILE = "css/app.css"
BEAT_HEARTBEAT = "relay-notifications"


class HealthCheckError(Exception):
    """A check's own verdict, said as its state ("stale")."""


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_broker() -> str:
    from kombu import Connection

    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=BROKER_TIMEOUT_SECONDS,
        transport_options=getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
    ) as broker:
        broker.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
    return "ok"


def _check_static() -> str:
    # Manifest storage raises here when its manifest is missing (no collectstatic).
    staticfiles_storage.url(KNOWN_STATIC_FILE)
    return "ok"


def _check_beat() -> str:
    """Stale once the notification relay (every minute) has not run for five periods; "not yet
    run" until it first has (a new install), which is not a failure. The task records its run
    in the "shared" cache, the one the worker and the web processes share (Redis, or files
    beside the embedded broker)."""
    last_run = caches["shared"].get(BEAT_LAST_RUN_KEY)
    if last_run is None:
        return "not yet run"
    period = settings.CELERY_BEAT_SCHEDULE[BEAT_HEARTBEAT]["schedule"]
    period = getattr(period, "total_seconds", lambda: period)()
    if time.time() - last_run > 5 * period:
        raise HealthCheckError("stale")
    return "ok"


HEALTH_CHECKS = {
    "database": _check_database,
    "broker": _check_broker,
    "static": _check_static,
    "beat": _check_beat,
}


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Anyone (load balancers): each check's state as JSON; 200 when all hold, 503 naming the
    ones that failed (the database, the broker, the static files' manifest, beat's freshness)."""
    checks, failed = {}, []
    for name, check in HEALTH_CHECKS.items():
        try:
            checks[name] = check()
        except HealthCheckError as exc:
            checks[name] = str(exc)
            failed.append(name)
        except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
            # The kind of failure, never its text: it may hold an address or a password.
            checks[name] = f"failed ({type(exc).__name__})"
            failed.append(name)
    body = {"status": "failed" if failed else "ok", "failed": failed, "checks": checks}
    return JsonResponse(body, status=503 if failed else 200)
