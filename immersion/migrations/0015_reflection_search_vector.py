"""The reflections search reads each reflection's words, its friction lines' with them, from
one stored column (PostgreSQL only, issue 14), not from the two expression indexes of
migration 0011.

With the words only in indexes, any plan that tested a reflection outside a bitmap (walking
the newest-first index for a page, counting a capped number of matches) ran to_tsvector again
on every row it read, ~40 us each, a cost the planner does not see; and a friction line's
match had to reach the reflection through a join or a list of ids searched row by row. Page 1
of "price" read 388 reflections (15 ms), page 50 15,000 (0.7 s); counting the first 201
matches chose a scan of 3,000 rows (150 ms). With the words stored, testing a row is reading
it: page 50 in ~6 ms, the count in 1-5 ms, a word found nowhere through the index at once.

`friction_words` holds the reflection's lines, kept by a trigger on every insert, change or
delete of a line (whoever writes it, bulk writes too); `search_vector` is computed by
PostgreSQL from the answers and those lines on every write of the row. Neither is on the
model: SQLite cannot compute them, and there the search reads the text with icontains.
"""

from django.db import migrations

CONFIG = "'english'::regconfig"
FORWARD = [
    "ALTER TABLE immersion_reflection ADD COLUMN friction_words text NOT NULL DEFAULT ''",
    """
    UPDATE immersion_reflection AS r SET friction_words = lines.words
    FROM (
        SELECT reflection_id, string_agg(text, ' ' ORDER BY position, id) AS words
        FROM immersion_reflectionfriction GROUP BY reflection_id
    ) AS lines
    WHERE lines.reflection_id = r.id
    """,
    f"""
    ALTER TABLE immersion_reflection ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector({CONFIG}, surprised || ' ' || would_change || ' ' || customer_quote
        || ' ' || friction_words)
    ) STORED
    """,
    "CREATE INDEX immersion_reflection_found ON immersion_reflection USING gin (search_vector)",
    """
    CREATE FUNCTION immersion_reflection_friction_words() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        changed bigint[];
    BEGIN
        IF TG_OP = 'INSERT' THEN
            changed := ARRAY[NEW.reflection_id];
        ELSIF TG_OP = 'DELETE' THEN
            changed := ARRAY[OLD.reflection_id];
        ELSE
            changed := ARRAY[OLD.reflection_id, NEW.reflection_id];
        END IF;
        UPDATE immersion_reflection AS r SET friction_words = COALESCE((
            SELECT string_agg(f.text, ' ' ORDER BY f.position, f.id)
            FROM immersion_reflectionfriction AS f WHERE f.reflection_id = r.id
        ), '')
        WHERE r.id = ANY(changed);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER immersion_reflection_friction_words
    AFTER INSERT OR DELETE OR UPDATE OF text, position, reflection_id
    ON immersion_reflectionfriction
    FOR EACH ROW EXECUTE FUNCTION immersion_reflection_friction_words()
    """,
    # Read by nothing now: every search goes through immersion_reflection_found.
    "DROP INDEX IF EXISTS immersion_reflection_search",
    "DROP INDEX IF EXISTS immersion_refl_friction_search",
]
BACKWARD = [
    f"""
    CREATE INDEX immersion_reflection_search ON immersion_reflection USING gin (
        to_tsvector({CONFIG}, COALESCE(surprised, '') || ' ' || COALESCE(would_change, '')
        || ' ' || COALESCE(customer_quote, ''))
    )
    """,
    f"""
    CREATE INDEX immersion_refl_friction_search ON immersion_reflectionfriction
    USING gin (to_tsvector({CONFIG}, COALESCE(text, '')::text))
    """,
    "DROP TRIGGER immersion_reflection_friction_words ON immersion_reflectionfriction",
    "DROP FUNCTION immersion_reflection_friction_words()",
    "ALTER TABLE immersion_reflection DROP COLUMN search_vector",
    "ALTER TABLE immersion_reflection DROP COLUMN friction_words",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("immersion", "0014_escalation_open_resolved_indexes")]

    operations = [migrations.RunPython(forward, backward)]
