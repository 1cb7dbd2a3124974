"""Test-wide setup: no hub access, no state outside temporary folders."""

from __future__ import annotations

import os

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
if os.environ.get("PYTEST_XDIST_WORKER"):
    # One thread per worker: `-n 2` on two cores with two torch threads each thrashes.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
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
