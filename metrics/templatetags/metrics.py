"""Figures as the metrics pages print them (metrics/formatting.py), for templates."""

from django import template

from ..formatting import figure_number, figure_text

register = template.Library()


@register.filter
def share_text(value: float | None) -> str:
    """A share as a whole percent ("63%"), or "no figure"."""
    return figure_text(value, "share")


@register.filter
def is_met(value: float | None) -> bool:
    """A target is met when all of it was done: 100% as shown (99.6% reads 100%, and is met)."""
    shown = figure_number(value, "share")
    return shown is not None and shown >= 100
