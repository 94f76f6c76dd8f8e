from accounts.roles import Role

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CX_LEAD: ["notifications.manage_notifications"],
}
