"""Friction reports, reviews, the decision log and API integrations; every name is importable
from here."""

from .anonymous import AnonymousWrite
from .decisions import Decision, DecisionEvent
from .integrations import ApiIntegration
from .reports import (
    OPEN_FIRST,
    OPEN_STATUSES,
    USER,
    Area,
    FrictionEvent,
    FrictionReport,
    FrictionSupport,
    OverdueAlert,
    Resolution,
    Severity,
    Status,
    hour_now,
)
from .reviews import FrictionReview, ReviewItem

__all__ = [
    "OPEN_FIRST",
    "OPEN_STATUSES",
    "USER",
    "AnonymousWrite",
    "ApiIntegration",
    "Area",
    "Decision",
    "DecisionEvent",
    "FrictionEvent",
    "FrictionReport",
    "FrictionReview",
    "FrictionSupport",
    "OverdueAlert",
    "Resolution",
    "ReviewItem",
    "Severity",
    "Status",
    "hour_now",
]
