"""The URL conf `make bench` serves (config/settings/bench.py): the product's, and a bare view."""

from django.http import HttpResponse
from django.urls import path

from .urls import urlpatterns as product


def bare(request):
    """Signed-in people (LoginRequiredMiddleware, like every page): two bytes, no query beyond
    the session and the user that the middleware reads for any page."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *product]
