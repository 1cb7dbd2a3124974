"""API schemas. Content schemas are made from the domain models, so the API accepts exactly what a
comic script accepts (same names, limits and messages) without restating the fields."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, create_model

from stripstudio import domain
from stripstudio.domain.character import REFERENCE_IMAGES_MAX
from stripstudio.domain.region import Box, Placement
from stripstudio.generation.request import LoraSpec, OutpaintSpec


def _fields(model: type[BaseModel], drop: set[str], optional: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in drop:
            continue
        if optional:
            constrained: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
            fields[name] = (constrained | None, Field(None, description=info.description))
        else:
            fields[name] = (info.annotation, info)
    return fields


def input_schema(model: type[BaseModel], name: str, *, drop: AbstractSet[str] = frozenset(), optional=False, **extra):
    """A strict input schema with ``model``'s fields (all optional for PATCH), less ``drop``, plus ``extra``."""
    return create_model(name, __config__=ConfigDict(extra="forbid"), **_fields(model, set(drop), optional), **extra)


ComicIn = input_schema(domain.Comic, "ComicIn", drop={"characters", "panels"})
ComicPatch = input_schema(domain.Comic, "ComicPatch", drop={"characters", "panels"}, optional=True)
# A place in an order (0 first) and a row's id: bounded so that no out-of-range number reaches the database.
Position = Annotated[int, Field(ge=0, le=2**31 - 1)]
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]
CharacterIn = input_schema(
    domain.Character,
    "CharacterIn",
    drop={"reference_images"},
    reference_image_ids=(list[RowId], Field([], max_length=REFERENCE_IMAGES_MAX)),
)
CharacterPatch = input_schema(
    domain.Character,
    "CharacterPatch",
    drop={"reference_images"},
    optional=True,
    reference_image_ids=(list[RowId] | None, Field(None, max_length=REFERENCE_IMAGES_MAX)),
)


class RegionIn(BaseModel):
    """Where one character stands in the panel: a placement, a box, or an uploaded mask image (white inside)."""

    model_config = ConfigDict(extra="forbid")

    character: str = Field(min_length=1, max_length=200)
    place: Placement | None = None
    box: Box | None = Field(None, description="x, y, width, height as fractions of the panel.")
    mask_id: RowId | None = Field(None, description="An uploaded image: white where the character is.")


_REGIONS_MAX = domain.Panel.model_fields["regions"].metadata
Regions = Annotated[list[RegionIn], *_REGIONS_MAX]
PanelIn = input_schema(
    domain.Panel,
    "PanelIn",
    drop={"sketch", "bubbles", "regions"},
    sketch_id=(int | None, None),
    position=(Position | None, None),
    regions=(Regions, Field([], description="Where each character stands (two or more characters).")),
)
PanelPatch = input_schema(
    domain.Panel,
    "PanelPatch",
    drop={"sketch", "bubbles", "regions"},
    optional=True,
    sketch_id=(int | None, None),
    regions=(Regions | None, Field(None, description="Where each character stands (two or more characters).")),
)
BubbleIn = input_schema(domain.Bubble, "BubbleIn", position=(Position | None, None))
BubblePatch = input_schema(domain.Bubble, "BubblePatch", optional=True, position=(Position | None, None))


class AssetOut(BaseModel):
    """An uploaded file."""

    id: int
    kind: str
    name: str
    size: int
    sha256: str
    width: int | None
    height: int | None
    url: str
    created_at: datetime


class BubbleOut(BaseModel):
    """A bubble of a panel."""

    id: int
    panel_id: int
    position: int
    spec: dict[str, Any] = Field(description="The bubble's fields, as in a comic script.")


class DrawnWithOut(BaseModel):
    """The settings a candidate was drawn with (from its saved request)."""

    steps: int
    cfg: float
    sampler: str
    scheduler: str
    loras: list[str] = Field(description="The LoRA files drawn with, in order.")
    fast_profile: str | None = Field(
        description="The fast profile it was drawn with (its schedule and its LoRA or checkpoint): a draft."
    )


