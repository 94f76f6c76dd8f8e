"""Roles are Django groups with permissions. This module is the one place that says which.

Later apps add their permissions to ROLE_PERMISSIONS; `roles_sync` (run after every migrate)
makes each group hold exactly what is listed, so a permission taken off here is taken away too.
"""

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
    Role.EXECUTIVE: [],
    Role.FRONTLINE: [],
    Role.LEADERSHIP: [],
}


def roles_sync() -> None:
    """Create the role groups and give each exactly the permissions ROLE_PERMISSIONS lists.

    Permissions that do not exist yet (their app not migrated) are skipped; the next run adds them.
    """
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = Q(pk__in=[])
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".", 1)
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
