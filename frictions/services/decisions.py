"""The decision log's writes, with their rules. The reads that count decisions changed after
customer exposure are selectors (`frictions/selectors/decisions.py`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.ranges import date_range_check

from ..models import Decision, DecisionEvent

NEEDS_ASSESSMENT_MESSAGE = (
    "Write the customer-impact assessment (who is affected, the expected effect, the evidence) "
    "before approving."
)
TRANSITION_MESSAGE = "A decision that is {current} cannot become {wanted}."
SUPERSEDED_BY_MESSAGE = "Choose the decision that supersedes this one."
OUTCOME_REQUIRED_MESSAGE = "Write what happened."
VERDICT_REQUIRED_MESSAGE = "Say whether the change held, partly held or was undone."
NOT_ALLOWED_MESSAGE = "Only executives and the CX lead record decisions."
EVIDENCE_NOT_FOUND_MESSAGE = "No {kind} with that number that you may see."
NOT_YOURS_MESSAGE = "Only the decision's owner, its deciders and the CX lead may change it."
# The CX lead's mark: the permission to triage friction reports, which executives do not hold.
CX_LEAD = "frictions.triage_frictions"

DECISION_TRANSITIONS = {
    Decision.Status.PROPOSED: {Decision.Status.APPROVED, Decision.Status.REJECTED},
    Decision.Status.REJECTED: {Decision.Status.PROPOSED},
    Decision.Status.APPROVED: {Decision.Status.SUPERSEDED, Decision.Status.REVERSED},
}
TRACKED = [
    "title",
    "area",
    "context",
    "options_considered",
    "decision",
    "owner",
    "decided_on",
    "review_by",
    "impact_who",
    "impact_effect",
    "impact_evidence",
]


def _shown(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _check(by: User) -> None:
    if not by.has_perm("frictions.log_decisions"):
        raise ValidationError(NOT_ALLOWED_MESSAGE)


def decision_may_change(*, decision: Decision, user: User) -> bool:
    """Whether `user` may change `decision` (edit, status, outcome, evidence).

    Rule: executives own their decisions. Only its owner, its deciders and the CX lead may change
    a decision; other executives read it."""
    if not user.has_perm("frictions.log_decisions"):
        return False
    if user.has_perm(CX_LEAD) or decision.owner_id == user.pk:
        return True
    return decision.deciders.filter(pk=user.pk).exists()


def _check_owner(decision: Decision, by: User) -> None:
    _check(by)
    if not decision_may_change(decision=decision, user=by):
        raise ValidationError(NOT_YOURS_MESSAGE)


@transaction.atomic
def decision_save(
    *,
    existing: Decision | None = None,
    by: User,
    deciders=(),
    friction_reports=(),
    **fields,
) -> Decision:
    """Record a decision, or change one; every change is kept (who, when, what). Changing what
    an approved decision says counts as changing the decision."""
    _check(by)
    date_range_check(decided_on=fields.get("decided_on"), review_by=fields.get("review_by"))
    creating = existing is None
    decision = (
        Decision(created_by=by)
        if creating
        else Decision.objects.select_for_update().get(pk=existing.pk)  # never a stale copy
    )
    if not creating:
        _check_owner(decision, by)
    changes = {}
    for name in TRACKED:
        if name not in fields:
            continue
        new = fields[name]
        if not creating and (old := getattr(decision, name)) != new:
            changes[Decision._meta.get_field(name).verbose_name] = [_shown(old), _shown(new)]
        setattr(decision, name, new)
    if not creating and decision.status == Decision.Status.APPROVED and "the decision" in changes:
        decision.changed_at = timezone.now()
    decision.full_clean()
    decision.save()
    old_deciders = set() if creating else set(decision.deciders.all())
    decision.deciders.set(deciders)
    if not creating and old_deciders != set(deciders):
        changes["deciders"] = [
            ", ".join(sorted(map(str, old_deciders))),
            ", ".join(sorted(map(str, deciders))),
        ]
    added = set(friction_reports) - (set() if creating else set(decision.friction_reports.all()))
    decision.friction_reports.add(*friction_reports)
    if added and not creating:
        changes["friction reports linked"] = ["", ", ".join(sorted(f"#{r.pk}" for r in added))]
    if creating or changes:
        DecisionEvent.objects.create(
            decision=decision,
            actor=by,
            text="Recorded." if creating else "",
            changes=changes,
        )
    return decision


@transaction.atomic
def decision_set_status(
    *,
    decision: Decision,
    by: User,
    status: str,
    note: str = "",
    superseded_by: Decision | None = None,
) -> Decision:
    """proposed → approved (only with its customer-impact assessment) or rejected; approved →
    superseded (by another decision) or reversed, which count as changing it. Only its owner,
    its deciders and the CX lead change it."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _check_owner(decision, by)
    if status not in DECISION_TRANSITIONS.get(decision.status, set()):
        raise ValidationError(
            TRANSITION_MESSAGE.format(
                current=decision.get_status_display().lower(),
                wanted=Decision.Status(status).label.lower()
                if status in Decision.Status.values
                else status,
            )
        )
    if status == Decision.Status.APPROVED and not decision.has_assessment:
        raise ValidationError(NEEDS_ASSESSMENT_MESSAGE)
    if status == Decision.Status.SUPERSEDED and (
        superseded_by is None or superseded_by.pk == decision.pk
    ):
        raise ValidationError({"superseded_by": SUPERSEDED_BY_MESSAGE})
    previous = decision.get_status_display()
    decision.status = status
    if status == Decision.Status.APPROVED and decision.decided_on is None:
        decision.decided_on = timezone.localdate()
    if status in (Decision.Status.SUPERSEDED, Decision.Status.REVERSED):
        decision.changed_at = timezone.now()
        decision.superseded_by = superseded_by
    decision.full_clean()
    decision.save()
    DecisionEvent.objects.create(
        decision=decision,
        actor=by,
        text=note.strip(),
        changes={"status": [previous, decision.get_status_display()]},
    )
    return decision


