"""A reflection's friction line that a report was filed from cannot be deleted (the chain
exposure -> report -> decision stays whole)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('frictions', '0006_friction_report_due'),
        ('immersion', '0006_holiday_moves_to_core'),
    ]

    operations = [
        migrations.AlterField(
            model_name='frictionreport',
            name='source_reflection_friction',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='friction_reports', to='immersion.reflectionfriction'),
        ),
    ]
