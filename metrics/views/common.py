"""What the metrics pages share: reading the quarter an address asks for, and what they say
when it has no figures."""

from django.http import Http404

from accounts.models import Department
from accounts.selectors import departments_by_name

from ..quarters import Quarter

FUTURE_MESSAGE = "{quarter} has not started yet: there are no figures for it."
NOT_COMPUTED_MESSAGE = "The figures for {quarter} have not been computed yet."


def quarter_from_address(text: str | None) -> Quarter:
    """The quarter the address asks for, the current one when it names none; 404 for one that
    is malformed or out of range (Quarter.parse says which)."""
    if not text:
        return Quarter.current()
    try:
        return Quarter.parse(text)
    except ValueError as exc:
        raise Http404(str(exc)) from None


def department_from_address(text: str | None) -> tuple[Department | None, list[Department]]:
    """(the department the address asks for or None, every department by name for the
    filter); 404 for an id that names none. One query."""
    departments = departments_by_name()
    if not text:
        return None, departments
    found = next((d for d in departments if str(d.pk) == text.strip()), None)
    if found is None:
        raise Http404("No such department.")
    return found, departments
