"""Reads for the CX lead's set-up pages: targets (as they are, and as they were, for the
metrics app), the activity catalogue, holidays, and the rotations published from the builder."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, QuerySet

from accounts.models import FrontlineTeam, User
from core.calendar import org_today
from core.models import Holiday

from ..models import (
    ActivityType,
    CadenceTarget,
    CadenceTargetVersion,
    CadenceTerms,
    OfficerDesk,
    Rotation,
    Session,
)


def cadence_targets() -> QuerySet[CadenceTarget]:
    """Every cadence target, with its activity and department."""
    return CadenceTarget.objects.select_related("activity_type", "department")


def cadence_targets_in_force(*, first_day: date, last_day: date) -> list[CadenceTerms]:
    """Each cadence target in force at some time from `first_day` to `last_day` (both
    included), as the version in force on `last_day`, or, for a target that ended (stopped
    being in force) before then, its last version in force: the terms by which that span is
    judged. Each has `target_key`, the target's id whatever the version. Ordered like the
    setup page. Two queries, whatever the number of targets and changes."""
    shown = ("activity_type", "department")
    versions = [
        *CadenceTargetVersion.objects.filter(
            valid_from__lte=last_day, valid_until__gt=first_day, is_active=True
        ).select_related(*shown),
        *CadenceTarget.objects.filter(valid_from__lte=last_day, is_active=True).select_related(
            *shown
        ),
    ]
    latest: dict[int, CadenceTerms] = {}
    for version in sorted(versions, key=lambda v: v.valid_from):
        latest[version.target_key] = version
    return sorted(
        latest.values(), key=lambda v: (v.activity_type.name, v.period, str(v), v.target_key)
    )


def activity_types_with_counts() -> QuerySet[ActivityType]:
    """The activity catalogue, each with how many sessions it has had."""
    return ActivityType.objects.annotate(sessions_count=Count("sessions"))


def holidays_upcoming() -> QuerySet[Holiday]:
    """Holidays from today on (the organisation's today)."""
    return Holiday.objects.filter(date__gte=org_today())


def rotations_published() -> QuerySet[Rotation]:
    """Published rotations, newest first, with their activity and who published them."""
    return Rotation.objects.select_related("activity_type", "published_by")


def rotation_sessions(*, rotation: Rotation) -> QuerySet[Session]:
    """The sessions a rotation made, in time order, with hosts and participants loaded."""
    return (
        rotation.sessions.select_related("host_team", "host_agent", "desk")
        .prefetch_related("participants__person")
        .order_by("starts_at")
    )


def people_by_pk(*, pks: Iterable[int]) -> dict[int, User]:
    """The people with these ids, by id (one query; ids of people gone are left out)."""
    return {person.pk: person for person in User.objects.filter(pk__in=list(pks))}


def teams_by_pk() -> dict[int, FrontlineTeam]:
    """Every frontline team, by id."""
    return {team.pk: team for team in FrontlineTeam.objects.all()}


def desks_by_pk() -> dict[int, OfficerDesk]:
    """Every Officer of the Day desk, by id."""
    return OfficerDesk.objects.in_bulk()
