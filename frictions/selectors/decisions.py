"""Reads of the decision log: "changed after customer exposure" is computed from the evidence
links, never ticked by hand."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
)

from accounts.models import User
from core.queries import counted
from immersion.models import Session
from immersion.selectors import (
    escalations_visible_to,
    journey_exercise_for,
    reflections_visible_to,
    session_for_viewer,
)

from ..filters import DecisionLogFilter
from ..models import Decision, DecisionEvent, FrictionReport
from .reports import friction_reports_visible_to, typed_number

# The kinds of evidence a decision links to (its many-to-many fields).
EVIDENCE_LINKS = ("friction_reports", "sessions", "reflections", "journeys", "escalations")


def _exposures() -> dict[str, QuerySet]:
    """The links to evidence of each kind, of the outer decision, dated before its change."""
    changed = OuterRef("changed_at")
    me = OuterRef("pk")
    return {
        "sessions": Decision.sessions.through.objects.filter(
            decision_id=me, session__starts_at__lt=changed
        ).exclude(session__status=Session.Status.CANCELLED),
        "reflections": Decision.reflections.through.objects.filter(
            decision_id=me, reflection__created_at__lt=changed
        ),
        "journeys": Decision.journeys.through.objects.filter(
            decision_id=me, journeyexercise__started_at__lt=changed
        ),
        "escalations": Decision.escalations.through.objects.filter(
            decision_id=me, escalation__logged_at__lt=changed
        ),
        "friction_reports": Decision.friction_reports.through.objects.filter(
            decision_id=me, frictionreport__created_at__lt=changed
        ),
    }


def decisions_with_exposure(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    """Each decision annotated `changed_after_exposure`: changed or reversed, with a session,
    reflection, journey, escalation or friction report among its evidence dated before the
    change. One EXISTS per kind of evidence, written once in the expression (annotating each
    and then combining them printed every EXISTS twice)."""
    any_exposure = Q()
    for links in _exposures().values():
        any_exposure |= Q(Exists(links))
    return decisions.annotate(
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


def decision_log(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Decision]:
    """The decision log filtered by `filters.DecisionLogFilter` (status, area), newest first;
    each decision with its owner, how many pieces of evidence it rests on (`evidence_count`)
    and whether it changed after customer exposure. A filter value that is not valid is left
    out."""
    rows = _decision_log_rows().all()  # a fresh copy: the one kept is never evaluated
    return DecisionLogFilter(filters or {}, queryset=rows).qs.order_by("-created_at", "-pk")


@cache
def _decision_log_rows() -> QuerySet[Decision]:
    """Every decision annotated as the log shows it, built once per process: resolving its ten
    subqueries was ~4.5 ms of every view of the log, and nothing in them changes per view."""
    # Counted per decision by a subquery on each link table: counting over a join of the five
    # multiplied the rows (a many-to-many fan-out) and took 5.8 s at 1,500 decisions.
    evidence_count = sum(
        (
            counted(
                getattr(Decision, kind).through.objects.filter(decision_id=OuterRef("pk")),
                "decision_id",
            )
            for kind in EVIDENCE_LINKS
        ),
        start=Value(0),
    )
    return decisions_with_exposure(
        Decision.objects.select_related("owner").annotate(evidence_count=evidence_count)
    )


def decision_for(*, pk: int) -> Decision | None:
    """One decision with what its page shows (its owner, what superseded it, whether it changed
    after customer exposure); None when there is no such decision."""
    return (
        decisions_with_exposure(Decision.objects.select_related("owner", "superseded_by"))
        .filter(pk=pk)
        .first()
    )


@dataclass
class DecisionRecord:
    """What a decision's page lists beside the decision: who decided, the evidence by kind, the
    reports it resolved and its history."""

    deciders: QuerySet[User]
    evidence: dict[str, QuerySet]
    resolved_reports: QuerySet[FrictionReport]
    history: QuerySet[DecisionEvent]


def decision_record(*, decision: Decision) -> DecisionRecord:
    """The lists on a decision's page, each with what it shows loaded up front (one query a
    list, whatever its length)."""
    return DecisionRecord(
        deciders=decision.deciders.all(),
        evidence={
            "Friction reports": decision.friction_reports.all(),
            "Sessions": decision.sessions.select_related("activity_type"),
            "Reflections": decision.reflections.select_related(
                "participant__person", "participant__session__activity_type"
            ),
            "Journeys walked": decision.journeys.select_related("template", "participant__person"),
            "Escalations": decision.escalations.all(),
        },
        resolved_reports=decision.resolved_reports.all(),
        history=decision.events.select_related("actor"),
    )


def decision_evidence_find(*, user: User, kind: str, number: int) -> Model | None:
    """The piece of evidence of `kind` (a key of `services.decisions.EVIDENCE_KINDS`) with that
    number, if `user` may see it; None otherwise, whether it is missing or hidden."""
    if kind == "friction_report":
        return friction_reports_visible_to(user=user).filter(pk=number).first()
    if kind == "session":
        return session_for_viewer(user=user, pk=number)
    if kind == "reflection":
        return reflections_visible_to(user=user).filter(pk=number).first()
    if kind == "journey":
        return journey_exercise_for(user=user, pk=number)
    if kind == "escalation":
        return escalations_visible_to(user=user).filter(pk=number).first()
    raise ValueError(f"No evidence of kind {kind!r}")
