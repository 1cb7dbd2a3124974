"""The warm-up of a worker: one small drawing per configured panel size, before the first job.

On the compiled path the first call at each size compiles the UNet's blocks (and records their
CUDA graphs); doing it at start means authors never wait for it. The compile cache is set up
before anything compiles and its artifacts are saved after the warm-up, so the next start of a
worker loads them instead of compiling. Eager engines (CPU, MPS, ``accelerate=off``) skip it.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from stripstudio.engines.diffusers.compile_cache import CompileCache
from stripstudio.generation.request import GenerationRequest, ModelRef
from stripstudio.settings import StudioSettings

if TYPE_CHECKING:
    from stripstudio.engines.diffusers.engine import DiffusersEngine

log = logging.getLogger(__name__)
WARMUP_STEPS = 3  # CUDA graphs are recorded on the third call of a compiled block
WARMUP_PROMPT = "a comic panel"
# Each size is drawn alone and as a comic's default candidates: every batch of the UNet is a shape of
# its own to compile. Larger batches (more candidates, or jobs drawn together) compile on first use.
WARMUP_CANDIDATES = (1, 2)


class WarmUp:
    """Warms ``engine`` up for ``settings.warmup_sizes`` with ``settings.default_model``.

    ``enabled`` defaults to whether the engine compiles; the compile cache lives in
    ``settings.compile_cache_dir`` and is configured (and its saved artifacts loaded) at once.
    """

    def __init__(self, engine: DiffusersEngine, settings: StudioSettings, *, enabled: bool | None = None) -> None:
        self.engine = engine
        self.sizes = list(settings.warmup_sizes)
        self.model = ModelRef(checkpoint=settings.default_model)
        self.enabled = engine.acceleration.compile_blocks if enabled is None else enabled
        self.cache: CompileCache | None = None
        if self.enabled:
            self.cache = CompileCache(settings.compile_cache_dir)
            self.cache.configure()
            self.cache.load_artifacts(engine.device)

    def requests(self, sizes: list[tuple[int, int]]) -> list[GenerationRequest]:
        """The drawings of the warm-up: per size, one of each of :data:`WARMUP_CANDIDATES`, a few steps each."""
        return [
            GenerationRequest(
                model=self.model,
                prompt=WARMUP_PROMPT,
                width=width,
                height=height,
                num_inference_steps=WARMUP_STEPS,
                num_images=candidates,
                seed=0,
            )
            for width, height in sizes
            for candidates in WARMUP_CANDIDATES
        ]

    def run(self, sizes: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
        """Draw each size once (``sizes`` or the configured ones); returns the sizes drawn."""
        if not self.enabled:
            return []
        sizes = self.sizes if sizes is None else sizes
        for request in self.requests(sizes):
            start = time.perf_counter()
            self.engine.run(request, lambda event: None)
            log.info("warm-up %dx%d: %.1f s", request.width, request.height, time.perf_counter() - start)
        if self.cache is not None and sizes:
            saved = self.cache.save_artifacts(self.engine.device)
            log.info("compile artifacts saved to %s", saved)
        return sizes
