"""A report's events in timeline order, with their kind and visibility (issue 14): built
CONCURRENTLY on PostgreSQL (millions of events; a plain CREATE INDEX would stop every filing and
"me too" until it is done), as README's upgrade rules say; plainly elsewhere."""

from django.db import migrations, models

from core.schema import index_create_concurrently

INDEX = models.Index(
    fields=["report", "created_at", "id"],
    include=["kind", "public"],
    name="frictions_event_timeline",
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            index_create_concurrently(
                cursor,
                "frictions_event_timeline",
                "frictions_frictionevent (report_id, created_at, id) INCLUDE (kind, public)",
            )
    else:
        schema_editor.add_index(apps.get_model("frictions", "FrictionEvent"), INDEX)


def backward(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("frictions", "FrictionEvent"), INDEX)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [("frictions", "0016_report_changed_at")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, backward)],
            state_operations=[migrations.AddIndex(model_name="frictionevent", index=INDEX)],
        )
    ]
