"""Small helpers every app's views share."""

from django.core.exceptions import ValidationError


def posted(request):
    """Form data on POST, None otherwise. (`request.POST or None` would ignore an empty POST,
    such as a form whose only field is an unticked checkbox.)"""
    return request.POST if request.method == "POST" else None


def error_text(exc: ValidationError) -> str:
    """A service's refusal as one line for a message."""
    return " ".join(exc.messages)
