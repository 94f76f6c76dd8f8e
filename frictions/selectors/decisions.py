"""Reads of the decision log: "changed after customer exposure" is computed from the evidence
links, never ticked by hand."""

import re

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from accounts.models import User
from immersion.models import Session

from ..models import Decision
from .reports import typed_number


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


def decisions_visible_to(*, user: User) -> QuerySet[Decision]:
    """The decisions `user` may read: the whole log with `view_decisions`, nothing without."""
    if user.has_perm("frictions.view_decisions"):
        return Decision.objects.all()
    return Decision.objects.none()


def decision_lookup(
    *, user: User, text: str, exclude: int | None = None, limit: int = 5
) -> list[Decision]:
    """Decisions to name by number, found from what is typed: the decision with that number,
    then those whose title holds every word typed, newest first. Rejected decisions are left
    out: nothing resolves or supersedes by one. Never more than `limit`; only what `user` may
    read."""
    decisions = decisions_visible_to(user=user).exclude(status=Decision.Status.REJECTED)
    if exclude:
        decisions = decisions.exclude(pk=exclude)
    found: list[Decision] = []
    if number := typed_number(text):
        found.extend(decisions.filter(pk=number))
    words = [w for w in re.findall(r"\w+", text.lower()) if len(w) > 2 and not w.isdigit()]
    if words:
        match = Q()
        for word in words[:5]:
            match &= Q(title__icontains=word)
        found.extend(
            d for d in decisions.filter(match).order_by("-pk")[: limit + 1] if d not in found
        )
    return found[:limit]
