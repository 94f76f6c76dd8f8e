"""The two commands' moving parts: the demo seed, the health check, production's refusals."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.models import Department, FrontlineTeam, User
from demo.management.commands.seed_demo import REFUSED_MESSAGE
from frictions.models import FrictionReport, ReviewItem
from frictions.selectors import decisions_changed_after_exposure
from immersion.models import (
    CustomerCall,
    Escalation,
    JourneyStepResult,
    Reflection,
    Rotation,
    Session,
    SwapRequest,
)
from immersion.selectors import todos_for


@pytest.mark.django_db
def test_seed_demo_builds_the_organisation_and_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "priya.nair@example.com" in out
    assert "proximity-demo" in out

    def shape():
        roles = dict(
            User.objects.filter(groups__isnull=False)
            .values_list("groups__name")
            .annotate(n=Count("pk"))
        )
        executives = User.objects.filter(groups__name="executive")
        return {
            "roles": roles,
            "departments_with_executives": executives.values("department").distinct().count(),
            # Sorted: rows a second run rewrote come back from PostgreSQL in another order.
            "teams": sorted(
                FrontlineTeam.objects.annotate(n=Count("members")).values_list("name", "n")
            ),
            "people": User.objects.count(),
            "managerless": list(
                User.objects.filter(manager__isnull=True).values_list("email", flat=True)
            ),
        }

    first = shape()
    assert first["roles"] == {"cx_lead": 1, "leadership": 2, "executive": 12, "frontline": 30}
    assert first["departments_with_executives"] == 6
    assert sorted(first["teams"]) == [
        ("Chat and e-mail", 10),
        ("Field service", 10),
        ("Phone support", 10),
    ]
    # Everyone but the CEO (and the technical admin) has a manager chain to follow.
    assert sorted(first["managerless"]) == ["admin@example.com", "helena.brandt@example.com"]
    agent = User.objects.get(email="bea.santos@example.com")
    chain = []
    while agent.manager:
        agent = agent.manager
        chain.append(agent.title)
    assert chain == [
        "Team lead",
        "Head of Customer Experience",
        "Chief Operating Officer",
        "Chief Executive Officer",
    ]

    call_command("seed_demo")
    again = shape()
    assert {k: list(v) if k == "teams" else v for k, v in again.items()} == {
        k: list(v) if k == "teams" else v for k, v in first.items()
    }
    assert Department.objects.filter(name="Product").count() == 1


@pytest.mark.django_db
def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match=REFUSED_MESSAGE):
        call_command("seed_demo")
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_healthz_answers_ok_without_signing_in(client):
    response = client.get("/healthz/")
    assert (response.status_code, response.json()["status"]) == (200, "ok")
    assert "no-cache" in response["Cache-Control"]


def _production_import(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _production_import(
        DJANGO_ALLOWED_HOSTS="proximity.example.com", DATABASE_URL="postgres://x@localhost/x"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_refuse_to_start_without_a_database_url():
    result = _production_import(DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_every_response_carries_a_content_security_policy(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_seed_demo_leaves_a_programme_in_motion(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert set(Rotation.objects.values_list("activity_type__slug", flat=True)) == {
        "call-listening",
        "officer-of-the-day",
        "friction-review",
    }
    assert Session.objects.filter(participants__attendance="attended").exists()
    assert SwapRequest.objects.filter(status="pending").count() == 1
    assert Escalation.objects.filter(status="open").count() == 1
    sessions = Session.objects.count()

    assert Reflection.objects.filter(frictions__isnull=False).exists()
    assert JourneyStepResult.objects.filter(worked=False).exists()
    assert not CustomerCall.objects.filter(customer__do_not_contact=True).exists()
    demo = User.objects.get(email="sofia.lindqvist@example.com")
    todos = todos_for(person=demo)
    assert todos.journeys, "her journey is half walked"
    assert todos.calls, "customers are waiting for her call"

    assert FrictionReport.objects.filter(is_anonymous=True, reporter__isnull=True).exists()
    assert FrictionReport.objects.filter(decision__isnull=False, status="resolved").exists()
    assert any(r.is_overdue() for r in FrictionReport.objects.all())
    assert decisions_changed_after_exposure().exists()
    assert ReviewItem.objects.exists()
    call_command("seed_demo")
    assert Session.objects.count() == sessions
