"""Figures as the metrics pages print them (metrics/formatting.py), for templates."""

from django import template

from ..formatting import done_text, figure_text, target_met

register = template.Library()


@register.filter
def share_text(value: float | None) -> str:
    """A share as a whole percent ("63%"), or "no figure"."""
    return figure_text(value, "share")


@register.filter
def done(value: float | None) -> str:
    """How much of a cadence target was done: 100% only when it is met (formatting.done_text)."""
    return done_text(value)


@register.filter
def is_met(value: float | None) -> bool:
    return target_met(value)
