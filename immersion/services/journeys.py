"""Journey templates (the CX lead's) and journey exercises (the executive walking one)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..models import (
    ActivityType,
    JourneyExercise,
    JourneyStep,
    JourneyStepResult,
    JourneyTemplate,
    Participant,
    Session,
)
from .lines import distinct_lines, full_clean_with_lines

NO_STEPS_MESSAGE = "A journey needs at least one step: write one per line."
NOT_A_JOURNEY_SESSION_MESSAGE = "{activity} sessions have no journey exercise."
NOT_YOURS_MESSAGE = "Only the executive walking this journey can record its steps."
INACTIVE_TEMPLATE_MESSAGE = "This journey is no longer offered; choose another."
SESSION_CANCELLED_MESSAGE = "This session was cancelled."
NOT_IN_SESSION_MESSAGE = "You are not taking part in this session."
ALREADY_WALKING_MESSAGE = "You are already walking this journey in this session."
STEP_NOT_IN_JOURNEY_MESSAGE = "That step is not part of this journey."
EFFORT_RANGE_MESSAGE = "Choose an effort score from 1 (very easy) to 7 (very hard)."


@transaction.atomic
def journey_template_save(
    *,
    template: JourneyTemplate | None = None,
    name: str,
    kind: str,
    description: str = "",
    steps: list[str],
    is_active: bool = True,
) -> JourneyTemplate:
    """Create or change a journey template and its steps, in the order given.

    A step keeps its identity while its title stays the same, so past results stay attached;
    a step taken out is deleted, or kept inactive when executives have recorded results for it.
    """
    lines = distinct_lines(steps)
    template = template or JourneyTemplate()
    template.name = name.strip()
    template.kind = kind
    template.description = description.strip()
    template.is_active = is_active
    full_clean_with_lines(
        template, field="steps", lines=lines, limit=200, empty_message=NO_STEPS_MESSAGE
    )
    template.save()

    current = {step.title: step for step in template.steps.all()}
    for position, title in enumerate(lines):
        step = current.pop(title, None) or JourneyStep(template=template, title=title)
        step.position = position
        step.is_active = True
        step.save()
    for step in current.values():
        if step.results.exists():
            step.is_active = False
            step.position = len(lines) + step.position
            step.save(update_fields=["is_active", "position"])
        else:
            step.delete()
    return template


@transaction.atomic
def journey_exercise_start(
    *, participant: Participant, template: JourneyTemplate, by: User
) -> JourneyExercise:
    """`by` starts walking a journey in their own session of a journey activity."""
    session = participant.session
    if session.activity_type.exercise != ActivityType.Exercise.JOURNEY:
        raise ValidationError(NOT_A_JOURNEY_SESSION_MESSAGE.format(activity=session.activity_type))
    if participant.person_id != by.pk or not participant.is_active:
        raise ValidationError(NOT_IN_SESSION_MESSAGE)
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(SESSION_CANCELLED_MESSAGE)
    if not template.is_active:
        raise ValidationError(INACTIVE_TEMPLATE_MESSAGE)
    exercise, created = JourneyExercise.objects.get_or_create(
        participant=participant, template=template
    )
    if not created:
        raise ValidationError(ALREADY_WALKING_MESSAGE)
    return exercise


@transaction.atomic
def journey_step_record(
    *,
    exercise: JourneyExercise,
    step: JourneyStep,
    effort: int,
    worked: bool,
    note: str = "",
    by: User,
) -> JourneyStepResult:
    """Record (or change) how one step went. The exercise is complete once every active step
    of its journey has a result."""
    exercise = (
        JourneyExercise.objects.select_for_update()
        .select_related("participant", "template")
        .get(pk=exercise.pk)
    )
    if exercise.participant.person_id != by.pk:
        raise ValidationError(NOT_YOURS_MESSAGE)
    if step.template_id != exercise.template_id or not step.is_active:
        raise ValidationError(STEP_NOT_IN_JOURNEY_MESSAGE)
    if not 1 <= effort <= 7:
        raise ValidationError({"effort": EFFORT_RANGE_MESSAGE})
    result, _ = JourneyStepResult.objects.update_or_create(
        exercise=exercise,
        step=step,
        defaults={"effort": effort, "worked": worked, "note": note.strip()},
    )
    remaining = (
        JourneyStep.objects.filter(template=exercise.template, is_active=True)
        .exclude(results__exercise=exercise)
        .exists()
    )
    completed_at = None if remaining else exercise.completed_at or timezone.now()
    if completed_at != exercise.completed_at:
        exercise.completed_at = completed_at
        exercise.save(update_fields=["completed_at"])
    return result
