"""The Job table moves to the jobs app (2 of 2): images and exports point at ``jobs.Job``."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("studio", "0002_job_leaves_studio"), ("jobs", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="generatedimage",
            name="job",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="images",
                to="jobs.job",
            ),
        ),
        migrations.AlterField(
            model_name="export",
            name="job",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="exports",
                to="jobs.job",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Job")],
            database_operations=[],  # the table is the jobs app's now
        ),
    ]
