"""The Job table of the jobs app.

Databases made before the jobs app existed keep their jobs: the studio's migration
``0002_job_leaves_studio`` (which runs before this one) renamed its table to ``jobs_job``, so this
migration only takes the model over. A database without that table gets it created here.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def create_table_unless_moved(apps, schema_editor):
    """Create ``jobs_job`` unless the studio's migration already handed its table over."""
    job = apps.get_model("jobs", "Job")
    if job._meta.db_table not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(job)


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Job",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[("generate", "Generate"), ("export", "Export"), ("train", "Train")],
                                max_length=10,
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("running", "Running"),
                                    ("succeeded", "Succeeded"),
                                    ("failed", "Failed"),
                                    ("cancelled", "Cancelled"),
                                ],
                                db_index=True,
                                default="queued",
                                max_length=10,
                            ),
                        ),
                        (
                            "comic_id",
                            models.BigIntegerField(
                                blank=True, db_index=True, help_text="The comic worked on.", null=True
                            ),
                        ),
                        (
                            "panel_id",
                            models.BigIntegerField(blank=True, db_index=True, help_text="The panel drawn.", null=True),
                        ),
                        (
                            "request",
                            models.JSONField(
                                default=dict, help_text="What to do: the job's payload, by kind (see payloads)."
                            ),
                        ),
                        ("progress", models.FloatField(default=0.0)),
                        ("step", models.IntegerField(blank=True, null=True)),
                        ("total", models.IntegerField(blank=True, null=True)),
                        ("message", models.CharField(blank=True, default="", max_length=500)),
                        ("error_type", models.CharField(blank=True, default="", max_length=100)),
                        ("error_message", models.TextField(blank=True, default="")),
                        ("attempts", models.IntegerField(default=0)),
                        ("max_attempts", models.IntegerField(default=3)),
                        ("worker", models.CharField(blank=True, default="", max_length=200)),
                        ("lease_expires_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                        ("cancel_requested", models.BooleanField(default=False)),
                        (
                            "results",
                            models.JSONField(default=list, help_text="Files this attempt has written so far."),
                        ),
                        ("enqueued_at", models.DateTimeField(blank=True, null=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"ordering": ["-created_at"]},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(create_table_unless_moved, migrations.RunPython.noop),
    ]
