from accounts.roles import Role

# Reads the quarterly dashboard and everything taken from it: the pack, the exports, every
# executive's scorecard, the evidence page; the pack is mailed to whoever holds it.
VIEW_DASHBOARD = "metrics.view_dashboard"

ROLE_PERMISSIONS = {
    Role.CX_LEAD: [
        VIEW_DASHBOARD,
        "metrics.view_themes",
        "metrics.manage_themes",
    ],
    Role.LEADERSHIP: [
        VIEW_DASHBOARD,
        "metrics.view_themes",
    ],
    Role.EXECUTIVE: [
        "metrics.view_own_scorecard",
    ],
}
