"""Hooks for django-axes' sign-in protection."""


def axes_username(request, credentials: dict | None) -> str | None:
    """The account a sign-in attempt names, as stored: lower case, no surrounding space."""
    source = credentials or getattr(request, "POST", None) or {}
    value = source.get("username")
    return value.strip().lower() if isinstance(value, str) else None
