"""Short-lived signed cookies: how the anonymous channel remembers, for a few minutes, what only
the reporter's browser may know (their receipt code; which report they follow) without the
server keeping it anywhere — not in the session, which is tied to the signed-in person, and not
in an address, which the access logs keep.

Signed, not encrypted: they travel over HTTPS only (Secure with the session cookie), are never
read by scripts (HttpOnly), never sent from another site (SameSite=Strict), and only to the one
path that reads them.
"""

import json

from django.conf import settings


def signed_cookie_set(response, name: str, value: dict, *, max_age: int, path: str):
    response.set_signed_cookie(
        name,
        json.dumps(value),
        salt=f"frictions.{name}",
        max_age=max_age,
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


def signed_cookie_get(request, name: str, *, max_age: int) -> dict:
    """The cookie's value, or {} when it is missing, tampered with or older than `max_age`."""
    raw = request.get_signed_cookie(name, default=None, salt=f"frictions.{name}", max_age=max_age)
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def signed_cookie_delete(response, name: str, *, path: str):
    response.delete_cookie(name, path=path, samesite="Strict")
    return response
