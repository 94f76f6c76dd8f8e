from accounts.roles import Role

ROLE_PERMISSIONS = {
    Role.CX_LEAD: [
        "immersion.manage_programme",
        "immersion.view_programme",
        "immersion.log_escalation",
        "immersion.work_escalations",
    ],
    Role.EXECUTIVE: [
        "immersion.attend_sessions",
        "immersion.work_escalations",
    ],
    Role.FRONTLINE: [
        "immersion.log_escalation",
    ],
    Role.LEADERSHIP: [
        "immersion.view_programme",
        "immersion.view_shared_reflections",
    ],
}
