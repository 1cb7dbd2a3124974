"""Django app configuration of the jobs app."""

from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Queued work: the Job table, its life cycle, the runner registry and the event bus."""

    name = "stripstudio.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"
