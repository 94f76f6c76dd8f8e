"""Officer of the Day escalations: frontline agents and the CX lead log them; the officer on
shift (or the CX lead) resolves them."""

from functools import partial

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from core.http import form_page, posted
from core.permissions import permission_required

from ..forms import EscalationForm, ResolveForm
from ..models import Escalation
from ..selectors import (
    escalations_open_for,
    escalations_resolved_for,
    escalations_visible_to,
    officer_on_shift_for,
    officers_on_shift,
)
from ..services.escalations import (
    escalation_can_resolve,
    escalation_log,
    escalation_resolve,
)
from . import LOG, WORK


@permission_required(LOG, WORK)
def escalation_list(request):
    """Open ones first (most urgent first), then the last resolved."""
    return render(
        request,
        "immersion/escalation_list.html",
        {
            "open": escalations_open_for(user=request.user),
            "resolved": escalations_resolved_for(user=request.user),
            "officers": officers_on_shift(),
            "can_log": request.user.has_perm(LOG),
        },
    )


@permission_required(LOG)
def escalation_create(request):
    """The agent's team's desk by default; with several desks they may choose another."""
    form = EscalationForm(posted(request))
    several = "desk" in form.fields
    return form_page(
        request,
        form,
        partial(escalation_log, logged_by=request.user),
        template="immersion/escalation_form.html",
        success=lambda escalation: f"Escalated to {escalation.routed_to}, who has been e-mailed.",
        done_url=lambda escalation: escalation.get_absolute_url(),
        context={
            "on_shift": officer_on_shift_for(person=request.user),
            "officers": officers_on_shift() if several else [],
        },
    )


@permission_required(LOG, WORK)
def escalation_detail(request, pk: int):
    """Visible to who logged it, who it was routed to, and the CX lead (404 for others)."""
    escalation = get_object_or_404(escalations_visible_to(user=request.user), pk=pk)
    context = {"escalation": escalation}
    can_resolve = escalation.status == Escalation.Status.OPEN and escalation_can_resolve(
        escalation=escalation, user=request.user
    )
    if not can_resolve:
        return render(request, "immersion/escalation_detail.html", {**context, "form": None})

    def resolve(*, resolution_note):
        return escalation_resolve(escalation=escalation, by=request.user, note=resolution_note)

    return form_page(
        request,
        ResolveForm(posted(request)),
        resolve,
        template="immersion/escalation_detail.html",
        success="Resolved. Thank you.",
        done_url=reverse("immersion:escalations"),
        context=context,
    )
