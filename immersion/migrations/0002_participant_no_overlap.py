"""On PostgreSQL, the database itself refuses one person in two overlapping sessions.

An exclusion constraint over (person, time range) for active participants, which needs the
btree_gist extension (trusted since PostgreSQL 13, so the database owner may create it). It is
not declared on the model: SQLite cannot hold it, and there the service keeps the same rule
inside an IMMEDIATE transaction.
"""

from django.db import migrations

CONSTRAINT = "immersion_participant_no_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE immersion_participant ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (person_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (is_active)"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE immersion_participant DROP CONSTRAINT {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("immersion", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
