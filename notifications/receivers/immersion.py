"""Sessions, swaps and escalations (immersion/signals.py): who is told, with which title.

Titles say what to do and give the time in the recipient's own zone. The occasion keeps each
event to one message per person: a session's places and moves by its SEQUENCE (each change
raises it), a swap by what happened to it, an escalation once. Messages about a session are
not held by quiet hours past the session's start.
"""

from django.dispatch import receiver
from django.urls import reverse
from django.utils import dateformat

from accounts.models import User
from immersion import signals
from immersion.models import Participant, SessionChange, SwapRequest

from ..services import BEFORE_START, notify

ESCALATION_TITLE = "[{urgency}] Take escalation {reference}"
PLACE_GIVEN_TITLE = "Attend {activity} on {when}: {how}"
PLACE_RELIEVED_TITLE = "No need to attend {activity} on {when}: {how}"
SESSION_MOVED_TITLE = "Attend {activity} at its new time, {when}"
SESSION_CANCELLED_TITLE = "No need to attend {activity} on {when}: it was cancelled"
SWAP_ASKED_TITLE = "Accept or decline: {person} asks you to take {activity} on {when}"
SWAP_ACCEPTED_TITLE = "No need to attend {activity} on {when}: {person} accepted your swap"
SWAP_DECLINED_TITLE = "Attend {activity} on {when} or ask someone else: {person} declined"
SWAP_CANCELLED_TITLE = "Attend {activity} on {when}: your swap request was cancelled"


def _when(moment, person: User) -> str:
    return dateformat.format(moment.astimezone(person.zone), "D j M, H:i")


def _session_title(template: str, session, recipient, **more) -> str:
    return template.format(
        activity=session.activity_type, when=_when(session.starts_at, recipient), **more
    )


def _schedule() -> str:
    return reverse("immersion:schedule")


@receiver(signals.escalation_routed, dispatch_uid="notifications.escalation_routed")
def escalation_routed(sender, *, escalation, **kwargs) -> None:
    notify(
        kind="escalation_routed",
        recipient=escalation.routed_to,
        subject=escalation,
        occasion="routed",
        title=ESCALATION_TITLE.format(
            urgency=escalation.get_urgency_display(), reference=escalation.customer_reference
        ),
        url=escalation.get_absolute_url(),
    )


@receiver(signals.place_replaced, dispatch_uid="notifications.place_replaced")
def place_replaced(
    sender, *, session, person: User, replacement: User, by: User, change, **kwargs
) -> None:
    """Both sides of a swap or reassignment, except whoever did it (they know)."""
    swapped = change == SessionChange.Kind.SWAPPED
    data = {
        "change": change,
        "by": str(by),
        "person": str(person),
        "replacement": str(replacement),
    }
    common = {
        "subject": session,
        "occasion": f"seq-{session.sequence}",
        "url": session.get_absolute_url(),
        "data": data,
        "not_later_than": session.starts_at - BEFORE_START,
    }
    if replacement.pk != by.pk:
        how = "you take over from {person}" if swapped else "{by} gave you a place"
        notify(
            kind="place_given",
            recipient=replacement,
            title=_session_title(PLACE_GIVEN_TITLE, session, replacement, how=how.format(**data)),
            **common,
        )
    if person.pk != by.pk:
        how = "{replacement} took your place" if swapped else "{by} gave it to {replacement}"
        notify(
            kind="place_relieved",
            recipient=person,
            title=_session_title(PLACE_RELIEVED_TITLE, session, person, how=how.format(**data)),
            **common,
        )


@receiver(signals.session_moved, dispatch_uid="notifications.session_moved")
def session_moved(sender, *, session, before, by: User, **kwargs) -> None:
    """Everyone with a place gets the new time, once per move (the occasion is the sequence);
    before whichever of the old and the new start comes first."""
    places = Participant.objects.filter(session=session, is_active=True).select_related("person")
    for place in places:
        notify(
            kind="session_moved",
            recipient=place.person,
            subject=session,
            occasion=f"seq-{session.sequence}",
            title=_session_title(SESSION_MOVED_TITLE, session, place.person),
            url=session.get_absolute_url(),
            data={"starts_at": session.starts_at.isoformat(), "sequence": session.sequence},
            not_later_than=min(before, session.starts_at) - BEFORE_START,
        )


@receiver(signals.session_cancelled, dispatch_uid="notifications.session_cancelled")
def session_cancelled(sender, *, session, people, by: User, **kwargs) -> None:
    for person in people:
        notify(
            kind="session_cancelled",
            recipient=person,
            subject=session,
            occasion="cancelled",
            title=_session_title(SESSION_CANCELLED_TITLE, session, person),
            url=session.get_absolute_url(),
            not_later_than=session.starts_at - BEFORE_START,
        )


@receiver(signals.swap_asked, dispatch_uid="notifications.swap_asked")
def swap_asked(sender, *, swap, **kwargs) -> None:
    notify(
        kind="swap_asked",
        recipient=swap.offered_to,
        subject=swap,
        occasion="asked",
        title=_session_title(
            SWAP_ASKED_TITLE, swap.session, swap.offered_to, person=swap.requested_by
        ),
        url=_schedule(),
        not_later_than=swap.session.starts_at - BEFORE_START,
    )


@receiver(signals.swap_answered, dispatch_uid="notifications.swap_answered")
def swap_answered(sender, *, swap, **kwargs) -> None:
    """A decline. An acceptance is told once, by place_relieved ("… took your place", with the
    calendar's cancel): a second message saying the same was what the browser walk found."""
    accepted = swap.status == SwapRequest.Status.ACCEPTED
    if accepted:
        return
    notify(
        kind="swap_answered",
        recipient=swap.requested_by,
        subject=swap,
        occasion=swap.status,
        title=_session_title(
            SWAP_ACCEPTED_TITLE if accepted else SWAP_DECLINED_TITLE,
            swap.session,
            swap.requested_by,
            person=swap.answered_by,
        ),
        url=_schedule(),
        not_later_than=swap.session.starts_at - BEFORE_START,
    )


@receiver(signals.swap_cancelled, dispatch_uid="notifications.swap_cancelled")
def swap_cancelled(sender, *, swap, **kwargs) -> None:
    notify(
        kind="swap_cancelled",
        recipient=swap.requested_by,
        subject=swap,
        occasion="cancelled",
        title=_session_title(SWAP_CANCELLED_TITLE, swap.session, swap.requested_by),
        url=_schedule(),
        not_later_than=swap.session.starts_at - BEFORE_START,
    )
