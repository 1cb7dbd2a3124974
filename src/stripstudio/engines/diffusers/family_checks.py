"""The files a request names, checked before anything loads: installed, and of the right family.

A LoRA that is not in the model folders is refused with one sentence saying where to put it. An
SD 1.x LoRA on an SDXL checkpoint, or an SDXL ControlNet on an SD 1.x one, is refused with a
sentence naming both files and their families (see :mod:`stripstudio.models.families`). Other files
that cannot be read here (hub ids, missing checkpoints) are left to the run, which reports them.
"""

from __future__ import annotations

from stripstudio.engines.diffusers.builtin_ids import TINY_SD15_ID
from stripstudio.engines.diffusers.locate import ModelLocator, ModelSource, SourceKind
from stripstudio.generation.errors import FieldProblem, GenerationError, ModelNotFound
from stripstudio.generation.loras import lora_field, request_loras
from stripstudio.generation.request import GenerationRequest
from stripstudio.modelfiles import BadModelFile
from stripstudio.models.families import Detection, Family, Kind, detect_file, detect_folder, mismatch_message


def missing_lora_problems(locator: ModelLocator, request: GenerationRequest) -> list[FieldProblem]:
    """Every LoRA of ``request`` (``loras`` and prompt tags) that is not installed, with where to put it."""
    folders = " or ".join(str(base / "loras") for base in locator.search_dirs) or "the model folder"
    problems = []
    for lora in request_loras(request):
        try:
            locator.lora(lora.name)
        except ModelNotFound:
            field = lora_field(request, lora)
            instead = "generate without it" if field != "prompt" else "remove its <lora:…> tag"
            file = lora.name if lora.name.endswith(".safetensors") else f"{lora.name}.safetensors"
            message = f"LoRA {lora.name!r} not found (not installed): put {file} in {folders}, or {instead}"
            problems.append(FieldProblem(field, message, missing=field != "prompt"))
        except GenerationError:
            continue  # found but unusable (a pickle file): loading it says why
    return problems


def family_problems(locator: ModelLocator, request: GenerationRequest) -> list[FieldProblem]:
    """Every LoRA, control model and VAE of ``request`` whose family does not fit its checkpoint's."""
    base = _detected(lambda: locator.checkpoint(request.model.checkpoint))
    if base is None or base.family is Family.UNKNOWN:
        return []
    parts: list[tuple[str, str, Detection | None]] = []
    for index, lora in enumerate(request_loras(request)):
        parts.append((f"loras[{index}]", lora.name, _detected(lambda name=lora.name: _file(locator.lora(name)))))
    for index, control in enumerate(request.controls):
        if control.model:
            parts.append(
                (f"controls[{index}].model", control.model, _detected(lambda m=control.model: locator.control_model(m)))
            )
    if request.model.vae:
        parts.append(("model.vae", request.model.vae, _detected(lambda: locator.vae(request.model.vae or ""))))
    problems = []
    for field, name, part in parts:
        message = mismatch_message(request.model.checkpoint, base, name, part) if part else None
        if message:
            problems.append(FieldProblem(field, message))
    return problems


def _file(path) -> ModelSource:
    return ModelSource(SourceKind.SINGLE_FILE, str(path))


def _detected(find) -> Detection | None:
    try:
        source = find()
    except GenerationError:
        return None  # not found or not readable: the run says so
    if source.kind is SourceKind.BUILTIN:
        family = Family.SD1 if source.location == TINY_SD15_ID else Family.SDXL
        return Detection(Kind.CHECKPOINT, family, "built-in")
    try:
        if source.kind is SourceKind.SINGLE_FILE:
            return detect_file(source.location)
        if source.kind is SourceKind.DIFFUSERS_FOLDER:
            return detect_folder(source.location)
    except (BadModelFile, OSError):
        return None
    return None
