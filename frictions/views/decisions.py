"""The decision log: leadership and executives read it; executives and the CX lead record
decisions, their customer-impact assessment, their evidence and what came of them. A decision
is changed only by its owner, its deciders and the CX lead: other executives read it, without
the forms, and a POST from them answers 403."""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.http import form_action, form_page, posted
from core.paging import page_by_keys
from core.permissions import permission_required

from ..filters import DecisionLogFilter
from ..forms import DecisionForm, DecisionStatusForm, EvidenceForm, OutcomeForm
from ..models import Decision
from ..selectors import decision_evidence_find, decision_for, decision_log, decision_record
from ..services.decisions import (
    EVIDENCE_KINDS,
    EVIDENCE_NOT_FOUND_MESSAGE,
    decision_link_evidence,
    decision_may_change,
    decision_record_outcome,
    decision_save,
    decision_set_status,
)
from . import LOG_DECISIONS, VIEW_DECISIONS


@permission_required(VIEW_DECISIONS)
def decision_list(request):
    page = page_by_keys(request, decision_log(filters=request.GET))
    return render(
        request,
        "frictions/decision_list.html",
        {
            "filters": DecisionLogFilter(request.GET).form,
            "page": page,
            "filtered": bool(request.GET),
            "today": timezone.localdate(),
        },
    )


def _changeable(request, pk: int) -> Decision:
    """The decision, or 403 when the person may read it but not change it."""
    decision = get_object_or_404(Decision, pk=pk)
    if not decision_may_change(decision=decision, user=request.user):
        raise PermissionDenied
    return decision


@permission_required(LOG_DECISIONS)
def decision_edit(request, pk: int | None = None):
    decision = _changeable(request, pk) if pk else None
    form = DecisionForm(
        posted(request), instance=decision or Decision(owner=request.user), user=request.user
    )

    def save(*, deciders, friction_reports, **data) -> Decision:
        return decision_save(
            existing=decision,
            by=request.user,
            deciders=list(deciders),
            friction_reports=list(friction_reports),
            **data,
        )

    return form_page(
        request,
        form,
        save,
        template="frictions/decision_form.html",
        success=lambda saved: f"“{saved}” is in the decision log.",
        done_url=lambda saved: saved.get_absolute_url(),
        context={"decision": decision},
    )


def _decision_page(request, decision, *, status=200, **forms):
    decision = decision_for(pk=decision.pk)
    record = decision_record(decision=decision)
    context = {
        "decision": decision,
        "deciders": record.deciders,
        "evidence": record.evidence,
        "resolved_reports": record.resolved_reports,
        "history": record.history,
        "review_due": decision.review_by
        and decision.review_by <= timezone.localdate()
        and not decision.outcome_checked_at,
    }
    context["may_change"] = decision_may_change(decision=decision, user=request.user)
    if context["may_change"]:
        context["status_form"] = forms.get("status_form") or DecisionStatusForm(
            decision=decision, user=request.user
        )
        context["outcome_form"] = forms.get("outcome_form") or OutcomeForm(
            initial={"text": decision.outcome_check, "verdict": decision.outcome_verdict}
        )
        context["evidence_form"] = forms.get("evidence_form") or EvidenceForm()
    return render(request, "frictions/decision_detail.html", context, status=status)


@permission_required(VIEW_DECISIONS)
def decision_detail(request, pk: int):
    return _decision_page(request, get_object_or_404(Decision, pk=pk))


@require_POST
@permission_required(LOG_DECISIONS)
def decision_status(request, pk: int):
    decision = _changeable(request, pk)
    form = DecisionStatusForm(request.POST, decision=decision, user=request.user)
    done = form_action(
        request,
        form,
        partial(decision_set_status, decision=decision, by=request.user),
        success="Status changed; the history says so.",
        done_url=decision.get_absolute_url(),
    )
    return done or _decision_page(request, decision, status_form=form)


@require_POST
@permission_required(LOG_DECISIONS)
def decision_outcome(request, pk: int):
    decision = _changeable(request, pk)
    form = OutcomeForm(request.POST)
    done = form_action(
        request,
        form,
        partial(decision_record_outcome, decision=decision, by=request.user),
        success="Outcome recorded.",
        done_url=decision.get_absolute_url(),
    )
    return done or _decision_page(request, decision, outcome_form=form)


@require_POST
@permission_required(LOG_DECISIONS)
def decision_evidence(request, pk: int):
    decision = _changeable(request, pk)
    form = EvidenceForm(request.POST)

    def link(*, kind: str, number: int) -> None:
        target = decision_evidence_find(user=request.user, kind=kind, number=number)
        if target is None:
            message = EVIDENCE_NOT_FOUND_MESSAGE.format(kind=EVIDENCE_KINDS[kind][1])
            raise ValidationError({"number": message})
        decision_link_evidence(decision=decision, by=request.user, kind=kind, target=target)

    done = form_action(
        request, form, link, success="Evidence linked.", done_url=decision.get_absolute_url()
    )
    return done or _decision_page(request, decision, evidence_form=form)
