"""Calendar feeds: fetched by calendar apps with no session, so the secret address is the key.
A wrong, old or deactivated address is a plain 404.

A feed holds three months back and a year ahead (`ical.feed_window`): what a calendar client
needs, where every session from two months back on was 10 MB for the programme at issue 14's
volume. Each answer carries an ETag and a Last-Modified read in one aggregate query
(`ical.person_feed_version`); a client's poll with the same ETag (or, without one, not modified
since) is answered 304 before anything is rendered."""

import gzip

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_GET

from ..ical import (
    FeedVersion,
    person_feed,
    person_feed_version,
    programme_feed,
    programme_feed_version,
)
from ..selectors import feed_owner
from . import MANAGE

FEED_CACHE_SECONDS = 24 * 60 * 60  # a version names its day: it is not asked for after that


def _ics(request, version: FeedVersion, render, name: str) -> HttpResponse:
    """The feed `render()` makes, or 304 when the client's copy is `version`."""
    last_modified = int(version.last_modified.timestamp())
    response = get_conditional_response(request, etag=version.etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(render(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["ETag"] = version.etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "private, max-age=300"
    return response


def _stored(request, version: FeedVersion, render, name: str):
    """`render` done once a version, kept compressed in the cache: every CX lead's calendar
    polls the same programme, and one render is 3 s at issue 14's volume. Sent compressed to a
    client that accepts it (13 MB -> under 1 MB), else as written."""

    def body() -> bytes:
        key = f"immersion:feed:{name}:{version.etag.strip(chr(34))}"
        packed = cache.get(key)
        if packed is None:
            packed = gzip.compress(render(), compresslevel=6)
            cache.set(key, packed, timeout=FEED_CACHE_SECONDS)
        if _accepts_gzip(request):
            return packed
        return gzip.decompress(packed)

    response = _ics(request, version, body, name)
    patch_vary_headers(response, ["Accept-Encoding"])
    if _accepts_gzip(request):
        # Weak: the compressed bytes are not the ones the strong ETag names (a 304 compares
        # weakly, so either form of the tag matches).
        response["ETag"] = f"W/{version.etag}"
        if response.status_code == 200:
            response["Content-Encoding"] = "gzip"
    return response


def _accepts_gzip(request) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


@login_not_required
@require_GET
def person_feed_view(request, token: str):
    """Anyone holding the person's secret address: their sessions from three months back to a
    year ahead, 304 when their calendar already has this version."""
    person = feed_owner(token=token)
    if person is None:
        raise Http404
    return _ics(
        request,
        person_feed_version(person=person),
        lambda: person_feed(person=person),
        "proximity",
    )


@login_not_required
@require_GET
def programme_feed_view(request, token: str):
    """Anyone holding the secret address of someone who runs the programme: every session from
    three months back to a year ahead, 304 when their calendar already has this version."""
    person = feed_owner(token=token)
    if person is None or not person.has_perm(MANAGE):
        raise Http404
    return _stored(request, programme_feed_version(), programme_feed, "proximity-programme")
