"""The reflections list's indexes (issue 14): newest written first, a btree on the reflection's
own row, so a page no longer joins and sorts every reflection's place; and, on PostgreSQL,
full-text indexes for the search (`?q=price` read every one of 140,000 reflections and 84,000
friction lines, 3.8 s).

Two GIN expression indexes: one over what the reflection says (what surprised, what would
change, the customer quote), one over its friction lines. The expressions are those
`immersion.filters.ReflectionFilter.search` builds (`reflection_search_vector`,
`friction_search_vector`), so the planner matches them. Not declared on the models: SQLite
cannot hold them, and there the search reads every row with icontains (demo-sized data).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

CONFIG = "english"
INDEXES = [
    (
        "Reflection",
        GinIndex(
            SearchVector("surprised", "would_change", "customer_quote", config=CONFIG),
            name="immersion_reflection_search",
        ),
    ),
    (
        "ReflectionFriction",
        GinIndex(SearchVector("text", config=CONFIG), name="immersion_refl_friction_search"),
    ),
]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES:
        schema_editor.add_index(apps.get_model("immersion", model_name), index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES:
        schema_editor.remove_index(apps.get_model("immersion", model_name), index)


class Migration(migrations.Migration):
    dependencies = [("immersion", "0010_officer_desks")]

    operations = [
        migrations.AddIndex(
            model_name="reflection",
            index=models.Index(fields=["created_at", "id"], name="immersion_reflection_newest"),
        ),
        migrations.RunPython(add_indexes, drop_indexes),
    ]
