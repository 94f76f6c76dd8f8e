"""CSV import of people: a preview with per-row errors, then an all-or-nothing apply.

The file is authoritative for the columns it has: a column left out of the header leaves that
field alone on existing people; an empty cell in a present column clears the field. Re-importing
the same file changes nothing (idempotent by e-mail address).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from core.csv_files import CsvPreview, csv_read

from .models import Department, FrontlineTeam, User, normalize_email, validate_time_zone
from .roles import Role

MAX_ROWS = 5000

NOT_VALID_ROWS_MESSAGE = "Nothing was imported: fix the rows marked with errors and upload again."

ROW_BAD_EMAIL = "“{value}” is not an e-mail address."
ROW_NO_NAME = "The name is empty."
ROW_TOO_LONG = "{column} is longer than {limit} characters."
ROW_DUPLICATE = "{email} is also on line {line}; each person may appear once."
ROW_UNKNOWN_DEPARTMENT = "Unknown department “{value}”."
ROW_UNKNOWN_TEAM = "Unknown team “{value}”."
ROW_UNKNOWN_ROLE = "Unknown role “{value}” (use {choices})."
ROW_UNKNOWN_MANAGER = "Unknown manager {value}: not in Proximity and not in this file."
ROW_OWN_MANAGER = "A person cannot be their own manager."
ROW_MANAGER_CYCLE = "Manager chain loops back to this person: {chain}."

# Column names people actually write, mapped to ours.
COLUMN_ALIASES = {
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "e-mail address": "email",
    "name": "display_name",
    "display name": "display_name",
    "full name": "display_name",
    "title": "title",
    "job title": "title",
    "time zone": "time_zone",
    "timezone": "time_zone",
    "department": "department",
    "team": "frontline_team",
    "frontline team": "frontline_team",
    "manager": "manager",
    "manager email": "manager",
    "manager e-mail": "manager",
    "roles": "roles",
    "role": "roles",
}
REQUIRED_COLUMNS = ("email", "display_name")
COLUMN_LABELS = {
    "email": "email",
    "display_name": "name",
    "title": "title",
    "time_zone": "time zone",
    "department": "department",
    "frontline_team": "team",
    "manager": "manager email",
    "roles": "roles",
}
FIELD_LIMITS = {"display_name": 120, "title": 120}


@dataclass
class ImportRow:
    line: int
    email: str
    display_name: str = ""
    values: dict = field(default_factory=dict)
    roles: list[str] | None = None
    manager_email: str | None = None
    errors: list[str] = field(default_factory=list)
    action: str = "create"
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportPreview(CsvPreview):
    rows: list[ImportRow] = field(default_factory=list)


def _split_roles(cell: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,|]", cell) if part.strip()]


def _role_value(name: str) -> str | None:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    by_label = {label.lower(): value for value, label in Role.choices}
    if key in Role.values:
        return key
    return by_label.get(name.strip().lower())


def people_import_preview(*, data: bytes | str) -> ImportPreview:
    """Parse and check a people CSV without writing anything.

    Every problem is reported against its line; the preview is `ok` only when none exist.
    """
    table = csv_read(
        data,
        aliases=COLUMN_ALIASES,
        required=REQUIRED_COLUMNS,
        labels=COLUMN_LABELS,
        max_rows=MAX_ROWS,
    )
    preview = ImportPreview.of(table)
    if table.errors:
        return preview

    departments = {d.name.lower(): d for d in Department.objects.all()}
    teams = {t.name.lower(): t for t in FrontlineTeam.objects.all()}
    # One query for the whole organisation's reporting lines: enough to find loops.
    existing = {
        email.lower(): (pk, (manager_email or "").lower() or None)
        for pk, email, manager_email in User.objects.values_list("pk", "email", "manager__email")
    }
    existing_users: dict[str, User] = {}
    seen_emails: dict[str, int] = {}

    for csv_line in table.lines:
        line, record = csv_line.line, csv_line.record
        row = ImportRow(line=line, email=normalize_email(record.get("email", "")))
        if csv_line.shape_error:
            row.errors.append(csv_line.shape_error)
        _check_row(row, record, departments, teams)
        if row.email:
            if row.email in seen_emails:
                row.errors.append(
                    ROW_DUPLICATE.format(email=row.email, line=seen_emails[row.email])
                )
            else:
                seen_emails[row.email] = line
        preview.rows.append(row)

    in_file = {row.email for row in preview.rows if row.email}
    for row in preview.rows:
        if (
            row.manager_email
            and row.manager_email not in in_file
            and row.manager_email not in existing
        ):
            row.errors.append(ROW_UNKNOWN_MANAGER.format(value=row.manager_email))
    _check_manager_cycles(preview, existing)

    wanted = [row.email for row in preview.rows if row.email in existing]
    if wanted:
        existing_users = {
            u.email.lower(): u
            for u in _users_by_email(wanted)
            .select_related("department", "frontline_team", "manager")
            .prefetch_related("groups")
        }
    for row in preview.rows:
        _describe_changes(row, existing_users.get(row.email), "roles" in preview.columns)
    return preview


def _users_by_email(emails):
    """People whose address is in `emails` (lower case), whatever case it was stored in."""
    return User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=list(emails))


def _check_row(row: ImportRow, record: dict, departments: dict, teams: dict) -> None:
    try:
        validate_email(row.email)
    except ValidationError:
        row.errors.append(ROW_BAD_EMAIL.format(value=record.get("email", "")))
    row.display_name = record.get("display_name", "")
    if not row.display_name:
        row.errors.append(ROW_NO_NAME)
    for column, limit in FIELD_LIMITS.items():
        if len(record.get(column, "")) > limit:
            row.errors.append(
                ROW_TOO_LONG.format(column=COLUMN_LABELS[column].capitalize(), limit=limit)
            )
    row.values["display_name"] = row.display_name
    if "title" in record:
        row.values["title"] = record["title"]
    if "time_zone" in record:
        tz = record["time_zone"] or "UTC"
        try:
            validate_time_zone(tz)
        except ValidationError as exc:
            row.errors.extend(exc.messages)
        row.values["time_zone"] = tz
    if "department" in record:
        name = record["department"]
        row.values["department"] = departments.get(name.lower()) if name else None
        if name and row.values["department"] is None:
            row.errors.append(ROW_UNKNOWN_DEPARTMENT.format(value=name))
    if "frontline_team" in record:
        name = record["frontline_team"]
        row.values["frontline_team"] = teams.get(name.lower()) if name else None
        if name and row.values["frontline_team"] is None:
            row.errors.append(ROW_UNKNOWN_TEAM.format(value=name))
    if "roles" in record:
        row.roles = []
        for name in _split_roles(record["roles"]):
            value = _role_value(name)
            if value is None:
                choices = ", ".join(Role.values)
                row.errors.append(ROW_UNKNOWN_ROLE.format(value=name, choices=choices))
            elif value not in row.roles:
                row.roles.append(value)
    if "manager" in record:
        row.manager_email = normalize_email(record["manager"]) or None
        row.values["manager"] = None  # resolved on apply; the key says the column is present
        if row.manager_email and row.manager_email == row.email:
            row.errors.append(ROW_OWN_MANAGER)


def _check_manager_cycles(preview: ImportPreview, existing: dict) -> None:
    """Follow each row's manager chain as it will be after the import; refuse loops."""
    file_managers = {
        row.email: row.manager_email
        for row in preview.rows
        if "manager" in row.values and row.email
    }

    def manager_of(email: str) -> str | None:
        if email in file_managers:
            return file_managers[email]
        return existing.get(email, (None, None))[1]

    for row in preview.rows:
        if not row.manager_email or row.manager_email == row.email:
            continue
        chain = [row.email]
        current = row.manager_email
        while current and current not in chain:
            chain.append(current)
            current = manager_of(current)
        if current == row.email:
            row.errors.append(ROW_MANAGER_CYCLE.format(chain=" → ".join([*chain, row.email])))


