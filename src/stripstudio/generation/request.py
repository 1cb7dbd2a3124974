"""GenerationRequest: everything an engine needs to draw, and nothing it must look up elsewhere.

Argument names follow diffusers (prompt, negative_prompt, num_inference_steps, guidance_scale,
seed, strength); sampler and scheduler names follow ComfyUI (dpmpp_2m + karras by default).
Images are file paths, so a request round-trips through JSON unchanged.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

DEFAULT_SAMPLER = "dpmpp_2m"
DEFAULT_SCHEDULER = "karras"
DEFAULT_STEPS = 20
DEFAULT_CFG = 8.0
# Text encoders read a prompt in 75-token chunks and the sampler attends to all of them at every
# step, so an unbounded prompt makes an unbounded job; a server may set a tighter limit.
PROMPT_MAX_CHARS = 32_000

_T = TypeVar("_T")


def _bounded_prompt(text: str) -> str:
    if len(text) > PROMPT_MAX_CHARS:
        raise ValueError(
            f"the prompt is {len(text):,} characters long; at most {PROMPT_MAX_CHARS:,} are allowed: "
            "shorten it (or the panel, character and style descriptions it is composed from)"
        )
    return text


PromptText = Annotated[str, AfterValidator(_bounded_prompt)]


class Task(StrEnum):
    """What the engine is asked to do."""

    TEXT_TO_IMAGE = "text_to_image"
    IMAGE_TO_IMAGE = "image_to_image"
    INPAINT = "inpaint"
    OUTPAINT = "outpaint"
    SKETCH_TO_IMAGE = "sketch_to_image"
    FACE_DETAIL = "face_detail"
    UPSCALE = "upscale"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ModelRef(_Frozen):
    """A checkpoint: a built-in id, a hub id, a single-file ``.safetensors`` or a diffusers folder."""

    checkpoint: str = Field(min_length=1)
    family: Literal["sd1", "sd2", "sdxl"] | None = Field(
        None, description="The checkpoint's model family, when it cannot be read from the file (a remote server's)."
    )
    vae: str | None = None
    config: str | None = Field(
        None,
        description="Diffusers config folder for a single-file checkpoint that is not shaped like SDXL base.",
    )


class LoraSpec(_Frozen):
    """One LoRA to apply, by file name or path, with its UNet and text-encoder strengths."""

    name: str = Field(min_length=1)
    strength_model: float = 1.0
    strength_clip: float = 1.0


class MaskSpec(_Frozen):
    """Where to repaint: white = repaint. ``grow`` widens the mask, ``feather`` softens its edge (pixels)."""

    image: str
    grow: int = Field(32, ge=0, le=512)
    feather: int = Field(8, ge=0, le=512)


class OutpaintSpec(_Frozen):
    """How many pixels to add on each side of the init image before repainting the new area."""

    left: int = Field(0, ge=0, le=4096)
    top: int = Field(0, ge=0, le=4096)
    right: int = Field(0, ge=0, le=4096)
    bottom: int = Field(0, ge=0, le=4096)
    overlap: int = Field(16, ge=0, le=256, description="Pixels of the old image repainted to hide the seam.")

    @model_validator(mode="after")
    def _extends_something(self) -> OutpaintSpec:
        if not (self.left or self.top or self.right or self.bottom):
            raise ValueError("outpaint must extend at least one side by a positive number of pixels")
        return self


ControlKind = Literal["sketch", "scribble", "canny", "depth", "openpose", "lineart"]


class ControlInput(_Frozen):
    """A control image guiding composition (ComfyUI's "Apply ControlNet (advanced)").

    ``sketch`` uses a T2I-Adapter, the other kinds a ControlNet. ``invert`` turns a black-on-white
    drawing into the white-on-black map these models expect. ``model`` overrides the default
    control model of the kind.
    """

    kind: ControlKind = "sketch"
    image: str
    strength: float = Field(1.0, ge=0, le=2)
    start_percent: float = Field(0.0, ge=0, le=1)
    end_percent: float = Field(1.0, ge=0, le=1)
    invert: bool = True
    model: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ControlInput:
        if self.start_percent > self.end_percent:
            raise ValueError("start_percent must not be greater than end_percent")
        return self

    @classmethod
    def from_follow_sketch(cls, image: str, follow_sketch: float, kind: ControlKind = "sketch") -> ControlInput:
        """The thesis' single slider: strength = end_percent = ``follow_sketch``, start_percent = 0."""
        return cls(kind=kind, image=image, strength=follow_sketch, start_percent=0.0, end_percent=follow_sketch)


# Face detectors every in-process engine has (stripstudio.faces); anything else names a model file.
BUILT_IN_FACE_DETECTORS = ("auto", "opencv", "anime")


class FaceDetailSpec(_Frozen):
    """How faces are found and redrawn (the thesis' Face Detailer; ComfyUI Impact Pack's names in brackets).

    ``detector``: ``auto`` (the engine's default), ``opencv`` (photos), ``anime`` (manga/anime
    drawings), or the file name of a face model in the model folders. Each face's box is grown by
    ``dilation`` pixels [bbox_dilation]; a crop ``padding`` times the face's size [bbox_crop_factor]
    is redrawn at ``draw_size`` pixels on its longer side [guide_size for the crop region] and
    pasted back through the grown box feathered inward by ``feather`` pixels, so nothing outside
    the faces changes. Faces narrower than ``min_size`` pixels are left alone [drop_size].
    """

    detector: str = Field("auto", min_length=1, max_length=200)
    padding: float = Field(3.0, ge=1.0, le=10.0)
    draw_size: int = Field(1024, ge=64, le=2048, multiple_of=8)
    dilation: int = Field(10, ge=0, le=256)
    feather: int = Field(5, ge=0, le=100)
    min_size: int = Field(24, ge=1, le=4096)


class RefinerSpec(_Frozen):
    """The SDXL refiner as a second stage: the base model denoises ``switch`` of the way, the refiner finishes."""

    checkpoint: str = Field(min_length=1, max_length=1000)
    switch: float = Field(0.8, gt=0, lt=1, description="Fraction of the denoising done by the base model.")


class Region(_Frozen):
    """A prompt that applies to one area: a box (x, y, width, height as fractions of the image) or a painted mask.

    The region's prompt (a character's look, clothes and trigger words) is only attended to inside
    the area; the request's own prompt (the shared scene) applies everywhere. A mask image, white
    inside, takes precedence over the box.
    """

    prompt: PromptText = Field(min_length=1)
    box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)
    mask: str | None = None
    loras: tuple[LoraSpec, ...] = Field((), max_length=8, description="LoRAs confined to this region.")

    @model_validator(mode="after")
    def _box_inside_the_image(self) -> Region:
        x, y, width, height = self.box
        if not (0 <= x < 1 and 0 <= y < 1 and 0 < width <= 1 - x + 1e-9 and 0 < height <= 1 - y + 1e-9):
            raise ValueError("box must be x, y, width, height as fractions of the image, inside it (e.g. 0, 0, 0.5, 1)")
        return self


