"""What a report can be filed from (a line of a reflection, a step of a journey walked, an
escalation), each only for the person it belongs to or who may see it.

The reflection and journey reads query immersion's models here because immersion.selectors has
no read of "this person's reflection friction / step result" yet; they belong there."""

from accounts.models import User
from immersion.models import Escalation, JourneyStepResult, ReflectionFriction
from immersion.selectors import escalations_visible_to


def reflection_friction_for(*, user: User, pk: int) -> ReflectionFriction | None:
    """A friction line of `user`'s own reflection, with its session; None for anyone else's."""
    return (
        ReflectionFriction.objects.select_related("reflection__participant__session__activity_type")
        .filter(pk=pk, reflection__participant__person=user)
        .first()
    )


def journey_step_result_for(*, user: User, pk: int) -> JourneyStepResult | None:
    """A step result of a journey `user` walked, with its step and journey; None otherwise."""
    return (
        JourneyStepResult.objects.select_related("step", "exercise__template")
        .filter(pk=pk, exercise__participant__person=user)
        .first()
    )


def escalation_for(*, user: User, pk: int) -> Escalation | None:
    """An escalation `user` may see (`immersion.selectors.escalations_visible_to`)."""
    return escalations_visible_to(user=user).filter(pk=pk).first()