def _describe_changes(row: ImportRow, user: User | None, roles_present: bool) -> None:
    if user is None:
        row.action = "create"
        return
    changes = []
    for name, value in row.values.items():
        if name == "manager":
            current = user.manager.email.lower() if user.manager else None
            if current != row.manager_email:
                changes.append("manager")
        elif getattr(user, name) != value:
            changes.append(User._meta.get_field(name).verbose_name)
    if roles_present and sorted(row.roles or []) != user.role_names:
        changes.append("roles")
    row.changes = changes
    row.action = "update" if changes else "unchanged"


@transaction.atomic
def people_import_apply(
    *,
    data: bytes | str,
    on_row: Callable[[ImportRow], None] | None = None,
) -> ImportPreview:
    """Write a people CSV: everything or, when any row has an error, nothing at all.

    The file is checked again inside the transaction, so what is written is what was previewed
    against the data as it is now.
    """
    preview = people_import_preview(data=data)
    if not preview.ok:
        raise ValidationError(NOT_VALID_ROWS_MESSAGE)
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    for role in Role.values:
        if role not in groups:
            groups[role] = Group.objects.create(name=role)
    users: dict[str, User] = {
        u.email.lower(): u for u in _users_by_email([row.email for row in preview.rows])
    }
    for row in preview.rows:
        user = users.get(row.email)
        if row.action != "unchanged":
            if user is None:
                user = User(email=row.email)
                user.set_unusable_password()
            for name, value in row.values.items():
                if name != "manager":
                    setattr(user, name, value)
            user.full_clean(exclude=["manager"])
            user.save()
            users[row.email] = user
            if row.roles is not None:
                user.groups.set([groups[name] for name in row.roles])
        if on_row is not None:
            on_row(row)
    managers_needed = {row.manager_email for row in preview.rows if row.manager_email} - set(users)
    users.update({u.email.lower(): u for u in _users_by_email(managers_needed)})
    for row in preview.rows:
        if "manager" not in row.values or ("manager" not in row.changes and row.action != "create"):
            continue
        user = users[row.email]
        user.manager = users[row.manager_email] if row.manager_email else None
        user.save(update_fields=["manager"])
    return preview
