"""Small helpers every app's views share."""

from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme


def posted(request):
    """Form data on POST, None otherwise. (`request.POST or None` would ignore an empty POST,
    such as a form whose only field is an unticked checkbox.)"""
    return request.POST if request.method == "POST" else None


def error_text(exc: ValidationError) -> str:
    """A service's refusal as one line for a message."""
    return " ".join(exc.messages)


def errors_onto(form, exc: ValidationError, *, fields: dict[str, str] | None = None) -> None:
    """A service's refusal onto a form: errors named after a form field go beside it (`fields`
    renames a service's names to the form's), the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        target = (fields or {}).get(name, name)
        form.add_error(target if target in form.fields else None, errors)


def next_url(request, default: str) -> str:
    """The posted `next` when it is a page of this site, else `default` (no open redirect)."""
    wanted = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default
