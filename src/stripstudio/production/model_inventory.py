"""What models the studio can find, and whether one named model is usable."""

from __future__ import annotations

from pathlib import Path

from stripstudio.engines.diffusers.builtin_ids import TINY_SD15_ID
from stripstudio.engines.diffusers.locate import BUILTIN_IDS, ModelLocator, SourceKind
from stripstudio.generation.errors import InvalidRequest
from stripstudio.modelfiles import BadModelFile, read_safetensors_header
from stripstudio.models.families import detect_file
from stripstudio.models.library import LibraryModel, ModelLibrary
from stripstudio.settings import StudioSettings

# Every built-in model is random-weight SDXL (or a part for it), except the SD 1.5 one.
BUILTIN_FAMILIES = {ref: "sd1" if ref == TINY_SD15_ID else "sdxl" for ref in BUILTIN_IDS}


def model_library(settings: StudioSettings, hash_budget: int | None = None) -> ModelLibrary:
    """The library of the model folders, its file hashes cached under the data folder."""
    cache = settings.data_dir / "cache" / "model-hashes.json"
    return ModelLibrary(settings.model_search_dirs(), cache, hash_budget)


def list_models(settings: StudioSettings) -> list[LibraryModel]:
    """Built-in models, files and folders in the model folders, and hub models in the local cache."""
    entries = [
        LibraryModel(ref, "built-in", BUILTIN_FAMILIES.get(ref, ""), "random weights, for tests and demos", 0)
        for ref in sorted(BUILTIN_IDS)
    ]
    return entries + model_library(settings).models() + _scan_hub_cache()


def _scan_hub_cache() -> list[LibraryModel]:
    try:
        from huggingface_hub import scan_cache_dir

        repos = scan_cache_dir().repos
    except Exception:  # no cache yet, or huggingface_hub missing: nothing cached
        return []
    return [
        LibraryModel(repo.repo_id, "hub (cached)", "", str(repo.repo_path), repo.size_on_disk)
        for repo in repos
        if repo.repo_type == "model"
    ]


def model_locator(settings: StudioSettings) -> ModelLocator:
    """What finds models in the studio's model folders (and, online, on the hub)."""
    return ModelLocator(settings.model_search_dirs(), offline=settings.offline)


def check_model(
    settings: StudioSettings,
    reference: str,
    kind: str = "checkpoint",
    *,
    load: bool = False,
    config: str | None = None,
) -> str:
    """A sentence saying where ``reference`` was found; raises ModelNotFound/InvalidRequest if unusable."""
    locator = model_locator(settings)
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


def lora_installed(settings: StudioSettings, name: str) -> bool:
    """Whether a LoRA called ``name`` (file name, with or without .safetensors) is in the model folders."""
    from stripstudio.generation.errors import GenerationError

    try:
        model_locator(settings).lora(name)  # LoRAs are only looked for in the folders
    except GenerationError:
        return False
    return True
