"""Writes to people, roles and teams, each with its rules."""

from collections.abc import Callable, Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.csv_files import csv_decode

from .models import Department, FrontlineTeam, PeopleImport, User, normalize_email
from .people_import import ImportPreview, ImportRow, people_import_apply
from .roles import Role
from .signals import invitation_requested, password_reset_requested

MANAGER_CYCLE_MESSAGE = "{manager} already reports to {person}, directly or through others."
OWN_MANAGER_MESSAGE = "Nobody can be their own manager."
DEACTIVATE_SELF_MESSAGE = "You cannot deactivate yourself."
UNKNOWN_ROLE_MESSAGE = "“{role}” is not a role."
INACTIVE_INVITE_MESSAGE = "{person} is deactivated; reactivate them before inviting them."
ALREADY_APPLIED_MESSAGE = "This file was already imported on {when:%d %b %Y at %H:%M}."
APPLIED_MEANWHILE_MESSAGE = (
    "These people were already imported from another upload at the same moment; nothing from "
    "this file was applied. Open its preview again to see what is left."
)


def manager_chain_check(*, user: User, manager: User | None) -> None:
    """Refuse a manager that would make the reporting chain loop back to `user`."""
    if manager is None:
        return
    if user.pk is not None and manager.pk == user.pk:
        raise ValidationError({"manager": OWN_MANAGER_MESSAGE})
    if user.pk is None:
        return
    seen: set[int] = set()
    current: User | None = manager
    while current is not None and current.pk not in seen:
        if current.pk == user.pk:
            raise ValidationError(
                {"manager": MANAGER_CYCLE_MESSAGE.format(manager=manager, person=user)}
            )
        seen.add(current.pk)
        current = current.manager


def _role_groups(roles: Iterable[str]) -> list[Group]:
    names = set(roles)
    unknown = names - set(Role.values)
    if unknown:
        raise ValidationError(
            {"roles": [UNKNOWN_ROLE_MESSAGE.format(role=name) for name in sorted(unknown)]}
        )
    return [Group.objects.get_or_create(name=name)[0] for name in sorted(names)]


@transaction.atomic
def user_create(
    *,
    email: str,
    display_name: str,
    title: str = "",
    time_zone: str = "UTC",
    department: Department | None = None,
    frontline_team: FrontlineTeam | None = None,
    manager: User | None = None,
    roles: Iterable[str] = (),
    password: str | None = None,
) -> User:
    """Add a person. Without a password they get an unusable one and set their own by e-mail."""
    user = User(
        email=normalize_email(email),
        display_name=display_name.strip(),
        title=title.strip(),
        time_zone=time_zone,
        department=department,
        frontline_team=frontline_team,
        manager=manager,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    groups = _role_groups(roles)
    user.save()
    user.groups.set(groups)
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    roles: Iterable[str] | None = None,
    **fields,
) -> User:
    """Change a person's details and, when `roles` is given, their roles (exactly those)."""
    editable = {
        "email",
        "display_name",
        "title",
        "time_zone",
        "department",
        "frontline_team",
        "manager",
    }
    unknown = set(fields) - editable
    if unknown:
        raise TypeError(f"user_update() cannot change {', '.join(sorted(unknown))}")
    if "manager" in fields:
        manager_chain_check(user=user, manager=fields["manager"])
    for name, value in fields.items():
        if name == "email":
            value = normalize_email(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(user, name, value)
    user.full_clean()
    user.save()
    if roles is not None:
        user.groups.set(_role_groups(roles))
    return user


def user_deactivate(*, user: User, by: User) -> User:
    """Stop a person signing in; their history stays. Nobody can deactivate themselves."""
    if user.pk == by.pk:
        raise ValidationError(DEACTIVATE_SELF_MESSAGE)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def user_reactivate(*, user: User) -> User:
    """Let a deactivated person sign in again."""
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_invite(*, user: User) -> None:
    """Send a person a link to choose their password; the link expires like a reset link.
    Refused for someone deactivated. Announced with invitation_requested in this transaction;
    the e-mail, and the link in it, are made when it is sent (notifications/kinds/people.py),
    so the secret never sits in the database, the broker or a signal."""
    if not user.is_active:
        raise ValidationError(INACTIVE_INVITE_MESSAGE.format(person=user))
    invitation_requested.send(sender=User, user=user)


@transaction.atomic
def password_reset_request(*, user: User) -> None:
    """Send a person the link to choose a new password they asked for. The link is made by the
    worker at send time, like an invitation's. Callers find `user` from the address typed and
    answer the same whether or not anyone has it (accounts.forms.PasswordResetForm)."""
    password_reset_requested.send(sender=User, user=user)


def people_import_upload(*, uploaded_by: User, file_name: str, data: bytes) -> PeopleImport:
    """Keep an uploaded people CSV for preview. Refuses files that are not UTF-8 text."""
    return PeopleImport.objects.create(
        uploaded_by=uploaded_by,
        file_name=file_name[:255],
        content=csv_decode(data),
    )


@transaction.atomic
def people_import_run(
    *,
    people_import: PeopleImport,
    send_invitations: bool,
    on_row: Callable[[ImportRow], None] | None = None,
) -> ImportPreview:
    """Apply a previewed import once: all rows or none; optionally invite the new people.
    `on_row` hears of each row as it is written (the worker's progress)."""
    people_import = PeopleImport.objects.select_for_update().get(pk=people_import.pk)
    if people_import.applied_at is not None:
        raise ValidationError(ALREADY_APPLIED_MESSAGE.format(when=people_import.applied_at))
    created: list[str] = []

    def remember_created(row) -> None:
        if row.action == "create":
            created.append(row.email)
        if on_row is not None:
            on_row(row)

    try:
        with transaction.atomic():
            result = people_import_apply(data=people_import.content, on_row=remember_created)
    except IntegrityError:
        # Another upload of the same people, applied at the same moment, added them first: the
        # lock above is on this upload's row only, and the unique e-mail settles the race.
        raise ValidationError(APPLIED_MEANWHILE_MESSAGE) from None
    people_import.applied_at = timezone.now()
    people_import.created_count = result.count("create")
    people_import.updated_count = result.count("update")
    people_import.unchanged_count = result.count("unchanged")
    people_import.save()
    if send_invitations:
        for user in User.objects.filter(email__in=created):
            user_invite(user=user)
    return result
