"""A compile cache under the data directory, so that a worker's second start is warm.

Three layers, all under ``<data_dir>/compile-cache``:

- ``inductor/``: TorchInductor's FX graph cache and local autotune results
  (``TORCHINDUCTOR_CACHE_DIR``);
- ``triton/``: the compiled Triton kernels (``TRITON_CACHE_DIR``);
- ``artifacts-<torch>-<gpu>.bin``: the portable bundle of ``torch.compiler.save_cache_artifacts()``
  written after the warm-up and loaded with ``torch.compiler.load_cache_artifacts()`` at start,
  before anything compiles (keyed by torch version and GPU, which the kernels depend on).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import torch

log = logging.getLogger(__name__)


class CompileCache:
    """The compile caches of one data directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def inductor_dir(self) -> Path:
        """TorchInductor's cache folder (FX graphs, autotuning)."""
        return self.root / "inductor"

    @property
    def triton_dir(self) -> Path:
        """Triton's kernel cache folder."""
        return self.root / "triton"

    def artifacts_file(self, device: torch.device) -> Path:
        """The saved compile artifacts for this torch version and ``device``'s GPU model."""
        gpu = torch.cuda.get_device_name(device) if device.type == "cuda" else device.type
        key = re.sub(r"[^A-Za-z0-9.]+", "-", f"{torch.__version__}-{gpu}").strip("-")
        return self.root / f"artifacts-{key}.bin"

    def configure(self) -> None:
        """Point TorchInductor and Triton at the cache folders and turn their persistent caches on.

        Process-wide, like the caches themselves; call it before the first compilation.
        """
        import torch._functorch.config
        import torch._inductor.config

        self.inductor_dir.mkdir(parents=True, exist_ok=True)
        self.triton_dir.mkdir(parents=True, exist_ok=True)
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(self.inductor_dir)
        os.environ["TRITON_CACHE_DIR"] = str(self.triton_dir)
        torch._inductor.config.fx_graph_cache = True
        torch._inductor.config.autotune_local_cache = True
        torch._functorch.config.enable_autograd_cache = True

    def load_artifacts(self, device: torch.device) -> bool:
        """Load the artifacts a previous run saved; False when there are none (or they do not fit)."""
        path = self.artifacts_file(device)
        if not path.is_file():
            return False
        try:
            info = torch.compiler.load_cache_artifacts(path.read_bytes())
        except Exception as error:  # a bundle from another build: compile afresh, and overwrite it later
            log.warning("compile artifacts %s could not be loaded (%s); compiling afresh", path, error)
            return False
        return info is not None

    def save_artifacts(self, device: torch.device) -> Path | None:
        """Save what this process compiled (after the warm-up); None when nothing was compiled."""
        saved = torch.compiler.save_cache_artifacts()
        if saved is None:
            return None
        path = self.artifacts_file(device)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(saved[0])
        partial.replace(path)  # atomic: a worker starting meanwhile never reads half a file
        return path
