"""Loading SDXL pipelines from any model source, and keeping them loaded between requests.

One :class:`LoadedModel` holds the base text-to-image pipeline of a checkpoint; the other task
pipelines (img2img, inpaint, T2I-Adapter, ControlNet) are derived from it with ``from_pipe`` and
share its weights, so switching task costs no memory. :class:`ModelCache` keeps the most
recently used models loaded.
"""

from __future__ import annotations

import gc
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from stripstudio.engines.diffusers import tiny
from stripstudio.engines.diffusers.acceleration import PLANS, AccelerationPlan, accelerate_pipeline
from stripstudio.engines.diffusers.builtin_ids import TINY_REFINER_ID, TINY_SD15_ID
from stripstudio.engines.diffusers.configs import (
    SD15_CONFIG_DIR,
    SDXL_BASE_CONFIG_DIR,
    load_clip_tokenizer,
    load_clip_tokenizers,
)
from stripstudio.engines.diffusers.families import SD1, SDXL, SDXL_REFINER, family_of, pipeline_class
from stripstudio.engines.diffusers.locate import ModelLocator, ModelSource, SourceKind
from stripstudio.engines.diffusers.memory import MemoryOptions, apply_memory_options, place_module
from stripstudio.generation.errors import EngineUnavailable, InvalidRequest, ModelNotFound
from stripstudio.generation.request import ControlInput, ModelRef

DEFAULT_CONTROL_MODELS = {
    "sketch": "TencentARC/t2i-adapter-sketch-sdxl-1.0",
    "scribble": "xinsir/controlnet-scribble-sdxl-1.0",
    "canny": "diffusers/controlnet-canny-sdxl-1.0",
    "depth": "diffusers/controlnet-depth-sdxl-1.0",
    "openpose": "thibaud/controlnet-openpose-sdxl-1.0",
    "lineart": "xinsir/controlnet-scribble-sdxl-1.0",
}
# SD 1.x draws every kind with a ControlNet: its T2I-Adapter pipeline cannot stop guiding part-way,
# which the follow-sketch slider needs.
DEFAULT_SD1_CONTROL_MODELS = {
    "sketch": "lllyasviel/control_v11p_sd15_scribble",
    "scribble": "lllyasviel/control_v11p_sd15_scribble",
    "canny": "lllyasviel/control_v11p_sd15_canny",
    "depth": "lllyasviel/control_v11f1p_sd15_depth",
    "openpose": "lllyasviel/control_v11p_sd15_openpose",
    "lineart": "lllyasviel/control_v11p_sd15_lineart",
}
ADAPTER_KINDS = {"sketch"}


def uses_adapter(kind: str, family: str) -> bool:
    """True when ``kind`` is drawn with a T2I-Adapter (SDXL sketches), False for a ControlNet."""
    return family == SDXL and kind in ADAPTER_KINDS


@dataclass
class LoadedModel:
    """A checkpoint in memory: its base pipeline and the task pipelines derived from it."""

    source: ModelSource
    base: Any
    device: torch.device
    dtype: torch.dtype
    memory: MemoryOptions
    pipelines: dict[tuple, object] = field(default_factory=dict)
    control_models: dict[str, object] = field(default_factory=dict)
    acceleration: AccelerationPlan = PLANS["off"]

    @property
    def is_random(self) -> bool:
        """True for the built-in random-weight model."""
        return self.source.kind is SourceKind.BUILTIN

    @property
    def family(self) -> str:
        """The model family (``sdxl`` or ``sd1``) of the loaded checkpoint."""
        return family_of(self.base)

    def pipeline_for(self, kind: str, control_model: object | None = None, control_key: str = ""):
        """This family's pipeline for ``kind`` (text, image, inpaint, adapter, controlnet), sharing the weights."""
        return self.pipeline(pipeline_class(self.family, kind), control_model, control_key)

    def pipeline(self, pipeline_class, control_model: object | None = None, control_key: str = ""):
        """The pipeline of ``pipeline_class`` sharing this model's weights (made once, then reused)."""
        key = (pipeline_class.__name__, control_key)
        if key not in self.pipelines:
            extra = {}
            if control_model is not None:
                extra["adapter" if "Adapter" in pipeline_class.__name__ else "controlnet"] = control_model
            pipe = (
                self.base
                if pipeline_class is type(self.base) and not extra
                else pipeline_class.from_pipe(self.base, **extra)
            )
            self.pipelines[key] = place(pipe, self.device, self.memory, self.acceleration)
        return self.pipelines[key]


def place(
    pipe,
    device: torch.device,
    memory: MemoryOptions,
    acceleration: AccelerationPlan = PLANS["off"],
):
    """Move ``pipe`` to ``device`` or set up CPU offload, apply the memory options, then the acceleration plan."""
    pipe.set_progress_bar_config(disable=True)
    apply_memory_options(pipe, device, memory)
    accelerate_pipeline(pipe, acceleration)
    return pipe


