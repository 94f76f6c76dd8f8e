"""The functions executives come from (seed 000: product, finance, operations, technology…).

Editable afterwards; the CX lead can rename or add departments.
"""

from django.db import migrations

DEFAULT_DEPARTMENTS = [
    "Customer experience",
    "Finance",
    "Marketing",
    "Operations",
    "People",
    "Product",
    "Sales",
    "Technology",
]


def add_departments(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    existing = {name.lower() for name in Department.objects.values_list("name", flat=True)}
    Department.objects.bulk_create(
        [Department(name=name) for name in DEFAULT_DEPARTMENTS if name.lower() not in existing]
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(add_departments, migrations.RunPython.noop)]
