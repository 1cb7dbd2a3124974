"""Settings come from STRIPSTUDIO_* environment variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from stripstudio.settings import StudioSettings


def test_environment_sets_every_field(monkeypatch, tmp_path):
    monkeypatch.setenv("STRIPSTUDIO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STRIPSTUDIO_MODEL_DIRS", "/models/a:/models/b")
    monkeypatch.setenv("STRIPSTUDIO_CPU_OFFLOAD", "model")
    monkeypatch.setenv("STRIPSTUDIO_OFFLINE", "true")
    settings = StudioSettings()
    assert settings.data_dir == tmp_path
    assert settings.model_search_dirs() == [tmp_path / "models", Path("/models/a"), Path("/models/b")]
    assert settings.cpu_offload == "model" and settings.offline


def test_bad_values_name_the_setting(monkeypatch):
    monkeypatch.setenv("STRIPSTUDIO_CPU_OFFLOAD", "sometimes")
    with pytest.raises(ValidationError, match="cpu_offload"):
        StudioSettings()


def test_defaults_point_to_the_real_sdxl_model_and_the_diffusers_engine(monkeypatch):
    monkeypatch.delenv("STRIPSTUDIO_DATA_DIR")
    settings = StudioSettings()
    assert settings.default_model == "stabilityai/stable-diffusion-xl-base-1.0"
    assert settings.default_engine == "diffusers"
    assert settings.data_dir == Path.home() / ".local" / "share" / "stripstudio"