class ModelLoader:
    """Builds a :class:`LoadedModel` from a :class:`ModelRef`, whatever the source."""

    def __init__(
        self,
        locator: ModelLocator,
        device: torch.device,
        dtype: torch.dtype,
        memory: MemoryOptions,
        acceleration: AccelerationPlan = PLANS["off"],
        *,
        fp16_vae: str | None = None,
    ):
        self.locator = locator
        self.device = device
        self.dtype = dtype
        self.memory = memory
        self.acceleration = acceleration
        self.fp16_vae = fp16_vae

    def load(self, ref: ModelRef) -> LoadedModel:
        """Load the checkpoint (and replacement VAE) named by ``ref``."""
        source = self.locator.checkpoint(ref.checkpoint)
        base = self._load_base(source, ref)
        vae = ref.vae or self._fp16_vae_for(base)
        if vae:
            base.vae = self._load_vae(vae)
        return self.adopt(source, base)

    def adopt(self, source: ModelSource, base) -> LoadedModel:
        """A :class:`LoadedModel` of an already-built base pipeline, placed and accelerated."""
        base = place(base, self.device, self.memory, self.acceleration)
        return LoadedModel(
            source=source,
            base=base,
            device=self.device,
            dtype=self.dtype,
            memory=self.memory,
            acceleration=self.acceleration,
        )

    def _fp16_vae_for(self, base) -> str | None:
        """The configured fp16-fix VAE for an SDXL base in fp16 on the fast path, else None."""
        wanted = self.acceleration.fp16_vae_decode and self.dtype == torch.float16 and family_of(base) == SDXL
        return self.fp16_vae if wanted else None

    def load_control_model(self, model: LoadedModel, control: ControlInput):
        """The T2I-Adapter (kind ``sketch``) or ControlNet for ``control``, cached on the model."""
        adapter = uses_adapter(control.kind, model.family)
        defaults = DEFAULT_CONTROL_MODELS if model.family == SDXL else DEFAULT_SD1_CONTROL_MODELS
        reference = control.model or (
            (tiny.TINY_T2I_ADAPTER_ID if adapter else tiny.TINY_CONTROLNET_ID)
            if model.is_random
            else defaults[control.kind]
        )
        if reference not in model.control_models:
            source = self.locator.control_model(reference)
            model.control_models[reference] = self._load_control(source, control.kind, model)
        return reference, model.control_models[reference]

    def _load_base(self, source: ModelSource, ref: ModelRef) -> Any:
        from diffusers import StableDiffusionXLPipeline

        if source.kind is SourceKind.BUILTIN:
            builders = {
                tiny.TINY_MODEL_ID: tiny.build_tiny_components,
                TINY_SD15_ID: tiny.build_tiny_sd15_components,
                TINY_REFINER_ID: tiny.build_tiny_refiner_components,
            }
            if source.location not in builders:
                raise InvalidRequest(f"{source.location!r} is not a checkpoint", field="model")
            components = builders[source.location]()
            for name in ("unet", "vae", "text_encoder", "text_encoder_2"):
                if components.get(name) is not None:
                    components[name] = components[name].to(dtype=self.dtype)
            return pipeline_class(
                _builtin_family(components),
                "image" if components.get("text_encoder") is None and "text_encoder_2" in components else "text",
            )(**components)
        if source.kind is SourceKind.SINGLE_FILE:
            return self._load_single_file(Path(source.location), ref.config)
        return self._from_pretrained(StableDiffusionXLPipeline, source, "checkpoint")

    def _load_single_file(self, path: Path, config: str | None):
        from diffusers import StableDiffusionPipeline, StableDiffusionXLPipeline

        family = _single_file_family(path)
        if family == "sd1":
            cls, config_dir, tokenizers = StableDiffusionPipeline, SD15_CONFIG_DIR, {"tokenizer": load_clip_tokenizer()}
        else:
            first, second = load_clip_tokenizers()
            cls, config_dir, tokenizers = (
                StableDiffusionXLPipeline,
                SDXL_BASE_CONFIG_DIR,
                {"tokenizer": first, "tokenizer_2": second},
            )
        config_dir = Path(config) if config else config_dir
        if not (config_dir / "model_index.json").is_file():
            raise ModelNotFound(f"model config folder {str(config_dir)!r} has no model_index.json")
        extra = {"safety_checker": None, "requires_safety_checker": False} if family == "sd1" else {}
        try:
            return cls.from_single_file(
                str(path), config=str(config_dir), torch_dtype=self.dtype, local_files_only=True, **tokenizers, **extra
            )
        except (ValueError, KeyError, RuntimeError, OSError) as error:
            raise InvalidRequest(
                f"checkpoint {str(path)!r} could not be read as an {'SD 1.x' if family == 'sd1' else 'SDXL'} model "
                f"({error}); check the file, or give its config folder",
                field="model",
            ) from error

    def _from_pretrained(self, cls, source: ModelSource, what: str, **kwargs):
        local = source.kind is SourceKind.DIFFUSERS_FOLDER or self.locator.offline
        try:
            return cls.from_pretrained(source.location, torch_dtype=self.dtype, local_files_only=local, **kwargs)
        except OSError as error:
            if source.kind is SourceKind.HUB:
                how = "it is not in the local hub cache" if self.locator.offline else f"download failed ({error})"
                raise ModelNotFound(
                    f"{what} {source.location!r} could not be loaded: {how}; download it once with a connection, "
                    "or give the path of a .safetensors file or diffusers folder"
                ) from error
            raise ModelNotFound(f"{what} folder {source.location!r} could not be loaded: {error}") from error

    def _load_vae(self, reference: str):
        from diffusers import AutoencoderKL

        source = self.locator.vae(reference)
        if source.kind is SourceKind.SINGLE_FILE:
            return AutoencoderKL.from_single_file(
                source.location,
                config=str(SDXL_BASE_CONFIG_DIR),
                subfolder="vae",
                torch_dtype=self.dtype,
                local_files_only=True,
            )
        if source.kind is SourceKind.BUILTIN:
            raise InvalidRequest(f"{reference!r} is not a VAE", field="model.vae")
        return self._from_pretrained(AutoencoderKL, source, "VAE")

    def _load_control(self, source: ModelSource, kind: str, model: LoadedModel) -> Any:
        from diffusers import ControlNetModel, T2IAdapter

        is_adapter = uses_adapter(kind, model.family)
        if source.kind is SourceKind.BUILTIN:
            if not model.is_random:
                raise InvalidRequest(f"{source.location!r} only works with the built-in tiny models", field="controls")
            control = tiny.build_tiny_t2i_adapter() if is_adapter else tiny.build_tiny_controlnet(model.base.unet)
            return place_module(control.to(dtype=self.dtype), self.device, self.memory)
        cls = T2IAdapter if is_adapter else ControlNetModel
        if source.kind is SourceKind.SINGLE_FILE:
            if is_adapter:
                raise InvalidRequest("T2I-Adapters load from a diffusers folder or hub id, not a single file")
            control = ControlNetModel.from_single_file(
                source.location, torch_dtype=self.dtype, local_files_only=self.locator.offline
            )
        else:
            control = self._from_pretrained(cls, source, "control model")
        return place_module(control, self.device, self.memory)


