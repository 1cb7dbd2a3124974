"""The ASGI application, for uvicorn: ``stripstudio serve`` sets Django and the job runtime up first."""

from django.core.asgi import get_asgi_application


def application_for_settings():
    """The Django ASGI application (call after :func:`stripstudio.web.config.setup_django`)."""
    return get_asgi_application()
