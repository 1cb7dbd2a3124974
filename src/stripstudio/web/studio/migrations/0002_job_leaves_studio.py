"""The Job table moves to the jobs app (1 of 2): no foreign keys to comics and panels, renamed table.

The studio's Job pointed at Comic and Panel; the jobs app cannot. The columns ``comic_id`` and
``panel_id`` stay (same data, still indexed) without their constraints, and the table takes the
jobs app's name. ``run_before`` makes the jobs app's first migration find the table ready, rows
included; ``0003`` then moves the studio's references to the jobs app and forgets the old model.
"""

import django.db.models.deletion
from django.db import migrations, models

LOOSE = {"null": True, "blank": True, "db_constraint": False, "on_delete": django.db.models.deletion.DO_NOTHING}


class Migration(migrations.Migration):
    dependencies = [("studio", "0001_initial")]
    run_before = [("jobs", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="job", name="comic", field=models.ForeignKey(related_name="+", to="studio.comic", **LOOSE)
        ),
        migrations.AlterField(
            model_name="job", name="panel", field=models.ForeignKey(related_name="+", to="studio.panel", **LOOSE)
        ),
        migrations.SeparateDatabaseAndState(
            # The same columns, now plain indexed integers.
            state_operations=[
                migrations.RemoveField(model_name="job", name="comic"),
                migrations.RemoveField(model_name="job", name="panel"),
                migrations.AddField(
                    model_name="job",
                    name="comic_id",
                    field=models.BigIntegerField(blank=True, db_index=True, null=True),
                ),
                migrations.AddField(
                    model_name="job",
                    name="panel_id",
                    field=models.BigIntegerField(blank=True, db_index=True, null=True),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="job", table="jobs_job"),
    ]
