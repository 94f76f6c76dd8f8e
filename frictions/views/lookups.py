"""The searches beside a number field: name a report or a decision by its number, found from
words of its title. Each answers a bounded list of what the person may see, so a form that
offers them stays the same size whatever the size of the tables."""

import re
from functools import partial

from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.permissions import permission_required

from ..selectors import NUMBER_MAX, friction_report_lookup, typed_number
from ..selectors import decision_lookup as decision_lookup_select
from . import LOG_DECISIONS, TRIAGE

# Words of a title: longer is a mistake (a paste), refused with a message rather than cut.
SEARCH_MAX = 100
TOO_LONG = "Search with at most {max} characters; this search has {length:,}."

# The form fields a lookup may fill, by kind: True where the field holds a list of numbers.
LOOKUP_TARGETS = {
    "report": {"respond-duplicate_of": False, "friction_reports": True},
    "decision": {"respond-decision": False, "status-superseded_by": False},
}


def _number_param(request, name: str) -> int | None:
    return typed_number(request.GET.get(name, ""))


def number_lookup(request, *, kind: str, find):
    """The search beside a number field. With htmx, for a known field (`for`): a few matches,
    each a button that puts its number into that field (`pick`; added to a list of numbers).
    Without JavaScript: a page with a search form, listing the matches with their numbers.
    `find(text=, exclude=)` returns a bounded list the person may see."""
    target = request.GET.get("for", "")
    multiple = LOOKUP_TARGETS[kind].get(target)
    inline = bool(request.htmx) and multiple is not None
    if inline and (pick := _number_param(request, "pick")):
        value = str(pick)
        if multiple:
            current = request.GET.get(target, "")[:2000].strip(" ,")
            if str(pick) in re.findall(r"[0-9]+", current):
                value = current
            elif current:
                value = f"{current}, {pick}"
        return render(
            request,
            "frictions/_lookup_input.html",
            {"name": target, "value": value, "multiple": multiple, "max": NUMBER_MAX},
        )
    text = request.GET.get("q", "")
    refused = TOO_LONG.format(max=SEARCH_MAX, length=len(text)) if len(text) > SEARCH_MAX else ""
    wanted = text.strip() and not refused
    found = find(text=text, exclude=_number_param(request, "exclude")) if wanted else []
    context = {"kind": kind, "q": text, "found": found, "target": target, "refused": refused}
    if inline:
        return render(request, "frictions/_lookup_results.html", context)
    return render(request, "frictions/number_lookup.html", context)


@require_GET
@permission_required(TRIAGE, LOG_DECISIONS)
def report_lookup(request):
    """Those who mark duplicates or link evidence (the CX lead, executives): a report's number
    from words of its title, or its number."""
    return number_lookup(
        request, kind="report", find=partial(friction_report_lookup, user=request.user)
    )


@require_GET
@permission_required(LOG_DECISIONS)
def decision_lookup(request):
    """Those who name a decision (resolving a report by it, or superseding one: the CX lead and
    executives): its number from words of its title, or its number."""
    return number_lookup(
        request, kind="decision", find=partial(decision_lookup_select, user=request.user)
    )
