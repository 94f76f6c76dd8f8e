"""Invitations and password resets (accounts/signals.py): one message per request.

The occasion is the moment of the request, to the second: asking again sends again (as a
person who lost the first e-mail expects), while a double click writes one row.
"""

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.signals import invitation_requested, password_reset_requested

from ..services import notify

INVITATION_TITLE = "Choose your password to start using Proximity"
PASSWORD_RESET_TITLE = "Choose your Proximity password"  # noqa: S105 - a subject line


def _occasion() -> str:
    return f"asked-{timezone.now():%Y%m%dT%H%M%S}"


@receiver(invitation_requested, dispatch_uid="notifications.invitation")
def invitation(sender, *, user: User, **kwargs) -> None:
    notify(
        kind="invitation",
        recipient=user,
        subject=user,
        occasion=_occasion(),
        title=INVITATION_TITLE,
        # Where to ask for a fresh link; the e-mail's own link is made when it is sent.
        url=reverse("accounts:password_reset"),
    )


@receiver(password_reset_requested, dispatch_uid="notifications.password_reset")
def password_reset(sender, *, user: User, **kwargs) -> None:
    notify(
        kind="password_reset",
        recipient=user,
        subject=user,
        occasion=_occasion(),
        title=PASSWORD_RESET_TITLE,
        url=reverse("accounts:password_reset"),
    )
