"""Django app configuration of the studio app."""

from django.apps import AppConfig


class StudioConfig(AppConfig):
    """The author's comics, and the runners of the jobs that draw and export them."""

    name = "stripstudio.web.studio"
    label = "studio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the studio's job runners and the receivers that delete a comic's or panel's jobs."""
        from stripstudio.web.studio import cleanup  # noqa: F401  (connects the receivers)
        from stripstudio.web.studio.runners import register_studio_runners

        register_studio_runners()
