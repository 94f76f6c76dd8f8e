"""Roles are Django groups with permissions.

Each app says which of its permissions each role holds in its own `roles.py`, as a dict named
ROLE_PERMISSIONS (this module holds accounts' own); `roles_sync` (run after every migrate)
gathers them all and makes each group hold exactly what is listed, so a permission taken off
a list is taken away too. Apps above accounts import Role from here, never the other way.
"""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    CX_LEAD = "cx_lead", "CX lead"
    EXECUTIVE = "executive", "Executive"
    FRONTLINE = "frontline", "Frontline agent"
    LEADERSHIP = "leadership", "Leadership viewer"


ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CX_LEAD: [
        "accounts.manage_people",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_department",
        "accounts.add_department",
        "accounts.change_department",
        "accounts.view_frontlineteam",
        "accounts.add_frontlineteam",
        "accounts.change_frontlineteam",
    ],
}


def role_permissions() -> dict[str, list[str]]:
    """Every installed app's ROLE_PERMISSIONS, merged: role -> ["app_label.codename", ...]."""
    merged: dict[str, list[str]] = {role: [] for role in Role.values}
    for app_config in apps.get_app_configs():
        try:
            module = import_module(f"{app_config.name}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.roles":
                raise
            continue
        for role, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            merged[Role(role).value].extend(perms)
    return merged


def roles_sync() -> None:
    """Create the role groups and give each exactly the permissions the apps list for it.

    Permissions that do not exist yet (their app not migrated) are skipped; the next run adds them.
    """
    wanted_by_role = role_permissions()
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = Q(pk__in=[])
        for dotted in wanted_by_role[role.value]:
            app_label, codename = dotted.split(".", 1)
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
