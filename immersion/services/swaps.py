"""Swaps: an executive offers their place in a session to a named colleague, or to anyone."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..models import Session, SessionChange, SwapRequest
from ..signals import swap_answered, swap_asked, swap_cancelled
from .sessions import participant_replace, person_availability_check

SWAP_NOT_YOURS_MESSAGE = "You can only offer a session you are taking part in."
SWAP_SELF_MESSAGE = "Choose a colleague other than yourself."
SWAP_PAST_MESSAGE = "This session has already started; it can no longer be swapped."
SWAP_CLOSED_MESSAGE = "This swap request has already been answered or withdrawn."
SWAP_NOT_FOR_YOU_MESSAGE = "This swap request was made to someone else."
SWAP_CANNOT_ATTEND_MESSAGE = "{person} does not take part in the programme's sessions."
SWAP_ONLY_REQUESTER_MESSAGE = "Only the person who asked can withdraw a swap request."
SWAP_ONLY_PROGRAMME_OWNER_MESSAGE = "Only the programme's owner can cancel someone's swap request."
ATTEND = "immersion.attend_sessions"
MANAGE = "immersion.manage_programme"


def _open_session(session: Session) -> None:
    if session.status == Session.Status.CANCELLED or session.starts_at <= timezone.now():
        raise ValidationError(SWAP_PAST_MESSAGE)


@transaction.atomic
def swap_request_create(
    *, session: Session, requested_by: User, offered_to: User | None = None, message: str = ""
) -> SwapRequest:
    """Ask for a swap. A named colleague must be free and not on time off at that time."""
    _open_session(session)
    if not session.participants.filter(person=requested_by, is_active=True).exists():
        raise ValidationError(SWAP_NOT_YOURS_MESSAGE)
    if offered_to is not None:
        if offered_to.pk == requested_by.pk:
            raise ValidationError({"offered_to": SWAP_SELF_MESSAGE})
        if not offered_to.has_perm(ATTEND):
            raise ValidationError(
                {"offered_to": SWAP_CANNOT_ATTEND_MESSAGE.format(person=offered_to)}
            )
        try:
            person_availability_check(
                person=offered_to,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                exclude_session=session,
            )
        except ValidationError as exc:
            raise ValidationError({"offered_to": exc.messages}) from exc
    swap = SwapRequest(
        session=session, requested_by=requested_by, offered_to=offered_to, message=message.strip()
    )
    swap.full_clean()
    swap.save()
    if offered_to is not None:
        swap_asked.send(sender=SwapRequest, swap=swap)
    return swap


def _pending(swap: SwapRequest) -> SwapRequest:
    swap = SwapRequest.objects.select_for_update().select_related("session").get(pk=swap.pk)
    if swap.status != SwapRequest.Status.PENDING:
        raise ValidationError(SWAP_CLOSED_MESSAGE)
    return swap


def _answer(swap: SwapRequest, status: str, by: User) -> None:
    swap.status = status
    swap.answered_by = by
    swap.answered_at = timezone.now()
    swap.save(update_fields=["status", "answered_by", "answered_at"])
    swap_answered.send(sender=SwapRequest, swap=swap)


@transaction.atomic
def swap_request_accept(*, swap: SwapRequest, by: User) -> SwapRequest:
    """Take the requester's place: the named colleague, or anyone who attends sessions."""
    swap = _pending(swap)
    if swap.offered_to_id is not None and swap.offered_to_id != by.pk:
        raise ValidationError(SWAP_NOT_FOR_YOU_MESSAGE)
    if by.pk == swap.requested_by_id:
        raise ValidationError(SWAP_SELF_MESSAGE)
    if not by.has_perm(ATTEND):
        raise ValidationError(SWAP_CANNOT_ATTEND_MESSAGE.format(person=by))
    _open_session(swap.session)
    participant_replace(
        session=swap.session,
        person=swap.requested_by,
        replacement=by,
        by=by,
        kind=SessionChange.Kind.SWAPPED,
    )
    _answer(swap, SwapRequest.Status.ACCEPTED, by)
    return swap


@transaction.atomic
def swap_request_decline(*, swap: SwapRequest, by: User) -> SwapRequest:
    """The named colleague says no; the requester keeps their place."""
    swap = _pending(swap)
    if swap.offered_to_id != by.pk:
        raise ValidationError(SWAP_NOT_FOR_YOU_MESSAGE)
    _answer(swap, SwapRequest.Status.DECLINED, by)
    return swap


@transaction.atomic
def swap_request_withdraw(*, swap: SwapRequest, by: User) -> SwapRequest:
    """The requester takes their request back."""
    swap = _pending(swap)
    if swap.requested_by_id != by.pk:
        raise ValidationError(SWAP_ONLY_REQUESTER_MESSAGE)
    swap.status = SwapRequest.Status.WITHDRAWN
    swap.answered_by = by
    swap.answered_at = timezone.now()
    swap.save(update_fields=["status", "answered_by", "answered_at"])
    return swap


@transaction.atomic
def swap_request_cancel(*, swap: SwapRequest, by: User) -> SwapRequest:
    """The programme's owner (the CX lead) cancels a pending swap request; the requester keeps
    their place and is told. Rule: only the programme's owner, and only while it is pending."""
    if not by.has_perm(MANAGE):
        raise ValidationError(SWAP_ONLY_PROGRAMME_OWNER_MESSAGE)
    swap = _pending(swap)
    # Recorded as withdrawn (by the programme's owner, in answered_by): no new status to migrate.
    swap.status = SwapRequest.Status.WITHDRAWN
    swap.answered_by = by
    swap.answered_at = timezone.now()
    swap.save(update_fields=["status", "answered_by", "answered_at"])
    swap_cancelled.send(sender=SwapRequest, swap=swap)
    return swap
