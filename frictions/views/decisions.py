"""The decision log: leadership and executives read it; executives and the CX lead record
decisions, their customer-impact assessment, their evidence and what came of them."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.http import error_text, errors_onto, form_action, posted
from core.permissions import permission_required
from immersion.selectors import (
    escalations_visible_to,
    journey_exercise_for,
    reflections_visible_to,
    session_for_viewer,
)

from ..forms import DecisionForm, DecisionStatusForm, EvidenceForm, OutcomeForm
from ..models import Area, Decision, FrictionReport
from ..selectors import decisions_with_exposure
from ..services.decisions import (
    EVIDENCE_KINDS,
    EVIDENCE_NOT_FOUND_MESSAGE,
    decision_link_evidence,
    decision_record_outcome,
    decision_save,
    decision_set_status,
)
from . import LOG_DECISIONS, VIEW_DECISIONS


@permission_required(VIEW_DECISIONS)
def decision_list(request):
    decisions = decisions_with_exposure(
        Decision.objects.select_related("owner").annotate(
            evidence_count=Count("friction_reports", distinct=True)
            + Count("sessions", distinct=True)
            + Count("reflections", distinct=True)
            + Count("journeys", distinct=True)
            + Count("escalations", distinct=True)
        )
    )
    status = request.GET.get("status", "")
    area = request.GET.get("area", "")
    if status in Decision.Status.values:
        decisions = decisions.filter(status=status)
    if area in Area.values:
        decisions = decisions.filter(area=area)
    return render(
        request,
        "frictions/decision_list.html",
        {
            "decisions": decisions,
            "statuses": Decision.Status.choices,
            "areas": Area.choices,
            "status": status,
            "area": area,
            "today": timezone.localdate(),
        },
    )


@permission_required(LOG_DECISIONS)
def decision_edit(request, pk: int | None = None):
    decision = get_object_or_404(Decision, pk=pk) if pk else None
    form = DecisionForm(
        posted(request), instance=decision or Decision(owner=request.user), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = decision_save(
                existing=decision,
                by=request.user,
                deciders=list(data.pop("deciders")),
                friction_reports=list(data.pop("friction_reports")),
                **data,
            )
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            messages.success(request, f"“{decision}” is in the decision log.")
            return redirect(decision.get_absolute_url())
    return render(request, "frictions/decision_form.html", {"form": form, "decision": decision})


def _decision_page(request, decision, *, status=200, **forms):
    decision = (
        decisions_with_exposure(Decision.objects.select_related("owner", "superseded_by"))
        .filter(pk=decision.pk)
        .first()
    )
    context = {
        "decision": decision,
        "deciders": decision.deciders.all(),
        "evidence": {
            "Friction reports": decision.friction_reports.all(),
            "Sessions": decision.sessions.select_related("activity_type"),
            "Reflections": decision.reflections.select_related(
                "participant__person", "participant__session__activity_type"
            ),
            "Journeys walked": decision.journeys.select_related("template", "participant__person"),
            "Escalations": decision.escalations.all(),
        },
        "resolved_reports": decision.resolved_reports.all(),
        "history": decision.events.select_related("actor"),
        "review_due": decision.review_by
        and decision.review_by <= timezone.localdate()
        and not decision.outcome_checked_at,
    }
    if request.user.has_perm(LOG_DECISIONS):
        context["status_form"] = forms.get("status_form") or DecisionStatusForm(
            decision=decision, user=request.user
        )
        context["outcome_form"] = forms.get("outcome_form") or OutcomeForm(
            initial={"text": decision.outcome_check}
        )
        context["evidence_form"] = forms.get("evidence_form") or EvidenceForm()
    return render(request, "frictions/decision_detail.html", context, status=status)


@permission_required(VIEW_DECISIONS)
def decision_detail(request, pk: int):
    return _decision_page(request, get_object_or_404(Decision, pk=pk))


@require_POST
@permission_required(LOG_DECISIONS)
def decision_status(request, pk: int):
    decision = get_object_or_404(Decision, pk=pk)
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
    decision = get_object_or_404(Decision, pk=pk)
    form = OutcomeForm(request.POST)
    done = form_action(
        request,
        form,
        partial(decision_record_outcome, decision=decision, by=request.user),
        success="Outcome recorded.",
        done_url=decision.get_absolute_url(),
    )
    return done or _decision_page(request, decision, outcome_form=form)


def _evidence(user, kind: str, number: int):
    """The piece of evidence, if `user` may see it."""
    if kind == "friction_report":
        return FrictionReport.objects.filter(pk=number).first()
    if kind == "session":
        return session_for_viewer(user=user, pk=number)
    if kind == "reflection":
        return reflections_visible_to(user=user).filter(pk=number).first()
    if kind == "journey":
        return journey_exercise_for(user=user, pk=number)
    if kind == "escalation":
        return escalations_visible_to(user=user).filter(pk=number).first()
    raise Http404


@require_POST
@permission_required(LOG_DECISIONS)
def decision_evidence(request, pk: int):
    decision = get_object_or_404(Decision, pk=pk)
    form = EvidenceForm(request.POST)
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        target = _evidence(request.user, kind, form.cleaned_data["number"])
        if target is None:
            form.add_error(
                "number", EVIDENCE_NOT_FOUND_MESSAGE.format(kind=EVIDENCE_KINDS[kind][1])
            )
        else:
            try:
                decision_link_evidence(decision=decision, by=request.user, kind=kind, target=target)
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, "Evidence linked.")
            return redirect(decision.get_absolute_url())
    return _decision_page(request, decision, evidence_form=form)