class ModelCache:
    """The ``capacity`` most recently used models, loaded once and reused."""

    def __init__(self, loader: ModelLoader, capacity: int = 1):
        self.loader = loader
        self.capacity = capacity
        self._models: OrderedDict[ModelRef, LoadedModel] = OrderedDict()

    def get(self, ref: ModelRef) -> LoadedModel:
        """The loaded model for ``ref``, loading it (and evicting the oldest) if needed."""
        if ref in self._models:
            self._models.move_to_end(ref)
            return self._models[ref]
        while len(self._models) >= self.capacity:
            self._evict_oldest()
        try:
            model = self.loader.load(ref)
        except torch.OutOfMemoryError as error:
            raise EngineUnavailable(
                "out of memory while loading the model; set STRIPSTUDIO_CPU_OFFLOAD=model (or sequential)"
            ) from error
        self._models[ref] = model
        return model

    def adopt(self, ref: ModelRef, pipeline, name: str) -> LoadedModel:
        """Serve ``ref`` with an already-built SDXL pipeline (benchmarks, embedding in other programs)."""
        model = self.loader.adopt(ModelSource(SourceKind.HUB, name), pipeline)
        self._models[ref] = model
        return model

    def loaded(self) -> list[ModelRef]:
        """The models in memory, oldest first."""
        return list(self._models)

    def _evict_oldest(self) -> None:
        self._models.popitem(last=False)
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()


def _single_file_family(path: Path) -> str:
    """``sd1`` or ``sdxl`` from the checkpoint's tensors; other families are refused with their name."""
    from stripstudio.modelfiles import BadModelFile
    from stripstudio.models.families import Family, Kind, detect_file

    try:
        found = detect_file(path)
    except BadModelFile as error:
        raise InvalidRequest(str(error), field="model") from error
    if found.kind not in (Kind.CHECKPOINT, Kind.UNKNOWN):
        raise InvalidRequest(f"{str(path)!r} is a {found.describe()}, not a checkpoint", field="model")
    if found.family is Family.SD1:
        return "sd1"
    if found.family in (Family.SDXL, Family.UNKNOWN):
        return "sdxl"
    raise InvalidRequest(
        f"{str(path)!r} is an {found.describe()}: the in-process engine draws with SD 1.x and SDXL checkpoints",
        field="model",
    )


def _builtin_family(components: dict[str, Any]) -> str:
    if "text_encoder_2" not in components:
        return SD1
    return SDXL if components.get("text_encoder") is not None else SDXL_REFINER
