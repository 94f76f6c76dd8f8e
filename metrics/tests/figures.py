"""Stored roll-ups made by hand, for the tests of the pages that read only them (the dashboard,
the exports and the pack): today is 26 November 2026 (2026Q4) in all of them."""

from datetime import UTC, datetime, timedelta

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory
from frictions.models import Decision
from immersion.models import CadenceTarget
from immersion.tests.factories import SessionFactory, activity
from metrics.definitions import compliance_key
from metrics.models import QuarterFigure, QuarterRollup

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
ORG = ("org", None)


def store(quarter: str, figures: dict, *, closed=False, computed_at=NOW) -> QuarterRollup:
    """A roll-up of `quarter` holding `figures`: {(scope, scope id): {metric: value}}."""
    rollup = QuarterRollup.objects.create(quarter=quarter, computed_at=computed_at, closed=closed)
    QuarterFigure.objects.bulk_create(
        QuarterFigure(rollup=rollup, metric=metric, scope=scope, scope_id=scope_id, value=value)
        for (scope, scope_id), values in figures.items()
        for metric, value in values.items()
    )
    return rollup


def store_organisation_of(size: int, make_user, *, quarters=("2026Q3", "2026Q4")) -> None:
    """`size` departments and executives (one each), every metric stored for them and the
    organisation in `quarters`: what a two-size query count grows."""
    QuarterRollup.objects.all().delete()
    departments = [DepartmentFactory(name=f"Size {size} dept {n}") for n in range(size)]
    people = [
        make_user(roles=[Role.EXECUTIVE], department=departments[n % size]) for n in range(size)
    ]
    for quarter in quarters:
        figures = {ORG: Q4_ORG}
        figures |= {("department", d.pk): Q4_ORG for d in departments}
        figures |= {("executive", p.pk): Q4_ORG for p in people}
        store(quarter, figures)


def decision_changed_after(owner, changed_at, *, title="Refund limit") -> Decision:
    """A decision of `owner`'s reversed at `changed_at`, resting on a session of theirs a
    week before: changed after customer exposure."""
    made = Decision.objects.create(
        title=title,
        area="policy",
        context="Agents cannot refund above 50 euros.",
        decision="Raise the limit to 200 euros.",
        owner=owner,
        created_by=owner,
        status="reversed",
        changed_at=changed_at,
    )
    made.sessions.add(SessionFactory(people=[owner], starts_at=changed_at - timedelta(days=7)))
    return made


# Every metric for the organisation, in 2026Q3 and 2026Q4.
Q3_ORG = {
    "exposure_hours": 10.0,
    "interactions_observed": 12.0,
    "journey_completion": 0.5,
    "reviews_held": 4.0,
    "decisions_changed_after_exposure": 1.0,
    "policies_changed_from_feedback": 2.0,
    "decisions_with_impact_assessment": 0.75,
    "reports_past_due": 3.0,
    "resolution_days_median": 4.25,
    "resolution_days_p90": 9.0,
}
Q4_ORG = {
    "exposure_hours": 12.5,
    "interactions_observed": 15.0,
    "journey_completion": 0.625,
    "reviews_held": 4.0,
    "decisions_changed_after_exposure": 3.0,
    "policies_changed_from_feedback": 1.0,
    "decisions_with_impact_assessment": None,
    "reports_past_due": 0.0,
    "resolution_days_median": 3.0,
    "resolution_days_p90": 8.26,
}


def listened(person, *, at=datetime(2026, 10, 6, 10, tzinfo=UTC)):
    """A two-hour call-listening session of 2026Q4 that `person` attended, recording 90 minutes
    and 6 interactions observed."""
    session = SessionFactory(
        people=[person],
        activity_type=activity("call-listening"),
        starts_at=at,
        ends_at=at + timedelta(hours=2),
    )
    session.participants.update(attendance="attended", actual_minutes=90, interactions_observed=6)
    return session


def listening() -> str:
    """The migration's call-listening target (2 hours a month, each executive), as a key."""
    return compliance_key(CadenceTarget.objects.get(activity_type__slug="call-listening").pk)
