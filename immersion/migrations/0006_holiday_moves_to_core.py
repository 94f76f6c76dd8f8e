"""Holiday now lives in core (core's 0001 took over the table); forget it here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("immersion", "0005_journey_catalogue"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Holiday")],
        ),
    ]
