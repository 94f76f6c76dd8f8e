"""Every role against every URL, checked against MATRIX in tests/permission_matrix.py.

The world the cases read (a person in each role, an object of every kind a URL points at) is
built once for the module, and each case runs in a savepoint inside it, so what a POST changes is
gone before the next case. Rebuilding it for every case took most of this module's time: the
601 cases ran in 35 s that way and run in 14 s now (SQLite, a quiet 2-core machine; under load
72 s and 44 s).
"""

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import ROLE_NAMES
from tests.permission_matrix import (
    ADMIN_LOGIN,
    LOGIN,
    MATRIX,
    PEOPLE,
    build_objects,
    make_matrix_user,
)

# The admin's own pages are Django's, guarded by is_staff; the matrix covers its front door.
SKIPPED_NAMESPACES = {"admin"}


def all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from all_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    names = {
        name
        for name in all_url_names()
        if name.split(":", 1)[0] not in SKIPPED_NAMESPACES or name == "admin:index"
    }
    assert sorted(names - set(MATRIX)) == [], "URLs with no entry in the permission matrix"
    assert sorted(set(MATRIX) - names) == [], "matrix entries for URLs that no longer exist"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """(people by role, objects by name), built once and rolled back when the module ends.

    Each test's `db` fixture opens its own transaction inside this one (a savepoint), so a case
    sees the world as it was built, whatever the cases before it posted."""
    with django_db_blocker.unblock(), transaction.atomic():
        people = {role: make_matrix_user(**fields) for role, fields in PEOPLE.items()}
        objects = build_objects(
            make_user=make_matrix_user,
            executive=people["executive"],
            frontline=people["frontline"],
            cx_lead=people["cx_lead"],
        )
        yield people, objects
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_permission_matrix(db, world, client, url_name, role):
    people, objects = world
    entry = MATRIX[url_name]
    kwargs = entry.kwargs(objects) if callable(entry.kwargs) else entry.kwargs
    url = reverse(url_name, kwargs=kwargs)
    person = people.get(role)  # nobody for "anonymous"
    if person is not None:
        client.force_login(person)
    response = getattr(client, entry.method)(url)
    expected = entry.expect[role]
    if expected == LOGIN:
        assert response.status_code == 302, f"{role} {entry.method.upper()} {url}"
        assert response.url.startswith(reverse("accounts:login") + "?next=")
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302, f"{role} {entry.method.upper()} {url}"
        assert response.url.startswith(reverse("admin:login"))
    else:
        assert response.status_code == expected, f"{role} {entry.method.upper()} {url}"
