"""Holiday moves from immersion to core: the table is renamed, its rows stay.

The model state is created here and deleted from immersion by immersion's 0006, so no data is
copied; the rename makes the table's name match its new app.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("immersion", "0005_journey_catalogue")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Holiday",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("date", models.DateField(unique=True)),
                        ("name", models.CharField(max_length=100)),
                    ],
                    options={"ordering": ["date"], "db_table": "immersion_holiday"},
                ),
            ],
        ),
        migrations.AlterModelTable(name="holiday", table=None),
    ]
