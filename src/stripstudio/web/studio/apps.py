"""Django app configuration of the studio app."""

from django.apps import AppConfig


class StudioConfig(AppConfig):
    """The author's comics and the jobs that draw and export them."""

    name = "stripstudio.web.studio"
    label = "studio"
    default_auto_field = "django.db.models.BigAutoField"
