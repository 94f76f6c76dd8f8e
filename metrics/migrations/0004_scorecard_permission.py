# Numbered 0004 and depending on 0002 only: another branch adds its own 0003 (merged later).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0003_team_scope"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="quarterrollup",
            options={
                "ordering": ["-quarter"],
                "permissions": [
                    ("view_dashboard", "Can read the quarterly dashboard"),
                    ("view_own_scorecard", "Can read one's own executive scorecard"),
                ],
            },
        ),
    ]
