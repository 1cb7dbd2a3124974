"""The ASGI application, for uvicorn: ``stripstudio serve`` sets Django and the job runtime up first."""

from django.core.asgi import get_asgi_application

from stripstudio.settings import StudioSettings
from stripstudio.web.upload_limits import BodyLimit


def application_for_settings(studio: StudioSettings) -> BodyLimit:
    """The Django ASGI application, refusing oversized bodies as they stream in (call after setup_django)."""
    return BodyLimit(get_asgi_application(), studio)
