from accounts.roles import Role

ROLE_PERMISSIONS = {
    Role.CX_LEAD: [
        "metrics.view_dashboard",
        "metrics.view_themes",
        "metrics.manage_themes",
    ],
    Role.LEADERSHIP: [
        "metrics.view_dashboard",
        "metrics.view_themes",
    ],
    Role.EXECUTIVE: [
        "metrics.view_own_scorecard",
    ],
}
