"""Journey exercises: the CX lead keeps the templates; executives walk them step by step; the
results of one journey are compared across executives and quarters."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.http import action_redirect, errors_onto, form_page, posted
from core.permissions import permission_required

from ..forms import JourneyStartForm, JourneyStepForm, JourneyTemplateForm
from ..models import JourneyStep, JourneyTemplate
from ..selectors import (
    journey_comparison,
    journey_exercise_for,
    journey_steps_with_results,
    journey_templates_with_counts,
    journey_worst_first,
    participant_for,
)
from ..services.journeys import (
    journey_exercise_start,
    journey_step_record,
    journey_template_save,
)
from . import ATTEND, MANAGE, VIEW


@permission_required(MANAGE, VIEW, ATTEND)
def journey_list(request):
    """Everyone in the programme: the journeys, and a way to compare results."""
    templates = journey_templates_with_counts(active_only=not request.user.has_perm(MANAGE))
    return render(request, "immersion/journey_list.html", {"templates": templates})


@permission_required(MANAGE)
def journey_template_edit(request, pk: int | None = None):
    """The CX lead: a journey and its steps, one per line."""
    template = get_object_or_404(JourneyTemplate, pk=pk) if pk else None
    initial = {"is_active": True}
    if template is not None:
        initial = {
            "name": template.name,
            "kind": template.kind,
            "description": template.description,
            "steps": [s.title for s in template.steps.all() if s.is_active],
            "is_active": template.is_active,
        }
    return form_page(
        request,
        JourneyTemplateForm(posted(request), initial=initial),
        partial(journey_template_save, template=template),
        template="immersion/journey_template_form.html",
        success=lambda saved: f"{saved} was saved.",
        done_url=reverse("immersion:journeys"),
        context={"template": template},
    )


@require_POST
@permission_required(ATTEND)
def journey_start(request, pk: int):
    """The executive in a journey session starts walking one journey."""
    place = participant_for(user=request.user, pk=pk)
    if place is None or place.person_id != request.user.pk:
        raise Http404
    form = JourneyStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose which journey to walk.")
        return redirect(place.session.get_absolute_url())
    return action_redirect(
        request,
        partial(
            journey_exercise_start,
            participant=place,
            template=form.cleaned_data["template"],
            by=request.user,
        ),
        success=None,  # the exercise's page says it all
        done_url=lambda exercise: exercise.get_absolute_url(),
        refused_url=place.session.get_absolute_url(),
    )


def _exercise_context(exercise, user, forms=None):
    steps = journey_steps_with_results(exercise)
    mine = exercise.participant.person_id == user.pk
    forms = forms or {}
    for step in steps:
        if mine and step.is_active and step.pk not in forms:
            initial = {}
            if step.result is not None:
                initial = {
                    "effort": step.result.effort,
                    "worked": "yes" if step.result.worked else "no",
                    "note": step.result.note,
                }
            forms[step.pk] = JourneyStepForm(initial=initial, prefix=f"step-{step.pk}")
        step.form = forms.get(step.pk)
    recorded = [s for s in steps if s.result is not None]
    return {
        "exercise": exercise,
        "steps": steps,
        "mine": mine,
        "worst": journey_worst_first(steps),
        "recorded": len(recorded),
        "total": sum(1 for s in steps if s.is_active),
    }


@permission_required(ATTEND, MANAGE, VIEW)
def journey_exercise(request, pk: int):
    """The walker records each step; the CX lead and leadership read the results."""
    exercise = journey_exercise_for(user=request.user, pk=pk)
    if exercise is None:
        raise Http404
    return render(
        request, "immersion/journey_exercise.html", _exercise_context(exercise, request.user)
    )


@require_POST
@permission_required(ATTEND)
def journey_step(request, pk: int, step_pk: int):
    """The walker records one step. With htmx, only that step's card comes back."""
    exercise = journey_exercise_for(user=request.user, pk=pk)
    if exercise is None or exercise.participant.person_id != request.user.pk:
        raise Http404
    step = get_object_or_404(JourneyStep, pk=step_pk, template=exercise.template)
    form = JourneyStepForm(request.POST, prefix=f"step-{step.pk}")
    saved = False
    if form.is_valid():
        try:
            journey_step_record(exercise=exercise, step=step, by=request.user, **form.cleaned_data)
        except ValidationError as exc:  # not form_action: with htmx the card comes back either way
            errors_onto(form, exc)
        else:
            saved = True
    if saved and not request.htmx:
        messages.success(request, f"“{step}” recorded.")
        return redirect(exercise.get_absolute_url())
    exercise.refresh_from_db()
    context = _exercise_context(exercise, request.user, forms={} if saved else {step.pk: form})
    if request.htmx:
        context["step"] = next(s for s in context["steps"] if s.pk == step.pk)
        context["saved"] = saved
        context["oob_summary"] = saved
        return render(request, "immersion/journey_exercise.html#step", context)
    return render(request, "immersion/journey_exercise.html", context, status=400)


@permission_required(MANAGE, VIEW, ATTEND)
def journey_compare(request, pk: int):
    """One journey's results side by side: by quarter, then by executive."""
    template = get_object_or_404(JourneyTemplate, pk=pk)
    quarter = request.GET.get("quarter", "")
    comparison = journey_comparison(template=template, quarter=quarter)
    if quarter and quarter not in comparison.quarter_choices:
        quarter = ""
        comparison = journey_comparison(template=template)
    return render(
        request,
        "immersion/journey_compare.html",
        {"template": template, "comparison": comparison, "quarter": quarter},
    )
