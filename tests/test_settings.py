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


def test_server_security_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("STRIPSTUDIO_ALLOWED_HOSTS", "studio.example, www.studio.example")
    monkeypatch.setenv("STRIPSTUDIO_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    monkeypatch.setenv("STRIPSTUDIO_TRUSTED_PROXY_COUNT", "1")
    monkeypatch.setenv("STRIPSTUDIO_LOGIN_FAILURE_LIMIT", "3")
    monkeypatch.setenv("STRIPSTUDIO_LOGIN_LOCKOUT_MINUTES", "2.5")
    settings = StudioSettings()
    assert settings.allowed_hosts == ["studio.example", "www.studio.example"]
    assert settings.served_over_https and not settings.https  # the proxy's header implies HTTPS
    assert (settings.trusted_proxy_count, settings.login_failure_limit, settings.login_lockout_minutes) == (1, 3, 2.5)
    assert not settings.auto_login  # never on unless asked for


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("login_failure_limit", "0"),
        ("login_lockout_minutes", "0"),
        ("trusted_proxy_count", "-1"),
        ("hsts_seconds", "-5"),
    ],
)
def test_bad_security_values_name_the_setting(monkeypatch, name, value):
    monkeypatch.setenv(f"STRIPSTUDIO_{name.upper()}", value)
    with pytest.raises(ValidationError, match=name):
        StudioSettings()


def test_speed_and_memory_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("STRIPSTUDIO_ACCELERATE", "basic")
    monkeypatch.setenv("STRIPSTUDIO_MEMORY_MODE", "low")
    monkeypatch.setenv("STRIPSTUDIO_QUANTIZE", "fp8")
    monkeypatch.setenv("STRIPSTUDIO_WARMUP_SIZES", "1024x1024, 832X1216")
    settings = StudioSettings()
    assert (settings.accelerate, settings.memory_mode, settings.quantize) == ("basic", "low", "fp8")
    assert settings.warmup_sizes == [(1024, 1024), (832, 1216)]
    assert settings.compile_cache_dir == settings.data_dir / "compile-cache"


def test_speed_defaults_leave_the_choice_to_the_device():
    settings = StudioSettings()
    assert (settings.accelerate, settings.memory_mode, settings.quantize) == ("auto", "auto", "none")
    assert settings.cpu_offload is None and settings.vae_tiling is None and settings.vae_slicing is None
    assert settings.warmup_sizes == [(1024, 1024)]


def test_an_empty_warmup_list_turns_the_warmup_off(monkeypatch):
    monkeypatch.setenv("STRIPSTUDIO_WARMUP_SIZES", "")
    assert StudioSettings().warmup_sizes == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("accelerate", "turbo", "accelerate"),
        ("memory_mode", "huge", "memory_mode"),
        ("quantize", "int4", "quantize"),
        ("warmup_sizes", "1024", "WIDTHxHEIGHT"),
        ("warmup_sizes", "1020x1024", "multiple of 8"),
        ("warmup_sizes", "8192x1024", "from 64 to 4096"),
    ],
)
def test_bad_speed_settings_name_the_setting_and_the_fix(monkeypatch, name, value, message):
    monkeypatch.setenv(f"STRIPSTUDIO_{name.upper()}", value)
    with pytest.raises(ValidationError, match=name) as caught:
        StudioSettings()
    assert message in str(caught.value)
