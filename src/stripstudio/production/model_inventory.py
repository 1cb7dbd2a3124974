"""What models the studio can find, and whether one named model is usable."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stripstudio.engines.diffusers.locate import BUILTIN_IDS, ModelLocator, SourceKind
from stripstudio.generation.errors import InvalidRequest
from stripstudio.modelfiles import BadModelFile, read_safetensors_header
from stripstudio.models.families import Family, Kind, detect_file, detect_folder
from stripstudio.settings import StudioSettings

_SUBFOLDER_KINDS = {
    "checkpoints": "checkpoint",
    "diffusers": "checkpoint",
    "loras": "lora",
    "lora": "lora",
    "vae": "vae",
    "controlnet": "controlnet",
    "t2i_adapter": "t2i-adapter",
}


@dataclass(frozen=True)
class ModelEntry:
    """One model found: its kind, the name to use in scripts, where it is, and its model family."""

    kind: str
    name: str
    location: str
    family: str = ""


def list_models(settings: StudioSettings) -> list[ModelEntry]:
    """Built-in models, files and folders in the model folders, and hub models in the local cache."""
    entries = [
        ModelEntry("built-in", ref, "random weights, for tests and demos", Family.SDXL.label)
        for ref in sorted(BUILTIN_IDS)
    ]
    for folder in settings.model_search_dirs():
        entries += _scan_folder(folder)
    entries += _scan_hub_cache()
    return entries


def _scan_folder(folder: Path) -> list[ModelEntry]:
    found = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file() and path.suffix == ".safetensors":
            found.append(_file_entry(path, folder))
        elif path.is_dir() and (path / "model_index.json").is_file():
            found.append(ModelEntry("checkpoint", path.name, str(path), detect_folder(path).family.label))
    return found


def _file_entry(path: Path, root: Path) -> ModelEntry:
    """A file's kind from its tensors (or, when they say nothing, the folder it is in) and its family."""
    try:
        found = detect_file(path)
    except (BadModelFile, OSError):
        return ModelEntry("unreadable", path.stem, str(path))
    kind = found.kind.value
    first = path.relative_to(root).parts[0]
    if found.kind is Kind.UNKNOWN and first in _SUBFOLDER_KINDS and len(path.relative_to(root).parts) > 1:
        kind = _SUBFOLDER_KINDS[first]
    family = "" if found.family is Family.UNKNOWN else found.family.label
    return ModelEntry(kind, path.stem, str(path), family)


def _scan_hub_cache() -> list[ModelEntry]:
    try:
        from huggingface_hub import scan_cache_dir

        repos = scan_cache_dir().repos
    except Exception:  # no cache yet, or huggingface_hub missing: nothing cached
        return []
    return [
        ModelEntry("hub (cached)", repo.repo_id, str(repo.repo_path)) for repo in repos if repo.repo_type == "model"
    ]


def check_model(
    settings: StudioSettings,
    reference: str,
    kind: str = "checkpoint",
    *,
    load: bool = False,
    config: str | None = None,
) -> str:
    """A sentence saying where ``reference`` was found; raises ModelNotFound/InvalidRequest if unusable."""
    locator = ModelLocator(settings.model_search_dirs(), offline=settings.offline)
    finders = {"checkpoint": locator.checkpoint, "vae": locator.vae, "control": locator.control_model}
    if kind == "lora":
        source_kind, location = SourceKind.SINGLE_FILE, str(locator.lora(reference))
    elif kind in finders:
        source = finders[kind](reference)
        source_kind, location = source.kind, source.location
    else:
        raise InvalidRequest(f"unknown model kind {kind!r}; use checkpoint, lora, vae or control", field="kind")
    if source_kind is SourceKind.SINGLE_FILE:
        try:
            tensors = len(read_safetensors_header(Path(location))) - 1
        except BadModelFile as error:
            raise InvalidRequest(str(error), field=kind) from error
        detail = f"{location} (.safetensors, {tensors} tensors, {detect_file(Path(location)).describe()})"
    else:
        detail = f"{location} ({source_kind.value})"
    if load and kind == "checkpoint":
        _load_checkpoint(settings, reference, config)
        detail += ", loaded"
    return f"{kind} {reference!r}: {detail}"


def _load_checkpoint(settings: StudioSettings, reference: str, config: str | None) -> None:
    from stripstudio.engines.diffusers.engine import DiffusersEngine
    from stripstudio.generation.request import ModelRef

    DiffusersEngine(settings).cache.get(ModelRef(checkpoint=reference, config=config))
