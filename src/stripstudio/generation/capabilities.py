"""What an engine honours, and the check of a request against it.

An engine declares its :class:`EngineCapabilities`: the tasks, control kinds, samplers and
schedulers it serves and the optional request features it honours. :func:`problems_for` lists
every field of a request that the engine would have to drop or could not run, each with its path
and what to do instead. Callers run it when a request is submitted (API, CLI) and engines run it
again before drawing, so a request is refused at the field rather than drawn without a part of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from stripstudio.generation.errors import FieldProblem, InvalidRequest
from stripstudio.generation.loras import lora_field, request_loras
from stripstudio.generation.request import GenerationRequest, Task
from stripstudio.prompting.lora_tags import LORA_TAG, read_lora_tag

if TYPE_CHECKING:
    from stripstudio.generation.engine import Engine

RequestFeature = Literal[
    "loras", "vae", "model_config", "previews", "reference_images", "regions", "refiner", "region_loras"
]
"""Optional parts of a request an engine may or may not honour."""

FEATURE_FIELDS: dict[RequestFeature, str] = {
    "loras": "loras",
    "vae": "model.vae",
    "model_config": "model.config",
    "previews": "previews",
    "reference_images": "reference_images",
    "regions": "regions",
    "refiner": "refiner",
    "region_loras": "regions",
}

# The image inputs each task reads; any other one set on a request would be ignored.
TASK_INPUTS: dict[Task, frozenset[str]] = {
    Task.TEXT_TO_IMAGE: frozenset({"refiner"}),
    Task.IMAGE_TO_IMAGE: frozenset({"init_image"}),
    Task.INPAINT: frozenset({"init_image", "mask"}),
    Task.OUTPAINT: frozenset({"init_image", "outpaint"}),
    Task.SKETCH_TO_IMAGE: frozenset({"controls"}),
    Task.FACE_DETAIL: frozenset({"init_image", "face_detail"}),
    Task.UPSCALE: frozenset({"init_image"}),
}
_INPUT_TASKS = {
    "init_image": "image_to_image",
    "mask": "inpaint",
    "outpaint": "outpaint",
    "face_detail": "face_detail",
    "controls": "sketch_to_image",
    "refiner": "text_to_image",
}


class EngineCapabilities(BaseModel):
    """What an engine can do, so callers can check a request before queueing it.

    ``samplers``/``schedulers`` of None mean the engine cannot list them now (a ComfyUI server
    out of reach) and checks the names itself when it runs.
    """

    name: str
    tasks: list[Task]
    control_kinds: list[str] = Field(default_factory=list)
    max_controls: int | None = Field(None, description="How many control images one request may use (None: any).")
    first_step_control_kinds: list[str] = Field(
        default_factory=list, description="Control kinds that guide from the first step only (start_percent 0)."
    )
    samplers: list[str] | None = None
    schedulers: list[str] | None = None
    features: list[RequestFeature] = Field(default_factory=list)
    models: list[str] = Field(default_factory=list, description="Model ids it can serve without download.")
    notes: list[str] = Field(default_factory=list, description="Anything the user should know, in words.")


def problems_for(request: GenerationRequest, capabilities: EngineCapabilities) -> list[FieldProblem]:
    """Every field of ``request`` that the engine of ``capabilities`` cannot honour; empty when it can."""
    engine = f"the {capabilities.name} engine"
    problems = _task_problems(request, capabilities, engine)
    problems += _control_problems(request, capabilities, engine)
    problems += _name_problems("sampler", request.sampler, capabilities.samplers, engine)
    problems += _name_problems("scheduler", request.scheduler, capabilities.schedulers, engine)
    problems += _feature_problems(request, capabilities, engine)
    problems += _lora_tag_problems(request)
    return problems


def refuse_unless_honoured(request: GenerationRequest, capabilities: EngineCapabilities) -> None:
    """Raise :class:`InvalidRequest` listing every problem :func:`problems_for` finds (engines' last guard)."""
    problems = problems_for(request, capabilities)
    if problems:
        raise InvalidRequest.from_problems(problems)


@runtime_checkable
class ChecksRequests(Protocol):
    """An engine that can also check a request against what it reaches (a server's nodes and files)."""

    def request_problems(self, request: GenerationRequest) -> list[FieldProblem]:
        """Problems beyond :func:`problems_for`; raises EngineUnavailable when it cannot find out."""
        ...


def check_request(engine: Engine, request: GenerationRequest) -> list[FieldProblem]:
    """Every problem of ``request`` on ``engine``: its declared capabilities, then its own deeper check."""
    problems = problems_for(request, engine.capabilities())
    if not problems and isinstance(engine, ChecksRequests):
        problems = engine.request_problems(request)
    return problems


def _task_problems(request: GenerationRequest, capabilities: EngineCapabilities, engine: str) -> list[FieldProblem]:
    if request.task not in capabilities.tasks:
        can = ", ".join(task.value for task in capabilities.tasks) or "nothing at the moment"
        return [FieldProblem("task", f"{engine} cannot do {request.task.value} (it can do: {can})")]
    reads = TASK_INPUTS.get(request.task, frozenset())
    return [
        FieldProblem(name, f"{request.task.value} does not use {name}: remove it, or ask for {_INPUT_TASKS[name]}")
        for name in _INPUT_TASKS
        if getattr(request, name) and name not in reads
    ]


def _control_problems(request: GenerationRequest, capabilities: EngineCapabilities, engine: str) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    limit = capabilities.max_controls
    if limit is not None and len(request.controls) > limit:
        problems.append(
            FieldProblem("controls", f"{engine} follows at most {limit} control image(s) at once; remove the others")
        )
    kinds = ", ".join(capabilities.control_kinds) or "none"
    for index, control in enumerate(request.controls):
        if control.kind not in capabilities.control_kinds:
            message = f"{engine} has no {control.kind!r} control; choose one of: {kinds}"
            problems.append(FieldProblem(f"controls[{index}].kind", message))
        elif control.kind in capabilities.first_step_control_kinds and control.start_percent > 0:
            message = f"a {control.kind} control guides from the first step: set start_percent to 0"
            problems.append(FieldProblem(f"controls[{index}].start_percent", message))
    return problems


def _name_problems(field: str, name: str, known: Sequence[str] | None, engine: str) -> list[FieldProblem]:
    if known is None or name in known:
        return []
    return [FieldProblem(field, f"{engine} has no {field} {name!r}; choose one of: {', '.join(known) or 'none'}")]


def _feature_problems(request: GenerationRequest, capabilities: EngineCapabilities, engine: str) -> list[FieldProblem]:
    asked: dict[RequestFeature, str] = {}
    loras = request_loras(request)
    if loras:
        asked["loras"] = lora_field(request, loras[0]).split("[")[0]
    if request.model.vae:
        asked["vae"] = FEATURE_FIELDS["vae"]
    if request.model.config:
        asked["model_config"] = FEATURE_FIELDS["model_config"]
    for feature in ("previews", "reference_images", "regions", "refiner"):
        if getattr(request, feature):
            asked[feature] = FEATURE_FIELDS[feature]
    with_loras = [index for index, region in enumerate(request.regions) if region.loras]
    if with_loras:
        asked["region_loras"] = f"regions[{with_loras[0]}].loras"
    return [
        FieldProblem(field, f"{engine} cannot honour {feature.replace('_', ' ')} yet; {_REMEDIES[feature]}")
        for feature, field in asked.items()
        if feature not in capabilities.features
    ]


_REMEDIES: dict[RequestFeature, str] = {
    "loras": "remove the LoRAs (and <lora:…> tags), or choose an engine that applies them",
    "vae": "remove the VAE to use the checkpoint's own, or choose an engine that loads a separate VAE",
    "model_config": "remove the model config; this engine reads the checkpoint's shape itself",
    "previews": "turn previews off",
    "reference_images": "remove the reference images, or choose an engine that follows them",
    "regions": "remove the regions and describe the areas in the prompt, or choose an engine that draws regions",
    "refiner": "remove the refiner, or choose an engine that runs the refiner stage",
    "region_loras": "it applies a LoRA to the whole picture: move the region's LoRAs to loras, or use the ComfyUI "
    "engine, which confines them with hooks",
}


def _lora_tag_problems(request: GenerationRequest) -> list[FieldProblem]:
    """Malformed tags (no engine could read them) and tags outside the prompt (a LoRA changes the whole model)."""
    problems = []
    for match in LORA_TAG.finditer(request.prompt):
        try:
            read_lora_tag(match.group(1))
        except ValueError as error:
            problems.append(FieldProblem("prompt", f"{match.group()}: {error}"))
    elsewhere = [("negative_prompt", request.negative_prompt)]
    elsewhere += [(f"regions[{index}].prompt", region.prompt) for index, region in enumerate(request.regions)]
    for field, text in elsewhere:
        if LORA_TAG.search(text):
            message = "a <lora:…> tag here is not applied: a LoRA changes the whole model, so put it in the prompt"
            problems.append(FieldProblem(field, message))
    return problems