class ImageSettingsOut(BaseModel):
    """What drew a picture: the final prompts and every setting, as the engine received them."""

    task: str
    prompt: str
    negative_prompt: str
    model: str = Field(description="The checkpoint's file name or hub id.")
    loras: list[LoraSpec]
    seed: int
    steps: int
    cfg: float
    sampler: str
    scheduler: str
    width: int
    height: int
    strength: float = Field(description="How much of a source picture was redrawn (1 for a new picture).")


class ImageOut(BaseModel):
    """A candidate drawn for a panel."""

    id: int
    panel_id: int
    job_id: UUID | None
    candidate: int
    seed: int
    width: int
    height: int
    picked: bool
    url: str
    created_at: datetime
    drawn_with: DrawnWithOut | None = Field(
        None, description="Its steps, sampler and LoRAs, when its request is saved."
    )
    settings: ImageSettingsOut | None = Field(None, description="None for a picture whose settings were not kept.")


class PanelOut(BaseModel):
    """A panel with its bubbles and picked image."""

    id: int
    comic_id: int
    position: int
    spec: dict[str, Any] = Field(description="The panel's fields, as in a comic script (without sketch and bubbles).")
    sketch: AssetOut | None
    bubbles: list[BubbleOut]
    picked_image: ImageOut | None


class CharacterOut(BaseModel):
    """A character of a comic."""

    id: int
    comic_id: int
    name: str
    position: int
    spec: dict[str, Any] = Field(description="The character's fields, as in a comic script.")
    reference_images: list[AssetOut]


class ComicOut(BaseModel):
    """A comic's own fields (characters and panels have their own endpoints)."""

    id: int
    title: str
    spec: dict[str, Any] = Field(description="Series, style, generation defaults and layout, as in a comic script.")
    panel_count: int
    character_count: int
    cover_image_id: int | None = Field(description="The picture chosen for the comic's card, if one was chosen.")
    cover_url: str | None = Field(description="The card's picture: the chosen one, else the first panel's pick.")
    created_at: datetime
    updated_at: datetime
    changed_at: datetime = Field(description="The last change to the comic or any of its content.")


class JobOut(BaseModel):
    """A queued, running or finished job."""

    id: UUID
    kind: str
    status: str
    comic_id: int | None
    panel_id: int | None
    progress: float
    step: int | None
    total: int | None
    message: str
    error_type: str
    error_message: str
    attempts: int
    results: list[dict[str, Any]]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    events_url: str


class ExportOut(BaseModel):
    """A file an export wrote."""

    id: int
    comic_id: int
    job_id: UUID | None
    format: str
    name: str
    size: int
    warnings: list[str]
    url: str
    created_at: datetime
    out_of_date: bool = Field(description="The comic changed after this file was written: export again.")


class StylePresetOut(domain.Style):
    """A style preset with the style LoRAs installed here; ``missing_loras`` names the ones left out (put the
    file in the loras model folder and add it to the comic's style to use it)."""

    missing_loras: list[str] = Field(default_factory=list)


GenerateMode = Literal["text", "sketch", "variation", "inpaint", "outpaint", "fix_faces"]


class GenerateIn(BaseModel):
    """What to draw for a panel. ``text`` draws from the description (and the sketch, if the panel has
    one), ``sketch`` requires the sketch, the others edit ``source_image_id`` (default: the picked image);
    ``fix_faces`` redraws the faces of that image."""

    model_config = ConfigDict(extra="forbid")

    mode: GenerateMode = "text"
    candidates: int | None = Field(None, ge=1, le=16)
    seed: int | None = Field(None, ge=0, lt=2**32)
    steps: int | None = Field(None, ge=1, le=200)
    width: int | None = Field(None, ge=64, le=4096, multiple_of=8)
    height: int | None = Field(None, ge=64, le=4096, multiple_of=8)
    prompt: str | None = Field(None, max_length=4000, description="Inpaint/outpaint prompt instead of the panel's.")
    source_image_id: int | None = None
    strength: float = Field(0.6, ge=0, le=1, description="Variation and inpaint: how much is redrawn.")
    mask_id: int | None = Field(None, description="Inpaint: an uploaded mask (white = repaint).")
    grow: int = Field(32, ge=0, le=512)
    feather: int = Field(8, ge=0, le=512)
    outpaint: OutpaintSpec | None = None
    previews: bool = True
    skip_missing_loras: bool = Field(
        False, description="Draw without the LoRAs that are not installed instead of refusing (they are recorded)."
    )
    fast: bool | None = Field(
        None, description="A fast draft (true) or a final (false) this time; null follows the panel and the comic."
    )


