"""Officer of the Day escalations: frontline agents and the CX lead log them; the officer on
shift (or the CX lead) resolves them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from core.http import posted
from core.permissions import permission_required

from ..forms import EscalationForm, ResolveForm
from ..models import Escalation
from ..selectors import escalations_visible_to, officer_on_shift
from ..services.escalations import (
    escalation_can_resolve,
    escalation_log,
    escalation_resolve,
)
from . import LOG, WORK


@permission_required(LOG, WORK)
def escalation_list(request):
    """Open ones first (most urgent first), then the last resolved."""
    visible = escalations_visible_to(user=request.user)
    urgency = ["critical", "high", "normal", "low"]
    open_ones = sorted(
        visible.filter(status=Escalation.Status.OPEN),
        key=lambda e: (urgency.index(e.urgency), e.logged_at),
    )
    return render(
        request,
        "immersion/escalation_list.html",
        {
            "open": open_ones,
            "resolved": visible.filter(status=Escalation.Status.RESOLVED).order_by("-resolved_at")[
                :20
            ],
            "on_shift": officer_on_shift(),
            "can_log": request.user.has_perm(LOG),
        },
    )


@permission_required(LOG)
def escalation_create(request):
    form = EscalationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            escalation = escalation_log(logged_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"Escalated to {escalation.routed_to}, who has been e-mailed."
            )
            return redirect(escalation.get_absolute_url())
    return render(
        request, "immersion/escalation_form.html", {"form": form, "on_shift": officer_on_shift()}
    )


@permission_required(LOG, WORK)
def escalation_detail(request, pk: int):
    """Visible to who logged it, who it was routed to, and the CX lead (404 for others)."""
    escalation = get_object_or_404(escalations_visible_to(user=request.user), pk=pk)
    can_resolve = escalation.status == Escalation.Status.OPEN and escalation_can_resolve(
        escalation=escalation, user=request.user
    )
    form = ResolveForm(posted(request)) if can_resolve else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            escalation_resolve(
                escalation=escalation, by=request.user, note=form.cleaned_data["resolution_note"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Resolved. Thank you.")
            return redirect("immersion:escalations")
    return render(
        request, "immersion/escalation_detail.html", {"escalation": escalation, "form": form}
    )
