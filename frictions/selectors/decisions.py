"""Reads of the decision log: "changed after customer exposure" is computed from the evidence
links, never ticked by hand."""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from immersion.models import Session

from ..models import Decision


def decisions_with_exposure(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    """Each decision annotated `changed_after_exposure`: changed or reversed, with a session,
    reflection, journey or friction report among its evidence dated before the change."""
    changed = OuterRef("changed_at")
    me = OuterRef("pk")
    exposures = [
        Decision.sessions.through.objects.filter(
            decision_id=me, session__starts_at__lt=changed
        ).exclude(session__status=Session.Status.CANCELLED),
        Decision.reflections.through.objects.filter(
            decision_id=me, reflection__created_at__lt=changed
        ),
        Decision.journeys.through.objects.filter(
            decision_id=me, journeyexercise__started_at__lt=changed
        ),
        Decision.friction_reports.through.objects.filter(
            decision_id=me, frictionreport__created_at__lt=changed
        ),
    ]
    annotated = decisions.annotate(
        **{f"exposure_{n}": Exists(query) for n, query in enumerate(exposures)}
    )
    any_exposure = Q()
    for n in range(len(exposures)):
        any_exposure |= Q(**{f"exposure_{n}": True})
    return annotated.annotate(
        changed_after_exposure=ExpressionWrapper(
            Q(changed_at__isnull=False) & any_exposure, output_field=BooleanField()
        )
    )


def decisions_changed_after_exposure() -> QuerySet[Decision]:
    """The outcome the programme exists for, counted by a query (metrics read this)."""
    return decisions_with_exposure(Decision.objects.all()).filter(changed_after_exposure=True)
