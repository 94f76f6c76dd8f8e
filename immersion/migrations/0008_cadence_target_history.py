"""Cadence targets keep their history: each target says since when it asks what it asks now,
and the terms it replaced are kept as versions (CadenceTarget's docstring says why a second
table). Targets that exist already have no recorded past, so they are taken to have asked
what they ask now since 2000-01-01 (models.programme.TARGETS_HISTORY_BEGINS): before any
session this product holds, so every quarter already recorded is judged by them rather than by
nothing. A target that is not in force today is taken never to have been.
"""

import datetime

import core.calendar
import django.db.models.deletion
from django.db import migrations, models


def existing_targets_apply_from_the_start(apps, schema_editor):
    CadenceTarget = apps.get_model("immersion", "CadenceTarget")
    CadenceTarget.objects.update(valid_from=datetime.date(2000, 1, 1))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_csv_upload_job'),
        ('immersion', '0007_csv_upload_job'),
    ]

    operations = [
        migrations.AddField(
            model_name='cadencetarget',
            name='valid_from',
            field=models.DateField(default=core.calendar.org_today, help_text='Since when it asks what it asks now (earlier: its versions).'),
        ),
        migrations.CreateModel(
            name='CadenceTargetVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=6)),
                ('unit', models.CharField(choices=[('hours', 'hours'), ('sessions', 'sessions')], max_length=10)),
                ('period', models.CharField(choices=[('week', 'week'), ('month', 'month'), ('quarter', 'quarter')], max_length=10)),
                ('applies_to', models.CharField(choices=[('each_executive', 'each executive'), ('leadership_team', 'the leadership team (together)')], default='each_executive', max_length=20)),
                ('is_active', models.BooleanField(default=True)),
                ('valid_from', models.DateField()),
                ('valid_until', models.DateField(help_text='The first day it no longer applied.')),
                ('activity_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='immersion.activitytype')),
                ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department')),
                ('target', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='immersion.cadencetarget')),
            ],
            options={
                'ordering': ['target', 'valid_from'],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='immersion_cadencetargetversion_amount_positive'), models.CheckConstraint(condition=models.Q(('valid_until__gt', models.F('valid_from'))), name='immersion_cadencetargetversion_at_least_a_day'), models.UniqueConstraint(fields=('target', 'valid_from'), name='immersion_cadencetargetversion_one_a_day')],
            },
        ),
        # Last: on PostgreSQL no table is altered after rows were updated in this transaction.
        migrations.RunPython(existing_targets_apply_from_the_start, migrations.RunPython.noop),
    ]
