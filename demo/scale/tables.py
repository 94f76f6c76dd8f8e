"""Writing rows straight into tables: PostgreSQL's COPY (psycopg's `cursor.copy`), or one
`executemany` INSERT elsewhere (SQLite, the tests' tiny volume).

The generator hands rows as tuples in the order of the fields it names, ids included: it
numbers rows itself (from the table's current largest id), so that the rows written next can
point at them without reading anything back. Once every table is written, the sequences are set
past those ids (`finish`), so the application's own inserts go on from there.

Rows go through no model code: the database's constraints (foreign keys, checks, uniqueness,
the exclusion constraint on double booking) are what holds them to the rules. On PostgreSQL the
foreign keys of a table are dropped before its first rows go in and added back by `finish`,
which checks every row at once (one join per key): checked row by row, as a deferred key is at
commit, they cost three quarters of the generation's time (280,000 sessions: 50 s, of which
the COPY itself 6 s). Every other constraint is checked as the rows go in. A run that dies
before `finish` leaves the keys off: start again from an empty database (generate.py --reset).
"""

import json
import time
from collections.abc import Iterable
from itertools import islice

from django.core.management.color import no_style
from django.db import connection, models, transaction

# Rows per COPY statement (one transaction each): foreign keys are checked at commit, so a
# bounded batch keeps PostgreSQL's queue of pending checks small.
BATCH = 200_000


class Tables:
    """Where the generator's rows go, with how long each table took."""

    def __init__(self, *, log=print):
        self.log = log
        self.postgres = connection.vendor == "postgresql"
        self.written: dict[str, tuple[int, float]] = {}
        self.next_ids: dict[type[models.Model], int] = {}
        # (table, constraint, definition) of the foreign keys dropped until `finish`.
        self.dropped: list[tuple[str, str, str]] = []
        self.opened: set[str] = set()

    def ids(self, model: type[models.Model], count: int) -> range:
        """`count` fresh ids for `model`'s rows, after those already there or handed out."""
        if model not in self.next_ids:
            largest = model.objects.aggregate(n=models.Max("pk"))["n"] or 0
            self.next_ids[model] = largest + 1
        first = self.next_ids[model]
        self.next_ids[model] = first + count
        return range(first, first + count)

    def write(self, model: type[models.Model], fields: list[str], rows: Iterable[tuple]) -> int:
        """Write `rows` (tuples, in the order of `fields`: attnames such as "person_id") into
        `model`'s table; returns how many."""
        started = time.perf_counter()
        meta = model._meta
        given = {meta.get_field(name).name for name in fields}
        # A column left out gets the field's default (a constant: "", False, 0), as the ORM
        # would give it; COPY alone would leave it NULL.
        missing = [
            f
            for f in meta.concrete_fields
            if f.name not in given and not f.null and not isinstance(f, models.GeneratedField)
        ]
        defaults = tuple(f.get_default() for f in missing)
        if missing:
            fields = [*fields, *(f.attname for f in missing)]
            rows = (row + defaults for row in rows)
        columns = [meta.get_field(name).column for name in fields]
        if self.postgres and meta.db_table not in self.opened:
            self._drop_foreign_keys(meta.db_table)
        json_at = [
            i for i, name in enumerate(fields) if isinstance(meta.get_field(name), models.JSONField)
        ]
        count = 0
        iterator = iter(rows)
        while batch := list(islice(iterator, BATCH)):
            if self.postgres:
                self._copy(meta.db_table, columns, batch, json_at)
            else:
                self._insert(meta.db_table, columns, [meta.get_field(f) for f in fields], batch)
            count += len(batch)
        seconds = time.perf_counter() - started
        done, spent = self.written.get(meta.db_table, (0, 0.0))
        self.written[meta.db_table] = (done + count, spent + seconds)
        self.log(f"  {meta.db_table:<36} {count:>10,} rows {seconds:>7.1f} s")
        return count

    def _drop_foreign_keys(self, table: str) -> None:
        self.opened.add(table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                self.dropped.append((table, name, definition))

    def _copy(self, table: str, columns: list[str], rows: list[tuple], json_at: list[int]):
        names = ", ".join(f'"{c}"' for c in columns)
        statement = f'COPY "{table}" ({names}) FROM STDIN'
        with transaction.atomic(), connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = json.dumps(row[i])
                copy.write_row(row)

    def _insert(self, table: str, columns: list[str], fields: list, rows: list[tuple]):
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        prepared = [
            [
                field.get_db_prep_save(value, connection)
                for field, value in zip(fields, row, strict=True)
            ]
            for row in rows
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            # Table and column names come from the models' _meta, never from input.
            insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608
            cursor.executemany(insert, prepared)

    def finish(self) -> None:
        """Move every sequence past the ids written, then let the planner see the new data."""
        written = list(self.next_ids)
        with connection.cursor() as cursor:
            started = time.perf_counter()
            for table, name, definition in self.dropped:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            if self.dropped:
                seconds = time.perf_counter() - started
                self.log(f"  {len(self.dropped)} foreign keys checked {seconds:>27.1f} s")
            self.dropped.clear()
            for sql in connection.ops.sequence_reset_sql(no_style(), written):
                cursor.execute(sql)
            if self.postgres:
                started = time.perf_counter()
                cursor.execute("ANALYZE")
                self.log(f"  ANALYZE {time.perf_counter() - started:>41.1f} s")