ReferenceFocus = Literal["face", "face_and_clothes"]


class ReferenceSpec(_Frozen):
    """A character's reference pictures, which an identity adapter (IP-Adapter) makes the picture follow.

    ``strength`` is the adapter's scale (0 leaves the picture as it would be without it).
    ``focus`` picks the adapter: the face only, or the face and the clothes. ``region`` (an index
    into the request's regions) confines the adapter to that character's area when a panel has
    several characters. ``adapter`` and ``image_encoder`` name other model files than the defaults.
    """

    images: tuple[str, ...] = Field(min_length=1, max_length=8)
    strength: float = Field(0.6, ge=0, le=1)
    focus: ReferenceFocus = "face_and_clothes"
    region: int | None = Field(None, ge=0)
    adapter: str | None = Field(None, min_length=1, max_length=300)
    image_encoder: str | None = Field(None, min_length=1, max_length=300)


class GenerationRequest(_Frozen):
    """One generation job: the task, the model, the (already composed) prompts and every setting."""

    task: Task = Task.TEXT_TO_IMAGE
    model: ModelRef
    prompt: PromptText = ""
    negative_prompt: PromptText = ""
    loras: tuple[LoraSpec, ...] = ()
    width: int = Field(1024, ge=64, le=4096, multiple_of=8)
    height: int = Field(1024, ge=64, le=4096, multiple_of=8)
    num_images: int = Field(1, ge=1, le=16)
    seed: int = Field(0, ge=0, lt=2**32)
    num_inference_steps: int = Field(DEFAULT_STEPS, ge=1, le=200)
    guidance_scale: float = Field(DEFAULT_CFG, ge=0, le=30)
    clip_skip: int = Field(
        1, ge=1, le=12, description="SD 1.x: read the text encoder this many layers from its end (A1111's clip skip)."
    )
    sampler: str = DEFAULT_SAMPLER
    scheduler: str = DEFAULT_SCHEDULER
    strength: float = Field(1.0, ge=0, le=1, description="Denoise: how much of the init image is repainted.")
    init_image: str | None = None
    mask: MaskSpec | None = None
    outpaint: OutpaintSpec | None = None
    refiner: RefinerSpec | None = Field(None, description="text_to_image only: finish with the SDXL refiner.")
    face_detail: FaceDetailSpec | None = Field(None, description="face_detail only; None means the defaults.")
    controls: tuple[ControlInput, ...] = ()
    reference_images: tuple[ReferenceSpec, ...] = Field((), max_length=4)
    regions: tuple[Region, ...] = Field((), max_length=8)
    previews: bool = Field(False, description="Send cheap preview images while sampling.")

    @model_validator(mode="after")
    def _inputs_match_task(self) -> GenerationRequest:
        needs = {
            Task.IMAGE_TO_IMAGE: ("init_image",),
            Task.INPAINT: ("init_image", "mask"),
            Task.OUTPAINT: ("init_image", "outpaint"),
            Task.SKETCH_TO_IMAGE: ("controls",),
            Task.FACE_DETAIL: ("init_image",),
            Task.UPSCALE: ("init_image",),
        }.get(self.task, ())
        missing = [name for name in needs if not getattr(self, name)]
        if missing:
            raise ValueError(f"task {self.task.value} needs {' and '.join(missing)}")
        for index, spec in enumerate(self.reference_images):
            if spec.region is not None and spec.region >= len(self.regions):
                raise ValueError(
                    f"reference_images[{index}].region is {spec.region}, but the request has {len(self.regions)} "
                    "region(s): give the index of the character's region, or leave it out"
                )
        return self

    def to_json(self) -> str:
        """Compact JSON; :meth:`from_json` gives back an equal request."""
        return self.model_dump_json(exclude_defaults=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> GenerationRequest:
        """Parse and validate a request written by :meth:`to_json`."""
        return cls.model_validate_json(text)

    def input_files(self) -> list[str]:
        """Every local file the request reads (init image, masks, controls, references), once each."""
        paths = [self.init_image, self.mask.image if self.mask else None]
        paths += [control.image for control in self.controls]
        paths += [region.mask for region in self.regions]
        paths += [image for spec in self.reference_images for image in spec.images]
        return [path for path in dict.fromkeys(paths) if path]

    @property
    def source_image(self) -> str:
        """The init image of a task that needs one (the validator has checked that it is set)."""
        return _required(self.init_image, "init_image", self.task)

    @property
    def inpaint_mask(self) -> MaskSpec:
        """The mask of an inpaint request (the validator has checked that it is set)."""
        return _required(self.mask, "mask", self.task)

    @property
    def outpaint_sides(self) -> OutpaintSpec:
        """The canvas extension of an outpaint request (the validator has checked that it is set)."""
        return _required(self.outpaint, "outpaint", self.task)

    def for_candidate(self, index: int) -> GenerationRequest:
        """The single-image request that reproduces candidate ``index`` (seed + index) on its own."""
        return self.model_copy(update={"seed": (self.seed + index) % 2**32, "num_images": 1})


def _required(value: _T | None, name: str, task: Task) -> _T:
    if value is None:
        raise ValueError(f"task {task.value} needs {name}")
    return value
