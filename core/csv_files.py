"""Reading an uploaded CSV file the way people write them: Excel's BOM, headers in any case and
with the names people use, blank lines, rows too short or too long.

Both imports (people here, the call list in immersion) read through this, so they refuse the
same bad files with the same words.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

MAX_BYTES = 2 * 1024 * 1024

NOT_UTF8_MESSAGE = "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."
EMPTY_FILE_MESSAGE = "The file is empty."
TOO_BIG_MESSAGE = "The file is larger than 2 MB; split it into smaller files."
TOO_MANY_ROWS_MESSAGE = "The file has more than {limit} rows; split it into smaller files."
MALFORMED_MESSAGE = "The file is not valid CSV near line {line}: {error}."
MISSING_COLUMNS_MESSAGE = "The header row must have the column(s): {columns}."
IGNORED_COLUMNS_NOTICE = "Column(s) not used and ignored: {columns}."
ROW_WRONG_CELLS = "The row has {found} cells; the header has {expected}."


@dataclass
class CsvLine:
    """One non-blank line of the body: its line number, its cells by our column names, and
    the error when it does not have as many cells as the header."""

    line: int
    record: dict[str, str]
    shape_error: str | None = None


@dataclass
class CsvTable:
    columns: list[str] = field(default_factory=list)
    lines: list[CsvLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass
class CsvPreview:
    """What importing a file would do, row by row. Rows have `errors` and an `action`
    ("create", "update" or "unchanged"); the preview is `ok` only when nothing is wrong."""

    columns: list[str] = field(default_factory=list)
    rows: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, table: CsvTable):
        return cls(columns=table.columns, errors=table.errors, notices=table.notices)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors and not any(r.errors for r in self.rows)

    @property
    def error_rows(self) -> list:
        return [row for row in self.rows if row.errors]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)

    @property
    def count_create(self) -> int:
        return self.count("create")

    @property
    def count_update(self) -> int:
        return self.count("update")

    @property
    def count_unchanged(self) -> int:
        return self.count("unchanged")


def csv_decode(data: bytes | str) -> str:
    """The file's text; refuses what is too large or not UTF-8 (a BOM from Excel is fine)."""
    if isinstance(data, str):
        return data
    if len(data) > MAX_BYTES:
        raise ValidationError(TOO_BIG_MESSAGE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(NOT_UTF8_MESSAGE) from exc
    if "\x00" in text:
        raise ValidationError(NOT_UTF8_MESSAGE)
    return text


def _column_key(header: str) -> str:
    return re.sub(r"[\s_]+", " ", header.strip().lower())


def csv_read(
    data: bytes | str,
    *,
    aliases: dict[str, str],
    required: tuple[str, ...],
    labels: dict[str, str],
    max_rows: int,
) -> CsvTable:
    """Parse a CSV into records keyed by our column names (`aliases` maps what people write,
    lower-cased, to ours). File-level problems go to `errors`, and then no lines are read."""
    table = CsvTable()
    try:
        text = csv_decode(data)
    except ValidationError as exc:
        table.errors.extend(exc.messages)
        return table
    if not text.strip():
        table.errors.append(EMPTY_FILE_MESSAGE)
        return table
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        raw_rows = list(reader)
    except csv.Error as exc:
        table.errors.append(MALFORMED_MESSAGE.format(line=reader.line_num, error=exc))
        return table

    header, *body = raw_rows
    columns: list[str | None] = []
    ignored = []
    for cell in header:
        column = aliases.get(_column_key(cell))
        if column is None and cell.strip():
            ignored.append(cell.strip())
        columns.append(column)
    table.columns = [c for c in columns if c]
    missing = [labels[c] for c in required if c not in columns]
    if missing:
        table.errors.append(MISSING_COLUMNS_MESSAGE.format(columns=", ".join(missing)))
        return table
    if ignored:
        table.notices.append(IGNORED_COLUMNS_NOTICE.format(columns=", ".join(ignored)))
    numbered = [
        (index + 2, cells) for index, cells in enumerate(body) if any(c.strip() for c in cells)
    ]
    if len(numbered) > max_rows:
        table.errors.append(TOO_MANY_ROWS_MESSAGE.format(limit=max_rows))
        return table
    for line, cells in numbered:
        record = {
            column: cell.strip()
            for column, cell in zip(columns, cells, strict=False)
            if column is not None
        }
        shape_error = None
        if len(cells) != len(header):
            shape_error = ROW_WRONG_CELLS.format(found=len(cells), expected=len(header))
        table.lines.append(CsvLine(line=line, record=record, shape_error=shape_error))
    return table
