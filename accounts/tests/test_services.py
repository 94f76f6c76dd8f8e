import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import DUPLICATE_EMAIL_MESSAGE, User
from accounts.roles import Role
from accounts.services import (
    DEACTIVATE_SELF_MESSAGE,
    INACTIVE_INVITE_MESSAGE,
    MANAGER_CYCLE_MESSAGE,
    OWN_MANAGER_MESSAGE,
    user_create,
    user_deactivate,
    user_invite,
    user_reactivate,
    user_update,
)

pytestmark = pytest.mark.django_db


def test_user_create_stores_email_lower_case_and_roles():
    user = user_create(
        email="  Ana.Ruiz@Example.COM ",
        display_name=" Ana Ruiz ",
        roles=[Role.EXECUTIVE, Role.LEADERSHIP],
    )
    assert user.email == "ana.ruiz@example.com"
    assert user.display_name == "Ana Ruiz"
    assert user.role_names == ["executive", "leadership"]
    assert not user.has_usable_password()


def test_user_create_refuses_email_differing_only_in_case(make_user):
    make_user(email="ana@example.com")
    with pytest.raises(ValidationError) as exc:
        user_create(email="ANA@example.com", display_name="Ana Again")
    assert DUPLICATE_EMAIL_MESSAGE in exc.value.messages
    assert User.objects.filter(email__iexact="ana@example.com").count() == 1


def test_database_refuses_case_variant_email_even_past_the_service(make_user):
    make_user(email="ana@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="Ana@Example.com", display_name="Sneaky")])


def test_user_create_refuses_unknown_role_and_writes_nothing():
    with pytest.raises(ValidationError) as exc:
        user_create(email="x@example.com", display_name="X", roles=["overlord"])
    assert exc.value.message_dict["roles"] == ["“overlord” is not a role."]
    assert not User.objects.filter(email="x@example.com").exists()


def test_user_create_refuses_unknown_time_zone():
    with pytest.raises(ValidationError) as exc:
        user_create(email="x@example.com", display_name="X", time_zone="Mars/Olympus")
    assert "time_zone" in exc.value.message_dict


def test_user_update_sets_roles_exactly(make_user):
    user = make_user(roles=[Role.EXECUTIVE, Role.LEADERSHIP])
    user_update(user=user, roles=[Role.CX_LEAD])
    assert User.objects.get(pk=user.pk).role_names == ["cx_lead"]


def test_user_update_leaves_roles_alone_when_not_given(make_user):
    user = make_user(roles=[Role.EXECUTIVE])
    user_update(user=user, title="Chief Listener")
    user.refresh_from_db()
    assert user.title == "Chief Listener"
    assert user.role_names == ["executive"]


def test_user_update_refuses_own_manager(make_user):
    user = make_user()
    with pytest.raises(ValidationError) as exc:
        user_update(user=user, manager=user)
    assert exc.value.message_dict["manager"] == [OWN_MANAGER_MESSAGE]


def test_user_update_refuses_manager_chain_loop(make_user):
    ceo = make_user(display_name="Ceo")
    vp = make_user(display_name="Vp", manager=ceo)
    lead = make_user(display_name="Lead", manager=vp)
    with pytest.raises(ValidationError) as exc:
        user_update(user=ceo, manager=lead)
    assert exc.value.message_dict["manager"] == [
        MANAGER_CYCLE_MESSAGE.format(manager=lead, person=ceo)
    ]
    ceo.refresh_from_db()
    assert ceo.manager is None


def test_database_refuses_own_manager_past_the_service(make_user):
    user = make_user()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(manager=user)


def test_user_deactivate_refuses_self(make_user):
    lead = make_user(roles=[Role.CX_LEAD])
    with pytest.raises(ValidationError) as exc:
        user_deactivate(user=lead, by=lead)
    assert exc.value.messages == [DEACTIVATE_SELF_MESSAGE]
    lead.refresh_from_db()
    assert lead.is_active


def test_user_deactivate_then_reactivate(make_user):
    lead, person = make_user(), make_user()
    user_deactivate(user=person, by=lead)
    person.refresh_from_db()
    assert not person.is_active
    user_reactivate(user=person)
    person.refresh_from_db()
    assert person.is_active


def test_user_invite_writes_an_invitation_without_the_link_in_it(
    make_user, notifications_written, django_capture_on_commit_callbacks
):
    person = make_user(email="new@example.com", display_name="New Person")
    with django_capture_on_commit_callbacks() as handed:
        user_invite(user=person)
    assert notifications_written() == [
        (
            "invitation",
            "new@example.com",
            "Choose your password to start using Proximity",
            "/accounts/password/reset/",
        )
    ]
    assert len(handed) == 1  # handed to the worker once the transaction commits
    # The secret link is made when the e-mail is sent (notifications/tests/test_people.py).
    row = apps.get_model("notifications", "Notification").objects.get()
    assert row.data == {}
    assert "password/reset/" not in row.title


def test_user_invite_refuses_deactivated_person(
    make_user, notifications_written, django_capture_on_commit_callbacks
):
    person = make_user(is_active=False)
    with pytest.raises(ValidationError) as exc, django_capture_on_commit_callbacks(execute=True):
        user_invite(user=person)
    assert exc.value.messages == [INACTIVE_INVITE_MESSAGE.format(person=person)]
    assert notifications_written() == []
