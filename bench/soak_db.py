"""The database side of `bench/soak.py`, run by it in a plain process (the load runs under
gevent): who the simulated people are and what they may write to, before the run; after it,
whether every write that was answered is stored.

    .venv/bin/python bench/soak_db.py plan  > plan.json
    .venv/bin/python bench/soak_db.py count < answered.json

`plan` picks people as the generator (demo/scale/) or `seed_demo` writes them: frontline
agents, executives with the places they may still confirm and reflect on (sessions of the last
days, not cancelled, an exposure, not missed, no reflection yet), the CX leads, the leadership
viewers; and takes a watermark of every table the soak writes to (its highest id, or its count
for the holding table, whose key is random). `count` checks each answered write by what it
wrote (a title, a text carrying the run's token, a supporter and report, a place confirmed
since the start) and counts the rows added since the watermark.
"""

import json
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Max  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from frictions.models import (  # noqa: E402
    AnonymousWrite,
    FrictionEvent,
    FrictionReport,
    FrictionSupport,
)
from immersion.models import Participant, Reflection, Session, SessionChange  # noqa: E402
from immersion.models.programme import Pillar  # noqa: E402

PEOPLE_PER_ROLE = 200
PLACES_PER_EXECUTIVE = 40
# A reflection can be written until REFLECTION_EDIT_DAYS after the session ends: keep a day's
# margin so a place does not close during the run.
REFLECTION_WINDOW = timedelta(days=12)


def _emails(role: str) -> list[str]:
    people = User.objects.filter(is_active=True, groups__name=role).order_by("pk")
    return list(people.values_list("email", flat=True)[:PEOPLE_PER_ROLE])


def _places_to_reflect(now) -> dict[int, list[int]]:
    """Per executive, their places a reflection may be written on now."""
    places = (
        Participant.objects.filter(
            is_active=True,
            starts_at__lt=now,
            session__ends_at__lt=now,
            session__ends_at__gt=now - REFLECTION_WINDOW,
            session__activity_type__pillar__in=[Pillar.DIRECT, Pillar.OBSERVATION],
            person__is_active=True,
            person__groups__name=Role.EXECUTIVE,
            reflection__isnull=True,
        )
        .exclude(session__status=Session.Status.CANCELLED)
        .exclude(attendance__in=[Participant.Attendance.MISSED, Participant.Attendance.EXCUSED])
        .order_by("person", "-starts_at")
        .values_list("person", "pk")
    )
    by_person: dict[int, list[int]] = {}
    for person, place in places:
        by_person.setdefault(person, []).append(place)
    return by_person


def _places_to_confirm(people: list[int], now) -> dict[int, list[int]]:
    """Per executive, places of the last 60 days whose attendance may be confirmed (again)."""
    places = (
        Participant.objects.filter(
            person__in=people,
            is_active=True,
            starts_at__lt=now,
            starts_at__gt=now - timedelta(days=60),
        )
        .exclude(session__status=Session.Status.CANCELLED)
        .order_by("person", "-starts_at")
        .values_list("person", "pk")
    )
    by_person: dict[int, list[int]] = {}
    for person, place in places:
        by_person.setdefault(person, []).append(place)
    return by_person


def watermark() -> dict:
    """Where each table the soak writes to stands before the run."""
    highest = {
        "reports": FrictionReport.objects.aggregate(n=Max("pk"))["n"] or 0,
        "supports": FrictionSupport.objects.aggregate(n=Max("pk"))["n"] or 0,
        "events": FrictionEvent.objects.aggregate(n=Max("pk"))["n"] or 0,
        "session_changes": SessionChange.objects.aggregate(n=Max("pk"))["n"] or 0,
        "reflections": Reflection.objects.aggregate(n=Max("pk"))["n"] or 0,
    }
    held = dict(AnonymousWrite.objects.values_list("kind").annotate(n=Count("pk")).order_by("kind"))
    return {"highest": highest, "held": held}


def plan() -> dict:
    now = timezone.now()
    to_reflect = _places_to_reflect(now)
    executives = sorted(to_reflect, key=lambda person: (-len(to_reflect[person]), person))
    executives = executives[:PEOPLE_PER_ROLE]
    if not executives:  # no recent sessions: executives still read and confirm attendance
        executives = list(
            User.objects.filter(is_active=True, groups__name=Role.EXECUTIVE)
            .order_by("pk")
            .values_list("pk", flat=True)[:PEOPLE_PER_ROLE]
        )
    to_confirm = _places_to_confirm(executives, now)
    emails = dict(User.objects.filter(pk__in=executives).values_list("pk", "email"))
    return {
        "database": connection.settings_dict["NAME"],
        "started": now.isoformat(),
        "watermark": watermark(),
        "people": {
            Role.FRONTLINE: _emails(Role.FRONTLINE),
            Role.CX_LEAD: _emails(Role.CX_LEAD),
            Role.LEADERSHIP: _emails(Role.LEADERSHIP),
            Role.EXECUTIVE: [
                {
                    "email": emails[person],
                    "reflect": to_reflect.get(person, [])[:PLACES_PER_EXECUTIVE],
                    "confirm": to_confirm.get(person, [])[:PLACES_PER_EXECUTIVE],
                }
                for person in executives
            ],
        },
    }


