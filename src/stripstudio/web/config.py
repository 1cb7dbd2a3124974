"""Django settings built from :class:`~stripstudio.settings.StudioSettings`, once, at start-up.

The server, the worker and the tests call :func:`setup_django`; nothing reads Django settings from a
module on import, so one process can be pointed at SQLite or PostgreSQL by its StudioSettings alone.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any

from stripstudio.lettering.fonts import FONT_DIR
from stripstudio.settings import StudioSettings
from stripstudio.web.security import security_settings

PACKAGE_DIR = Path(__file__).resolve().parent


def setup_django(studio: StudioSettings, **extra: Any) -> None:
    """Configure Django from ``studio`` (plus ``extra`` settings) and load the apps; once per process."""
    import django
    from django.conf import settings

    if settings.configured:
        return
    settings.configure(**django_settings(studio), **extra)
    django.setup()


def studio_settings() -> StudioSettings:
    """The StudioSettings Django was set up with (the ``STRIPSTUDIO`` setting, typed)."""
    from django.conf import settings

    studio = getattr(settings, "STRIPSTUDIO")  # noqa: B009 - a setting of our own, unknown to the type stubs
    assert isinstance(studio, StudioSettings)
    return studio


def django_settings(studio: StudioSettings) -> dict[str, Any]:
    """The Django settings for ``studio``: database, files, apps, security, the job queue."""
    studio.data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "DEBUG": False,
        "SECRET_KEY": studio.secret_key or _kept_secret_key(studio.data_dir),
        "ALLOWED_HOSTS": list(studio.allowed_hosts),
        "INSTALLED_APPS": [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "ninja",  # serves Swagger UI's files itself instead of linking a CDN
            "axes",
            "stripstudio.jobs",
            "stripstudio.web.accounts",
            "stripstudio.web.studio",
        ],
        "MIDDLEWARE": _middleware(studio),
        "ROOT_URLCONF": "stripstudio.web.urls",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        "DATABASES": {"default": database_settings(studio)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "STORAGES": {
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(studio.files_dir)},
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "STATIC_URL": "/static/",
        "STATICFILES_DIRS": [
            ("studio", str(PACKAGE_DIR / "frontend" / "dist")),
            ("studio/fonts", str(FONT_DIR)),  # the lettering fonts, stored once, shared with the renderer
        ],
        "STATIC_ROOT": str(_folder(studio.data_dir / "static")),
        "WHITENOISE_USE_FINDERS": True,
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        "LOGIN_URL": "/",
        "AUTH_PASSWORD_VALIDATORS": [  # sign-up refuses short, common, all-digit and username-like passwords
            {"NAME": f"django.contrib.auth.password_validation.{name}"}
            for name in (
                "UserAttributeSimilarityValidator",
                "MinimumLengthValidator",
                "CommonPasswordValidator",
                "NumericPasswordValidator",
            )
        ],
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "DATA_UPLOAD_MAX_MEMORY_SIZE": studio.upload_max_bytes + 1024 * 1024,
        "FILE_UPLOAD_MAX_MEMORY_SIZE": 5 * 1024 * 1024,
        "FILE_UPLOAD_TEMP_DIR": str(_folder(studio.data_dir / "uploads")),
        "FILE_UPLOAD_HANDLERS": [  # the first stops a file as soon as it passes its size limit
            "stripstudio.web.upload_limits.LimitedUploadHandler",
            "django.core.files.uploadhandler.MemoryFileUploadHandler",
            "django.core.files.uploadhandler.TemporaryFileUploadHandler",
        ],
        "STRIPSTUDIO": studio,
        "LOGGING": _logging(),
        **security_settings(studio),
    }


def database_settings(studio: StudioSettings) -> dict[str, Any]:
    """PostgreSQL (or any dj-database-url URL) when ``database_url`` is set, else SQLite in the data folder."""
    if studio.database_url:
        import dj_database_url

        return dict(dj_database_url.parse(studio.database_url, conn_max_age=60, conn_health_checks=True))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(studio.data_dir / "studio.sqlite3"),
        "OPTIONS": {
            # The in-process worker writes while requests read: WAL keeps readers unblocked, and
            # IMMEDIATE transactions queue writers instead of failing with "database is locked".
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def _middleware(studio: StudioSettings) -> list[str]:
    middleware = [
        "django.middleware.security.SecurityMiddleware",
        "stripstudio.web.security.ContentSecurityPolicyMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "axes.middleware.AxesMiddleware",  # answers a locked-out sign-in with 429
    ]
    if studio.auto_login:
        middleware.insert(
            middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
            "stripstudio.web.accounts.autologin.AutoLoginMiddleware",
        )
    return middleware


def _logging() -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"console": {"class": "logging.StreamHandler"}},
        "loggers": {
            "django": {"handlers": ["console"], "level": "WARNING"},
            "stripstudio": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "huey": {"handlers": ["console"], "level": "WARNING"},
        },
    }


def _kept_secret_key(data_dir: Path) -> str:
    """A random key made on first start and kept (readable by the owner only) in the data folder."""
    path = data_dir / "secret_key"
    if not path.exists():
        partial = data_dir / f".secret_key.{os.getpid()}"
        partial.write_text(secrets.token_urlsafe(50))
        partial.chmod(0o600)
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(partial, path)
        partial.unlink()
    return path.read_text().strip()


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
