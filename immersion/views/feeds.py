"""Calendar feeds: fetched by calendar apps with no session, so the secret address is the key.
A wrong, old or deactivated address is a plain 404."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from ..ical import person_feed, programme_feed
from ..selectors import feed_owner
from . import MANAGE


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_not_required
@require_GET
def person_feed_view(request, token: str):
    """Anyone holding the person's secret address."""
    person = feed_owner(token=token)
    if person is None:
        raise Http404
    return _ics(person_feed(person=person), "proximity")


@login_not_required
@require_GET
def programme_feed_view(request, token: str):
    """Anyone holding the secret address of someone who runs the programme."""
    person = feed_owner(token=token)
    if person is None or not person.has_perm(MANAGE):
        raise Http404
    return _ics(programme_feed(), "proximity-programme")
