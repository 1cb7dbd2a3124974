"""``stripstudio doctor``: what this machine offers the studio, and what is missing."""

from __future__ import annotations

import importlib.metadata
import os
import platform

from rich.table import Table

from stripstudio.cli.common import console
from stripstudio.cli.environment import load_settings
from stripstudio.production.model_inventory import list_models

_PACKAGES = ("torch", "diffusers", "transformers", "peft", "accelerate", "safetensors", "huggingface_hub")


def doctor() -> None:
    """Print versions, the compute device and its memory, settings, and the models found."""
    settings = load_settings()
    table = Table("check", "result", show_header=False)
    table.add_row("python", platform.python_version())
    for package in _PACKAGES:
        table.add_row(package, _version(package))
    for name, value in _device_rows():
        table.add_row(name, value)
    table.add_row("system memory", _system_memory())
    console.print(table)
    facts = [
        f"data dir: {settings.data_dir}",
        f"model folders: {', '.join(str(d) for d in settings.model_search_dirs())}",
        f"default engine: {settings.default_engine}; default model: {settings.default_model}",
        f"offline: {'yes' if settings.offline else 'no'}; memory_mode={settings.memory_mode} "
        f"(cpu_offload={settings.cpu_offload or 'by mode'}, vae_tiling={_by_mode(settings.vae_tiling)}, "
        f"vae_slicing={_by_mode(settings.vae_slicing)})",
        f"accelerate={settings.accelerate}, quantize={settings.quantize}",
    ]
    for fact in facts:
        console.print(fact, soft_wrap=True, markup=False)
    models = list_models(settings)
    console.print(f"{len(models)} model(s) found; `stripstudio models list` shows them.")


def _by_mode(value: bool | None) -> str:
    return "by mode" if value is None else str(value)


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "[red]not installed[/] (pip install 'stripstudio[ml]')"


def _device_rows() -> list[tuple[str, str]]:
    try:
        import torch
    except ImportError:
        return [("device", "[red]torch missing: only the ComfyUI engine can run[/]")]
    if torch.cuda.is_available():
        rows = []
        for index in range(torch.cuda.device_count()):
            free, total = torch.cuda.mem_get_info(index)
            name = torch.cuda.get_device_name(index)
            rows.append((f"cuda:{index}", f"{name}, {free / 2**30:.1f} of {total / 2**30:.1f} GiB free"))
        return rows
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return [("device", "Apple MPS")]
    return [
        (
            "device",
            f"CPU only ({torch.get_num_threads()} threads): SDXL is slow here, tiny-random-sdxl is fine",
        )
    ]


def _system_memory() -> str:
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return "unknown"
    return f"{pages * page_size / 2**30:.1f} GiB"
