from accounts.roles import Role

ROLE_PERMISSIONS = {
    Role.CX_LEAD: [
        "metrics.view_dashboard",
    ],
    Role.LEADERSHIP: [
        "metrics.view_dashboard",
    ],
    Role.EXECUTIVE: [
        "metrics.view_own_scorecard",
    ],
}