def decision_record_outcome(*, decision: Decision, by: User, text: str, verdict: str) -> Decision:
    """The outcome check when the review-by date comes: whether the change held (the verdict)
    and what actually happened. Only its owner, its deciders and the CX lead record it."""
    _check_owner(decision, by)
    errors = {}
    if verdict not in Decision.Verdict.values:
        errors["verdict"] = VERDICT_REQUIRED_MESSAGE
    if not text.strip():
        errors["text"] = OUTCOME_REQUIRED_MESSAGE
    if errors:
        raise ValidationError(errors)
    before = decision.get_outcome_verdict_display()
    decision.outcome_check = text.strip()
    decision.outcome_verdict = verdict
    decision.outcome_checked_at = timezone.now()
    decision.save(update_fields=["outcome_check", "outcome_verdict", "outcome_checked_at"])
    DecisionEvent.objects.create(
        decision=decision,
        actor=by,
        text="Outcome checked.",
        changes={
            "outcome": ["", text[:80]],
            "verdict": [before, decision.get_outcome_verdict_display()],
        },
    )
    return decision


EVIDENCE_KINDS = {
    "friction_report": ("friction_reports", "friction report"),
    "session": ("sessions", "session"),
    "reflection": ("reflections", "reflection"),
    "journey": ("journeys", "journey"),
    "escalation": ("escalations", "escalation"),
}


def decision_link_evidence(*, decision: Decision, by: User, kind: str, target) -> None:
    """Link one piece of evidence; the history says so. Only the decision's owner, its deciders
    and the CX lead link it."""
    _check_owner(decision, by)
    field, label = EVIDENCE_KINDS[kind]
    getattr(decision, field).add(target)
    DecisionEvent.objects.create(
        decision=decision, actor=by, text=f"Evidence linked: {label} “{target}”."
    )