class ComposedRegionOut(BaseModel):
    """One character's region of the composed request."""

    character: str
    prompt: str
    box: Box
    masked: bool = Field(description="A painted mask narrows the region inside its box.")


class ComposedReferenceOut(BaseModel):
    """One character's reference images as the request uses them."""

    character: str
    images: list[AssetOut]
    strength: float
    focus: str
    region: int | None = Field(description="The index of the region the references are confined to.")


class ComposedOut(BaseModel):
    """What generating the panel sends to the engine: the composed prompts, regions, references and LoRAs."""

    task: str
    prompt: str
    negative_prompt: str
    regions: list[ComposedRegionOut]
    references: list[ComposedReferenceOut]
    loras: list[LoraSpec]
    seed: int
    width: int
    height: int
    num_images: int
    fix_faces: bool


class SheetIn(BaseModel):
    """How many portraits a character sheet draws."""

    model_config = ConfigDict(extra="forbid")

    count: int = Field(4, ge=1, le=8)


class ExportIn(BaseModel):
    """Which files to write; none: what the comic's layout is made for."""

    model_config = ConfigDict(extra="forbid")

    formats: list[Literal["webtoon", "png", "pdf", "cbz"]] = Field(default_factory=list, max_length=4)
    skip_unfinished: bool = Field(False, description="Leave out the panels that have no picture yet.")


class CoverIn(BaseModel):
    """The picture for the comic's card: one of its panels' candidates, or none for the first panel's pick."""

    model_config = ConfigDict(extra="forbid")

    image_id: RowId | None = None


class GenerateAllIn(BaseModel):
    """Draw the whole comic: the panels without a picked picture, or every panel."""

    model_config = ConfigDict(extra="forbid")

    panels: Literal["missing", "all"] = Field("missing", description="missing: only panels without a picked picture.")
    candidates: int | None = Field(None, ge=1, le=16)
    steps: int | None = Field(None, ge=1, le=200)
    width: int | None = Field(None, ge=64, le=4096, multiple_of=8)
    height: int | None = Field(None, ge=64, le=4096, multiple_of=8)
    fast: bool | None = Field(None, description="Fast drafts (true) or finals (false); null follows each panel.")
    skip_missing_loras: bool = False


class BatchJobOut(BaseModel):
    """One panel's job in a batch."""

    job_id: UUID
    panel_id: int | None
    panel_number: int | None = Field(description="The panel's place in the comic, from 1.")
    status: str
    error_message: str


class BatchOut(BaseModel):
    """Jobs queued together, counted by state."""

    id: int
    comic_id: int
    total: int
    queued: int
    running: int
    succeeded: int
    failed: int
    cancelled: int
    finished: bool
    jobs: list[BatchJobOut]
    created_at: datetime


class PortraitOut(BaseModel):
    """A portrait from a character sheet, kept in the character's history."""

    id: int
    character_id: int
    candidate: int
    seed: int
    width: int
    height: int
    url: str
    created_at: datetime


class OrderIn(BaseModel):
    """Ids in their new order."""

    model_config = ConfigDict(extra="forbid")

    ids: list[RowId] = Field(max_length=10_000)


class ErrorOut(BaseModel):
    """An error: what went wrong and, for invalid input, where."""

    detail: str | list[dict[str, Any]]
