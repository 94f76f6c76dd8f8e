"""The permission backend: a person's permissions come from the shared cache, not from the
database on every request, and a change to their roles reaches the very next request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_update
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SCHEDULE = reverse("immersion:schedule")  # needs immersion.attend_sessions (executives)


def _permission_queries(queries) -> list[str]:
    return [
        q["sql"] for q in queries if "auth_permission" in q["sql"] or '"auth_group"' in q["sql"]
    ]


def test_a_signed_in_request_reads_no_permissions_once_they_are_remembered(client):
    person = UserFactory(roles=[Role.EXECUTIVE])
    client.force_login(person)
    assert client.get(reverse("home")).status_code == 200

    with CaptureQueriesContext(connection) as second:
        response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "My schedule" in response.text
    assert _permission_queries(second.captured_queries) == []


def test_removing_a_role_refuses_the_next_request(client):
    person = UserFactory(roles=[Role.EXECUTIVE])
    client.force_login(person)
    assert client.get(SCHEDULE).status_code == 200

    user_update(user=User.objects.get(pk=person.pk), roles=[Role.FRONTLINE])

    assert client.get(SCHEDULE).status_code == 403
    assert "My schedule" not in client.get(reverse("home")).text


def test_a_role_given_from_the_group_side_opens_the_next_request(client):
    person = UserFactory(roles=[Role.FRONTLINE])
    client.force_login(person)
    assert client.get(SCHEDULE).status_code == 403

    Group.objects.get(name=Role.EXECUTIVE).user_set.add(person)

    assert client.get(SCHEDULE).status_code == 200


def test_a_permission_taken_from_a_role_is_refused_to_everyone_holding_it(client):
    person = UserFactory(roles=[Role.EXECUTIVE])
    client.force_login(person)
    assert client.get(SCHEDULE).status_code == 200

    attend = Permission.objects.get(content_type__app_label="immersion", codename="attend_sessions")
    Group.objects.get(name=Role.EXECUTIVE).permissions.remove(attend)

    assert client.get(SCHEDULE).status_code == 403


def test_a_stale_copy_saved_after_a_role_change_does_not_bring_the_role_back(client):
    person = UserFactory(roles=[Role.EXECUTIVE])
    stale = User.objects.get(pk=person.pk)
    client.force_login(person)
    assert client.get(SCHEDULE).status_code == 200

    user_update(user=User.objects.get(pk=person.pk), roles=[])
    stale.title = "Edited in another tab"
    stale.save()

    assert client.get(SCHEDULE).status_code == 403
    assert User.objects.get(pk=person.pk).title == "Edited in another tab"


def test_a_deactivated_person_is_signed_out(client):
    person = UserFactory(roles=[Role.EXECUTIVE])
    client.force_login(person)
    assert client.get(SCHEDULE).status_code == 200

    User.objects.filter(pk=person.pk).update(is_active=False)

    response = client.get(SCHEDULE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
