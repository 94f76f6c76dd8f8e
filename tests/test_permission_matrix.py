"""Who may open what: every URL pattern times every role against one table.

A URL without an entry in MATRIX fails `test_every_url_is_in_the_matrix`; add it here, with what
each role should get, in the same change that adds the URL.

Outcomes: an HTTP status, LOGIN (sent to sign in), or ADMIN_LOGIN (sent to the admin's sign-in).
"""

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import PeopleImport
from accounts.tests.factories import DepartmentFactory, FrontlineTeamFactory, UserFactory
from conftest import ROLE_NAMES

LOGIN = "login"
ADMIN_LOGIN = "admin-login"


@dataclass
class Entry:
    expect: dict[str, Any]
    method: str = "get"
    kwargs: Any = field(default_factory=dict)  # dict, or callable(objects) -> dict


def outcomes(*, anonymous=LOGIN, signed_in=200, **by_role) -> dict[str, Any]:
    """Everyone signed in gets `signed_in` unless a role is named."""
    table = {role: signed_in for role in ROLE_NAMES if role != "anonymous"}
    table["anonymous"] = anonymous
    table.update(by_role)
    return table


def cx_lead_only(allowed=200) -> dict[str, Any]:
    return outcomes(signed_in=403, cx_lead=allowed, superuser=allowed)


PERSON = {"kwargs": lambda o: {"pk": o["person"].pk}}

MATRIX: dict[str, Entry] = {
    "home": Entry(outcomes()),
    "healthz": Entry(outcomes(anonymous=200)),
    "admin:index": Entry(outcomes(anonymous=ADMIN_LOGIN, signed_in=ADMIN_LOGIN, superuser=200)),
    # Signing in
    "accounts:login": Entry(outcomes(anonymous=200, signed_in=302)),
    "accounts:logout": Entry(outcomes(anonymous=302, signed_in=302), method="post"),
    "accounts:password_change": Entry(outcomes()),
    "accounts:password_change_done": Entry(outcomes()),
    "accounts:password_reset": Entry(outcomes(anonymous=200)),
    "accounts:password_reset_done": Entry(outcomes(anonymous=200)),
    "accounts:password_reset_confirm": Entry(
        outcomes(anonymous=200), kwargs={"uidb64": "MQ", "token": "set-password"}
    ),
    "accounts:password_reset_complete": Entry(outcomes(anonymous=200)),
    # People (CX lead)
    "accounts:people": Entry(cx_lead_only()),
    "accounts:person_create": Entry(cx_lead_only()),
    "accounts:person_edit": Entry(cx_lead_only(), **PERSON),
    "accounts:person_deactivate": Entry(cx_lead_only(302), method="post", **PERSON),
    "accounts:person_reactivate": Entry(cx_lead_only(302), method="post", **PERSON),
    "accounts:person_invite": Entry(cx_lead_only(302), method="post", **PERSON),
    "accounts:people_import": Entry(cx_lead_only()),
    "accounts:people_import_preview": Entry(
        cx_lead_only(), kwargs=lambda o: {"pk": o["people_import"].pk}
    ),
    "accounts:teams": Entry(cx_lead_only()),
    "accounts:team_create": Entry(cx_lead_only()),
    "accounts:team_edit": Entry(cx_lead_only(), kwargs=lambda o: {"pk": o["team"].pk}),
    "accounts:department_create": Entry(cx_lead_only()),
    "accounts:department_edit": Entry(cx_lead_only(), kwargs=lambda o: {"pk": o["department"].pk}),
}

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


@pytest.fixture
def objects(db, make_user):
    lead = make_user()
    return {
        "person": UserFactory(display_name="Target Person"),
        "team": FrontlineTeamFactory(),
        "department": DepartmentFactory(name="Matrix department"),
        "people_import": PeopleImport.objects.create(
            uploaded_by=lead, file_name="x.csv", content="email,name\n"
        ),
    }


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_permission_matrix(client, objects, user_for_role, url_name, role):
    entry = MATRIX[url_name]
    kwargs = entry.kwargs(objects) if callable(entry.kwargs) else entry.kwargs
    url = reverse(url_name, kwargs=kwargs)
    person = user_for_role(role)
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
