"""The composition root of the CLI: settings, environment and engine, built once per command."""

from __future__ import annotations

import logging
import os
import warnings

from stripstudio.generation.engine import Engine
from stripstudio.generation.registry import default_registry
from stripstudio.settings import StudioSettings


def load_settings(**overrides) -> StudioSettings:
    """Settings from the environment, with command-line overrides that are not None."""
    settings = StudioSettings(**{k: v for k, v in overrides.items() if v is not None})
    _configure_environment(settings)
    return settings


def _configure_environment(settings: StudioSettings) -> None:
    """Point the hub cache into the data folder and quieten library chatter.

    Must run before diffusers/transformers are imported: they read these variables at import.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("HF_HOME", str(settings.huggingface_cache_dir))
    if settings.offline:
        os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    warnings.filterwarnings("ignore", category=FutureWarning)
    logging.getLogger("transformers").setLevel(logging.ERROR)
    logging.getLogger("diffusers").setLevel(logging.ERROR)


def make_engine(settings: StudioSettings, name: str | None = None) -> Engine:
    """The engine called ``name`` (default: the settings' default engine)."""
    return default_registry().create(name or settings.default_engine, settings)
