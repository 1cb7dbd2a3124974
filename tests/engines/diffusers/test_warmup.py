"""The worker's warm-up and the compile cache under the data directory."""

from __future__ import annotations

import os

import pytest
import torch

from stripstudio.engines.diffusers.compile_cache import CompileCache
from stripstudio.engines.diffusers.engine import DiffusersEngine
from stripstudio.engines.diffusers.warmup import WARMUP_STEPS, WarmUp
from stripstudio.settings import StudioSettings

from .helpers import TINY


@pytest.fixture
def restored_compile_config(monkeypatch):
    """Let a test configure the process-wide compile caches; everything goes back afterwards."""
    import torch._functorch.config
    import torch._inductor.config

    for name in ("TORCHINDUCTOR_CACHE_DIR", "TRITON_CACHE_DIR"):
        monkeypatch.setenv(name, os.environ.get(name, "unset"))
    flags = [
        (torch._inductor.config, "fx_graph_cache"),
        (torch._inductor.config, "autotune_local_cache"),
        (torch._functorch.config, "enable_autograd_cache"),
    ]
    saved = [(config, name, getattr(config, name)) for config, name in flags]
    yield
    for config, name, value in saved:
        setattr(config, name, value)


def test_the_compile_caches_live_under_the_data_dir(tmp_path, restored_compile_config):
    import torch._inductor.config

    torch._inductor.config.fx_graph_cache = False
    settings = StudioSettings(data_dir=tmp_path)
    cache = CompileCache(settings.compile_cache_dir)
    cache.configure()
    assert (tmp_path / "compile-cache" / "inductor").is_dir() and (tmp_path / "compile-cache" / "triton").is_dir()
    assert os.environ["TORCHINDUCTOR_CACHE_DIR"] == str(tmp_path / "compile-cache" / "inductor")
    assert os.environ["TRITON_CACHE_DIR"] == str(tmp_path / "compile-cache" / "triton")
    assert torch._inductor.config.fx_graph_cache and torch._inductor.config.autotune_local_cache
    artifacts = cache.artifacts_file(torch.device("cpu"))
    assert artifacts.parent == tmp_path / "compile-cache" and torch.__version__.split("+")[0] in artifacts.name


def test_artifacts_are_loaded_only_when_a_usable_bundle_was_saved(tmp_path):
    cache = CompileCache(tmp_path)
    cpu = torch.device("cpu")
    assert not cache.load_artifacts(cpu)  # first start: nothing saved yet
    assert cache.save_artifacts(cpu) is None and not cache.artifacts_file(cpu).exists()  # nothing was compiled
    cache.artifacts_file(cpu).write_bytes(b"not a bundle")
    assert not cache.load_artifacts(cpu)  # another build's or a damaged file: compile afresh


def test_warm_up_draws_each_configured_size_with_the_default_model(tmp_path, restored_compile_config):
    settings = StudioSettings(
        data_dir=tmp_path, device="cpu", default_model=TINY.checkpoint, warmup_sizes=[(64, 64), (96, 64)]
    )
    engine = DiffusersEngine(settings)
    drawn = []
    real_run = engine.run

    def recording_run(request, on_event, cancel=None):
        drawn.append((request.model, request.width, request.height, request.num_inference_steps, request.num_images))
        return real_run(request, on_event, cancel)

    engine.run = recording_run  # type: ignore[method-assign]
    warm_up = WarmUp(engine, settings, enabled=True)  # as on CUDA with the compiled path
    assert warm_up.run() == [(64, 64), (96, 64)]
    assert drawn == [
        (TINY, 64, 64, WARMUP_STEPS, 1),
        (TINY, 64, 64, WARMUP_STEPS, 2),
        (TINY, 96, 64, WARMUP_STEPS, 1),
        (TINY, 96, 64, WARMUP_STEPS, 2),
    ]
    assert engine.cache.loaded() == [TINY]
    assert (tmp_path / "compile-cache" / "inductor").is_dir()


def test_an_eager_engine_skips_the_warm_up_and_loads_nothing(tmp_path):
    settings = StudioSettings(data_dir=tmp_path, device="cpu", default_model=TINY.checkpoint, accelerate="auto")
    engine = DiffusersEngine(settings)
    assert engine.warm_up([(64, 64)]) == []
    assert engine.cache.loaded() == []
    assert not (tmp_path / "compile-cache").exists()
