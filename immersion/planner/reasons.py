"""Why a target cannot be met, in the words a CX lead reads in the preview."""

from dataclasses import dataclass

REASON_TIME_OFF = "on time off on every working day left in {period}"
REASON_NO_CAPACITY = "the host teams have no room left in {period}"
REASON_NO_HOST = "no host team was chosen"
REASON_BUSY = "no free time left in {period}"
REASON_PAST = "{period} has no working days left"
REASON_NOBODY = "nobody in the group is free in {period}"
REASON_NO_DAY = (
    "every desk on every working day in {period} already has an officer, or they are busy"
)


@dataclass
class Blocked:
    """What stopped the search for a slot, to explain a shortfall."""

    capacity: int = 0
    stuck: bool = False