def _stored_reports(titles: list[str]) -> set[str]:
    """Titles stored as reports, or waiting in the holding table (anonymous ones)."""
    stored = set(FrictionReport.objects.filter(title__in=titles).values_list("title", flat=True))
    held = AnonymousWrite.objects.filter(
        kind=AnonymousWrite.Kind.REPORT, data__title__in=titles
    ).values_list("data__title", flat=True)
    return stored | set(held)


def _stored_named_supports(supports: list[dict]) -> int:
    pairs = {(s["report"], s["email"]) for s in supports}
    if not pairs:
        return 0
    found = FrictionSupport.objects.filter(
        report__in={report for report, _ in pairs},
        supporter__email__in={email for _, email in pairs},
    ).values_list("report", "supporter__email")
    return len(pairs & set(found))


def _stored_events(kind: str, texts: list[str]) -> int:
    return FrictionEvent.objects.filter(kind=kind, text__in=texts).values("text").distinct().count()


def count(answered: dict) -> dict:
    """Each kind: how many answered writes are found stored, and how many rows were added."""
    before = answered["watermark"]
    highest, held_before = before["highest"], before["held"]
    now_held = dict(
        AnonymousWrite.objects.values_list("kind").annotate(n=Count("pk")).order_by("kind")
    )

    def held(kind: str) -> int:
        return now_held.get(kind, 0) - held_before.get(kind, 0)

    writes = answered["writes"]
    started = datetime.fromisoformat(answered["started"])
    named = [w["title"] for w in writes["file, named"]]
    anonymous = [w["title"] for w in writes["file, anonymous"]]
    new_reports = FrictionReport.objects.filter(pk__gt=highest["reports"])
    new_supports = FrictionSupport.objects.filter(pk__gt=highest["supports"])
    new_events = FrictionEvent.objects.filter(pk__gt=highest["events"])
    places = {w["place"] for w in writes["confirm attendance"]}
    reflected = {w["place"]: w["text"] for w in writes["reflect"]}
    return {
        "file, named": {
            "stored": len(_stored_reports(named)),
            "added": new_reports.filter(is_anonymous=False).count(),
        },
        "file, anonymous": {
            "stored": len(_stored_reports(anonymous)),
            "added": new_reports.filter(is_anonymous=True).count() + held("report"),
            "held": now_held.get("report", 0),
        },
        "me too, named": {
            "stored": _stored_named_supports(writes["me too, named"]),
            "added": new_supports.filter(supporter__isnull=False).count(),
        },
        "me too, anonymous": {
            # Nothing ties an anonymous support to its giver: counted, not matched.
            "stored": new_supports.filter(supporter__isnull=True).count() + held("support"),
            "added": new_supports.filter(supporter__isnull=True).count() + held("support"),
            "held": now_held.get("support", 0),
        },
        "triage: owner": {
            "stored": _stored_events(
                FrictionEvent.Kind.TRIAGED, [w["text"] for w in writes["triage: owner"]]
            ),
            "added": new_events.filter(kind=FrictionEvent.Kind.TRIAGED).count(),
        },
        "triage: acknowledge": {
            "stored": _stored_events(
                FrictionEvent.Kind.STATUS, [w["text"] for w in writes["triage: acknowledge"]]
            ),
            "added": new_events.filter(
                kind=FrictionEvent.Kind.STATUS, changes__status__1="Acknowledged"
            ).count(),
        },
        "triage: status": {
            "stored": _stored_events(
                FrictionEvent.Kind.STATUS, [w["text"] for w in writes["triage: status"]]
            ),
            "added": new_events.filter(kind=FrictionEvent.Kind.STATUS)
            .exclude(changes__status__1="Acknowledged")
            .count(),
        },
        "confirm attendance": {
            "stored": Participant.objects.filter(pk__in=places, confirmed_at__gte=started).count(),
            "added": SessionChange.objects.filter(
                pk__gt=highest["session_changes"], kind=SessionChange.Kind.ATTENDANCE
            ).count(),
        },
        "reflect": {
            "stored": Reflection.objects.filter(
                participant__in=reflected, surprised__in=list(reflected.values())
            ).count(),
            "added": Reflection.objects.filter(pk__gt=highest["reflections"]).count(),
        },
    }


def main() -> None:
    if sys.argv[1:] == ["plan"]:
        json.dump(plan(), sys.stdout)
    elif sys.argv[1:] == ["count"]:
        json.dump(count(json.load(sys.stdin)), sys.stdout)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
