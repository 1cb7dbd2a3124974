"""Django settings for type checking only: the same apps and models the studio loads, built from defaults."""

from stripstudio.settings import StudioSettings
from stripstudio.web.config import django_settings

globals().update(django_settings(StudioSettings(data_dir="/tmp/stripstudio-mypy")))
STRIPSTUDIO: StudioSettings  # set by the line above; declared so that settings.STRIPSTUDIO has its type
