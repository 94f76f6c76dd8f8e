"""When each report's public timeline last gained a line, kept on the report's row (PostgreSQL
only, issue 14): what the API's `updated_since` reads.

Found from the events, a week's changes made PostgreSQL take the distinct reports of every
public event of the week on each sync: ~34,000 events (most of them "me too"s) for ~7,600
reports, 9 ms at issue 14's volume and growing with the support. From `changed_at` it reads
the ~7,600 entries of one index.

Triggers keep the column on every public event written (by this code, by the code of the
release before while an upgrade rolls out, by bulk writes). A report none of whose events is public (none yet) has no time. The column is not on the model: as with
the reflections' search words (immersion 0015), SQLite reads the events instead, and Django's
SQLite schema editor rebuilds tables in later migrations, which would drop a trigger there.

Safe while the old code serves (README, Upgrades): the column is added empty (no rewrite), the
trigger exists before the backfill, the backfill goes in batches of reports, each its own
transaction, and never moves a value back (it can run again), and the index is built
CONCURRENTLY.
"""

from django.db import migrations

from core.schema import index_create_concurrently

BATCH = 20_000

FUNCTION = """
CREATE OR REPLACE FUNCTION frictions_report_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    touched bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE frictions_frictionreport SET changed_at = NEW.created_at
        WHERE id = NEW.report_id AND (changed_at IS NULL OR changed_at < NEW.created_at);
        RETURN NULL;
    END IF;
    -- An event changed or removed (the app never does; a correction by hand, a test): the
    -- time again from the report's events.
    IF TG_OP = 'UPDATE' THEN
        touched := ARRAY[OLD.report_id, NEW.report_id];
    ELSE
        touched := ARRAY[OLD.report_id];
    END IF;
    UPDATE frictions_frictionreport AS r SET changed_at = (
        SELECT MAX(e.created_at) FROM frictions_frictionevent AS e
        WHERE e.report_id = r.id AND e.public
    )
    WHERE r.id = ANY(touched);
    RETURN NULL;
END
$$
"""
# Every public event added (the common write: one UPDATE of one row); any event changed or
# removed.
TRIGGERS = (
    """
    CREATE TRIGGER frictions_report_changed AFTER INSERT ON frictions_frictionevent
    FOR EACH ROW WHEN (NEW.public) EXECUTE FUNCTION frictions_report_changed()
    """,
    """
    CREATE TRIGGER frictions_report_changed_again
    AFTER UPDATE OF created_at, public, report_id OR DELETE ON frictions_frictionevent
    FOR EACH ROW EXECUTE FUNCTION frictions_report_changed()
    """,
)
BACKFILL = """
UPDATE frictions_frictionreport AS r SET changed_at = GREATEST(r.changed_at, (
    SELECT MAX(e.created_at) FROM frictions_frictionevent AS e
    WHERE e.report_id = r.id AND e.public
))
WHERE r.id BETWEEN %s AND %s
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE frictions_frictionreport ADD COLUMN IF NOT EXISTS changed_at timestamptz"
        )
        cursor.execute(FUNCTION)
        for name in ("frictions_report_changed", "frictions_report_changed_again"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON frictions_frictionevent")
        for trigger in TRIGGERS:
            cursor.execute(trigger)
        cursor.execute("SELECT MIN(id), MAX(id) FROM frictions_frictionreport")
        low, high = cursor.fetchone()
        for start in range(low or 0, (high or 0) + 1, BATCH):
            cursor.execute(BACKFILL, [start, start + BATCH - 1])
        index_create_concurrently(
            cursor, "frictions_report_changed", "frictions_frictionreport (changed_at, id)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in ("frictions_report_changed", "frictions_report_changed_again"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON frictions_frictionevent")
        cursor.execute("DROP FUNCTION IF EXISTS frictions_report_changed()")
        cursor.execute("ALTER TABLE frictions_frictionreport DROP COLUMN IF EXISTS changed_at")


class Migration(migrations.Migration):
    # Each batch of the backfill commits on its own, and CREATE INDEX CONCURRENTLY runs outside
    # a transaction.
    atomic = False

    dependencies = [("frictions", "0015_board_status_index_includes_area")]

    operations = [migrations.RunPython(forward, backward)]
