"""An object's address from a pattern reversed once: the same address as Django's reverse()."""

import sys
import types

import pytest
from django.http import HttpResponse
from django.urls import (
    NoReverseMatch,
    clear_script_prefix,
    include,
    path,
    reverse,
    set_script_prefix,
)

from core.addresses import reverse_pk


@pytest.mark.parametrize(
    "viewname",
    ["frictions:report", "immersion:session_detail", "accounts:person_edit", "metrics:theme"],
)
@pytest.mark.parametrize("pk", [1, 7, 4_321_987])
def test_reverse_pk_gives_what_reverse_gives(viewname, pk):
    assert reverse_pk(viewname, pk) == reverse(viewname, kwargs={"pk": pk})


def test_reverse_pk_follows_the_script_prefix():
    """Served under a path (SCRIPT_NAME), every address starts with it, and back without."""
    bare = reverse_pk("frictions:report", 12)
    set_script_prefix("/proximity/")
    try:
        assert reverse_pk("frictions:report", 12) == f"/proximity{bare}"
    finally:
        clear_script_prefix()
    assert reverse_pk("frictions:report", 12) == bare


def test_reverse_pk_follows_the_url_conf_in_force(settings):
    """Another URL conf (a test's override, a request's urlconf) reverses on its own patterns."""
    patterns = types.ModuleType("other_urls")
    patterns.urlpatterns = [
        path(
            "elsewhere/",
            include(
                (
                    [path("r/<int:pk>/x/", lambda request, pk: HttpResponse(), name="report")],
                    "frictions",
                )
            ),
        )
    ]
    sys.modules["other_urls"] = patterns
    assert reverse_pk("frictions:report", 5) == "/frictions/5/"
    try:
        settings.ROOT_URLCONF = "other_urls"
        assert reverse_pk("frictions:report", 5) == "/elsewhere/r/5/x/"
    finally:
        del sys.modules["other_urls"]


def test_reverse_pk_refuses_what_reverse_refuses():
    with pytest.raises(NoReverseMatch):
        reverse_pk("frictions:no_such_view", 1)
    with pytest.raises(TypeError):
        reverse_pk("frictions:report", None)
