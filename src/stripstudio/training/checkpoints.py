"""Resume state: everything a killed training needs to go on from its last saved epoch.

At every saved epoch the trainer writes ``resume.pt`` next to the epoch's LoRA file: the LoRA
weights, optimizer and schedule state, step, epoch, the random number generators, the epochs
saved so far and a fingerprint of the dataset and settings. Files are written to a temporary
name, flushed to disk and renamed over the old one, so a kill at any moment leaves either the
previous state or the new one, never half a file. The state is loaded with ``weights_only``:
tensors and plain containers, no pickled code.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from stripstudio.training.errors import InvalidTraining
from stripstudio.training.spec import Dataset, SavedEpoch, TrainingSettings

RESUME_FILE = "resume.pt"
FORMAT_VERSION = 1
# Settings that may change between a run and its resumption without changing what is trained.
_RESUMABLE_CHANGES = {"save_every_n_epochs"}


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(temporary_path)`` in ``path``'s folder, fsync the result and rename it to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def remove_leftovers(out_dir: Path) -> None:
    """Delete the temporary files of writes a killed process never finished (``.NAME.XXXX.tmp``)."""
    if out_dir.is_dir():
        for leftover in out_dir.glob(".*.tmp"):
            if leftover.name.startswith(f".{RESUME_FILE}.") or ".safetensors." in leftover.name:
                leftover.unlink(missing_ok=True)


def fingerprint(dataset: Dataset, settings: TrainingSettings) -> dict[str, Any]:
    """What must not change for a saved state to be resumed: the dataset's content and the settings."""
    content = hashlib.sha256(dataset.model_dump_json().encode()).hexdigest()
    return {"dataset": content, "settings": settings.model_dump(mode="json")}


def save_resume_state(out_dir: Path, state: dict[str, Any]) -> Path:
    """Write ``state`` (see :func:`capture_rng`) as ``out_dir/resume.pt``, atomically."""
    path = out_dir / RESUME_FILE
    atomic_write(path, lambda temporary: torch.save({"version": FORMAT_VERSION, **state}, temporary))
    return path


def load_resume_state(out_dir: Path, expected: dict[str, Any]) -> dict[str, Any] | None:
    """The saved state in ``out_dir``, or None when there is none; refused, naming the field, when it
    belongs to a different dataset or different settings."""
    path = out_dir / RESUME_FILE
    if not path.is_file():
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, EOFError, ValueError) as error:
        raise InvalidTraining(
            f"the resume state {str(path)!r} cannot be read ({error}); delete it to start over", field="out_dir"
        ) from error
    if state.get("version") != FORMAT_VERSION:
        raise InvalidTraining(f"{str(path)!r} was written by another version; delete it to start over", field="out_dir")
    _check_same_run(state["fingerprint"], expected, path)
    return state


def saved_epochs(state: dict[str, Any]) -> list[SavedEpoch]:
    """The epochs the saved state records as written."""
    return [SavedEpoch.model_validate_json(text) for text in state["saved"]]


def capture_rng(device: torch.device, generator: torch.Generator) -> dict[str, Any]:
    """The random states a resumed run must restore: torch's CPU and CUDA streams and the noise generator."""
    rng: dict[str, Any] = {"cpu": torch.get_rng_state(), "noise": generator.get_state()}
    if device.type == "cuda":
        rng["cuda"] = torch.cuda.get_rng_state(device)
    return rng


def restore_rng(rng: dict[str, Any], device: torch.device, generator: torch.Generator) -> None:
    """Put back the states :func:`capture_rng` took."""
    torch.set_rng_state(rng["cpu"])
    generator.set_state(rng["noise"])
    if device.type == "cuda" and "cuda" in rng:
        torch.cuda.set_rng_state(rng["cuda"], device)


def _check_same_run(saved: dict[str, Any], expected: dict[str, Any], path: Path) -> None:
    if saved["dataset"] != expected["dataset"]:
        raise InvalidTraining(
            f"{str(path.parent)!r} holds a training of another dataset (images or captions changed); "
            "train into a new folder, or delete its resume.pt to start over",
            field="out_dir",
        )
    changed = [
        name
        for name, value in expected["settings"].items()
        if name not in _RESUMABLE_CHANGES and saved["settings"].get(name) != value
    ]
    if changed:
        name = changed[0]
        raise InvalidTraining(
            f"differs from the interrupted training in {str(path.parent)!r} "
            f"({saved['settings'].get(name)!r} there, {expected['settings'][name]!r} now); keep it to resume, "
            "or train into a new folder",
            field=name,
        )
