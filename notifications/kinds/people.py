"""Invitations and password resets; see kinds/__init__.py.

Both carry a link that signs the person in to choose a password. The link is made here, by the
worker, when the e-mail is sent (`context`): the row, the broker and the signal that caused it
hold only the person. Nobody can turn these off (they asked for the link, or their CX lead did
for them), and they are not in the in-app list (the person cannot sign in yet).
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import Kind, register


def _password_link(notification, user) -> dict:
    """A fresh one-time link for the recipient to choose a password, valid from now for
    PASSWORD_RESET_TIMEOUT; it is also the e-mail's button (action_url)."""
    person = notification.recipient
    site = settings.SITE_URL.rstrip("/")
    link = site + reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    return {
        "password_link": link,
        "action_url": link,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "login_url": site + reverse("accounts:login"),
    }


INVITATION = register(
    Kind(
        key="invitation",
        label="You were added to Proximity: choose your password",
        urgent=True,
        optional=False,
        in_app=False,
        context=_password_link,
    )
)

PASSWORD_RESET = register(
    Kind(
        key="password_reset",
        label="The link to choose a new password you asked for",
        urgent=True,
        optional=False,
        in_app=False,
        context=_password_link,
    )
)
