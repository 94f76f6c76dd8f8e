from accounts.roles import Role

ROLE_PERMISSIONS = {
    Role.CX_LEAD: [
        "frictions.file_friction",
        "frictions.view_frictions",
        "frictions.triage_frictions",
        "frictions.view_decisions",
        "frictions.log_decisions",
    ],
    Role.EXECUTIVE: [
        "frictions.file_friction",
        "frictions.view_frictions",
        "frictions.view_decisions",
        "frictions.log_decisions",
    ],
    Role.FRONTLINE: [
        "frictions.file_friction",
        "frictions.view_frictions",
    ],
    Role.LEADERSHIP: [
        "frictions.view_frictions",
        "frictions.view_decisions",
    ],
}
