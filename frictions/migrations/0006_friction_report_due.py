"""A report's next committed date becomes a stored column, indexed for open reports."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('frictions', '0005_api_integrations'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='frictionreport',
            name='frictions_f_status_6c7411_idx',
        ),
        migrations.AddField(
            model_name='frictionreport',
            name='due',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(status='new', then=models.F('acknowledge_by')), default=models.F('decide_by')), help_text='Acknowledge by while new, decide by after.', output_field=models.DateField(), verbose_name='next committed date'),
        ),
        migrations.AddIndex(
            model_name='frictionreport',
            index=models.Index(condition=models.Q(('status__in', ('new', 'acknowledged', 'in_progress'))), fields=['due'], name='frictions_open_due'),
        ),
    ]
