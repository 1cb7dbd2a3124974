"""Test-wide setup: no hub access, no state outside temporary folders."""

from __future__ import annotations

import os

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
if os.environ.get("PYTEST_XDIST_WORKER"):
    # One thread per worker: `-n 2` on two cores with two torch threads each thrashes.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
# MKL's CPU kernels may round differently depending on how memory happens to be aligned, so two
# identical draws can differ in the last bit once anything else (a LoRA load) has used the
# allocator. Strict conditional numerical reproducibility makes them bit-identical.
os.environ.setdefault("MKL_CBWR", "AUTO,STRICT")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    """Every test gets its own STRIPSTUDIO_DATA_DIR so nothing leaks into the user's home."""
    monkeypatch.setenv("STRIPSTUDIO_DATA_DIR", str(tmp_path_factory.mktemp("data")))


def _hypothesis_profile() -> None:
    """No per-example deadline: timings on shared CI machines vary too much to mean anything."""
    from hypothesis import settings

    settings.register_profile("stripstudio", deadline=None, print_blob=True)
    settings.load_profile("stripstudio")


_hypothesis_profile()


def pytest_configure(config) -> None:
    """Django for the server tests: a data folder of this test process, a file test database (so the
    server and worker threads of live tests share it), the tiny model as the default."""
    import tempfile
    from pathlib import Path

    import django
    from django.conf import settings as django_settings_object

    from stripstudio.settings import StudioSettings
    from stripstudio.web.config import django_settings

    if django_settings_object.configured:
        return
    data_dir = Path(tempfile.mkdtemp(prefix="stripstudio-test-server-"))
    studio = StudioSettings(
        data_dir=data_dir, default_model="tiny-random-sdxl", offline=True, job_lease_seconds=5, secret_key="tests"
    )
    options = django_settings(studio)
    options["DATABASES"]["default"]["TEST"] = {"NAME": str(data_dir / "test.sqlite3")}
    options["ALLOWED_HOSTS"] = [*options["ALLOWED_HOSTS"], "testserver"]  # Django's test client
    options["PASSWORD_HASHERS"] = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast sign-ups in tests
    django_settings_object.configure(**options)
    django.setup()
