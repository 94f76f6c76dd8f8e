"""CSV import of the customer call list: a preview with per-row errors, then an all-or-nothing
apply, like the people import.

A customer is matched by account and name (case aside), so re-importing the same file changes
nothing and a corrected file updates contact details, consent and the do-not-contact flag. A
customer who withdraws consent or asks not to be contacted loses every call not yet made.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from core.csv_files import CsvPreview, csv_read
from core.generations import generation_bump

from .models import Customer, CustomerCall
from .selectors.followthrough import TODOS

MAX_ROWS = 20000
NOT_VALID_ROWS_MESSAGE = "Nothing was imported: fix the rows marked with errors and upload again."
ROW_NO_NAME = "The customer name is empty."
ROW_NO_CONTACT = "Give a phone number or an e-mail address."
ROW_BAD_EMAIL = "“{value}” is not an e-mail address."
ROW_BAD_PHONE = "“{value}” is not a phone number."
ROW_BAD_FLAG = "{column} must be yes or no, not “{value}”."
ROW_TOO_LONG = "{column} is longer than {limit} characters."
ROW_DUPLICATE = "{name} of account “{account}” is also on line {line}."

COLUMN_ALIASES = {
    "name": "name",
    "customer": "name",
    "customer name": "name",
    "contact": "name",
    "contact name": "name",
    "account": "account",
    "account number": "account",
    "account id": "account",
    "company": "account",
    "phone": "phone",
    "phone number": "phone",
    "telephone": "phone",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "consent": "consent",
    "consent to be contacted": "consent",
    "consented": "consent",
    "do not contact": "do_not_contact",
    "do-not-contact": "do_not_contact",
    "dnc": "do_not_contact",
}
REQUIRED_COLUMNS = ("name", "consent")
COLUMN_LABELS = {
    "name": "customer name",
    "account": "account",
    "phone": "phone",
    "email": "email",
    "consent": "consent",
    "do_not_contact": "do not contact",
}
FIELD_LIMITS = {"name": 200, "account": 100, "phone": 50}
YES = {"yes", "y", "true", "1", "x", "oui", "ja", "sí", "si"}
NO = {"no", "n", "false", "0", ""}


@dataclass
class CallListRow:
    line: int
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    action: str = "create"
    changes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.values.get("name", "")

    @property
    def account(self) -> str:
        return self.values.get("account", "")

    @property
    def contact(self) -> str:
        return self.values.get("phone") or self.values.get("email", "")

    @property
    def may_be_called(self) -> bool:
        return bool(self.values.get("consent")) and not self.values.get("do_not_contact")


@dataclass
class CallListPreview(CsvPreview):
    rows: list[CallListRow] = field(default_factory=list)

    @property
    def count_callable(self) -> int:
        return sum(1 for row in self.rows if row.may_be_called and not row.errors)


def _key(account: str, name: str) -> tuple[str, str]:
    return (account.casefold(), name.casefold())


def _flag(row: CallListRow, record: dict, column: str) -> None:
    value = record.get(column, "")
    if value.lower() in YES:
        row.values[column] = True
    elif value.lower() in NO:
        row.values[column] = False
    else:
        label = COLUMN_LABELS[column].capitalize()
        row.errors.append(ROW_BAD_FLAG.format(column=label, value=value))


def _check_row(row: CallListRow, record: dict) -> None:
    for column in ("name", "account", "phone", "email"):
        if column in record:
            row.values[column] = " ".join(record[column].split())
    if not row.name:
        row.errors.append(ROW_NO_NAME)
    for column, limit in FIELD_LIMITS.items():
        if len(row.values.get(column, "")) > limit:
            row.errors.append(
                ROW_TOO_LONG.format(column=COLUMN_LABELS[column].capitalize(), limit=limit)
            )
    email = row.values.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.errors.append(ROW_BAD_EMAIL.format(value=email))
    phone = row.values.get("phone", "")
    if phone and sum(c.isdigit() for c in phone) < 5:
        row.errors.append(ROW_BAD_PHONE.format(value=phone))
    if not phone and not email:
        row.errors.append(ROW_NO_CONTACT)
    _flag(row, record, "consent")
    if "do_not_contact" in record:
        _flag(row, record, "do_not_contact")


def call_list_preview(*, data: bytes | str) -> CallListPreview:
    """Parse and check a call list without writing anything; every problem against its line."""
    table = csv_read(
        data,
        aliases=COLUMN_ALIASES,
        required=REQUIRED_COLUMNS,
        labels=COLUMN_LABELS,
        max_rows=MAX_ROWS,
    )
    preview = CallListPreview.of(table)
    if table.errors:
        return preview
    seen: dict[tuple[str, str], int] = {}
    for csv_line in table.lines:
        row = CallListRow(line=csv_line.line)
        if csv_line.shape_error:
            row.errors.append(csv_line.shape_error)
        _check_row(row, csv_line.record)
        key = _key(row.account, row.name)
        if row.name and key in seen:
            row.errors.append(
                ROW_DUPLICATE.format(name=row.name, account=row.account, line=seen[key])
            )
        else:
            seen[key] = row.line
        preview.rows.append(row)
    existing = _existing_by_key()
    for row in preview.rows:
        customer = existing.get(_key(row.account, row.name))
        if customer is None:
            continue
        row.changes = [
            str(Customer._meta.get_field(name).verbose_name)
            for name, value in row.values.items()
            if getattr(customer, name) != value
        ]
        row.action = "update" if row.changes else "unchanged"
    return preview


def _existing_by_key() -> dict[tuple[str, str], Customer]:
    return {_key(c.account, c.name): c for c in Customer.objects.all()}


@transaction.atomic
def call_list_apply(
    *, data: bytes | str, on_row: Callable[[object], None] | None = None
) -> CallListPreview:
    """Write a call list: every row or, when any row has an error, nothing. Customers who may no
    longer be called lose the calls drawn for them and not yet made. `on_row` hears of each row
    as it is gone through."""
    preview = call_list_preview(data=data)
    if not preview.ok:
        raise ValidationError(NOT_VALID_ROWS_MESSAGE)
    existing = _existing_by_key()
    new, changed = [], []
    for row in preview.rows:
        if on_row is not None:
            on_row(row)
        if row.action == "unchanged":
            continue
        customer = existing.get(_key(row.account, row.name)) or Customer()
        for name, value in row.values.items():
            setattr(customer, name, value)
        (changed if customer.pk else new).append(customer)
    Customer.objects.bulk_create(new, batch_size=1000)
    if changed:
        fields = sorted({name for row in preview.rows for name in row.values})
        Customer.objects.bulk_update(changed, fields, batch_size=1000)
    CustomerCall.objects.filter(status=CustomerCall.Status.TO_CALL).exclude(
        customer__consent=True, customer__do_not_contact=False
    ).update(status=CustomerCall.Status.WITHDRAWN)
    # Customers' names and withdrawn calls show on executives' to-do lists; none of these
    # writes sends a signal.
    generation_bump(TODOS)
    return preview
