"""Immersion's models, by what they are about; every name is importable from here."""

from .calls import CallListImport, Customer, CustomerCall, Question, QuestionSet
from .escalations import DUPLICATE_DESK_MESSAGE, Escalation, OfficerDesk, OfficerDeskTeam
from .followthrough import Commitment, Reflection, ReflectionFriction
from .journeys import (
    HARD_EFFORT,
    JourneyExercise,
    JourneyStep,
    JourneyStepResult,
    JourneyTemplate,
)
from .programme import (
    DUPLICATE_TARGET_MESSAGE,
    TARGETS_HISTORY_BEGINS,
    USER,
    ActivityType,
    CadenceTarget,
    CadenceTargetVersion,
    CadenceTerms,
    Pillar,
)
from .sessions import (
    CalendarFeed,
    Participant,
    Rotation,
    Session,
    SessionChange,
    SwapRequest,
    TimeOff,
)

__all__ = [
    "DUPLICATE_DESK_MESSAGE",
    "DUPLICATE_TARGET_MESSAGE",
    "HARD_EFFORT",
    "TARGETS_HISTORY_BEGINS",
    "USER",
    "ActivityType",
    "CadenceTarget",
    "CadenceTargetVersion",
    "CadenceTerms",
    "CalendarFeed",
    "CallListImport",
    "Commitment",
    "Customer",
    "CustomerCall",
    "Escalation",
    "JourneyExercise",
    "JourneyStep",
    "JourneyStepResult",
    "JourneyTemplate",
    "OfficerDesk",
    "OfficerDeskTeam",
    "Participant",
    "Pillar",
    "Question",
    "QuestionSet",
    "Reflection",
    "ReflectionFriction",
    "Rotation",
    "Session",
    "SessionChange",
    "SwapRequest",
    "TimeOff",
]
