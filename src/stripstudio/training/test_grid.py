"""The test grid: the same few prompts, drawn with the same seed, with each saved epoch's LoRA.

Laid side by side, the pictures show where the character starts to look like the photos and
where the LoRA begins to overfit (everything turns into the photos' lighting and background), so
the author can pick the epoch before that. The prompts: the character alone, the character in the
comic's style, and the character in two other styles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from stripstudio.domain.presets import STYLE_PRESETS
from stripstudio.domain.style import Style
from stripstudio.generation.engine import CancelSignal, Engine
from stripstudio.generation.errors import JobCancelled
from stripstudio.generation.events import JobEvent
from stripstudio.generation.images import GeneratedImage
from stripstudio.generation.request import GenerationRequest, LoraSpec
from stripstudio.training.spec import SavedEpoch

GRID_SEED = 1234
OTHER_STYLES = ("manga", "comic-ink", "cartoon")  # the first two that differ from the comic's style are used


class GridPrompt(BaseModel):
    """One row of the grid: a short label and the prompts it is drawn from."""

    model_config = ConfigDict(frozen=True)
    label: str = Field(min_length=1, max_length=60)
    prompt: str = Field(min_length=1, max_length=2000)
    negative_prompt: str = Field("", max_length=2000)


class TestGrid(BaseModel):
    """What the grid draws: the prompts, and a request (model, size, steps, seed…) they are drawn with."""

    __test__ = False  # not a pytest test class, despite its name
    model_config = ConfigDict(frozen=True)
    prompts: tuple[GridPrompt, ...] = Field(min_length=1, max_length=6)
    template: GenerationRequest
    lora_strength: float = Field(1.0, ge=0, le=2)


class GridPicture(BaseModel):
    """One drawn picture of the grid: the epoch, the prompt's index and what the picture was stored as."""

    model_config = ConfigDict(frozen=True)
    epoch: int
    row: int
    label: str
    file: str


def grid_prompts(trigger: str, class_word: str, style: Style | None = None) -> tuple[GridPrompt, ...]:
    """The character alone, in ``style`` (the comic's), and in two other styles."""
    subject = f"{trigger}, {class_word}"
    prompts = [GridPrompt(label="alone", prompt=f"photo of {subject}, portrait, plain background")]
    if style is not None and (style.prompt_prefix or style.prompt_suffix):
        prompts.append(_styled("comic style", subject, style))
    others = [name for name in OTHER_STYLES if style is None or name != style.name]
    prompts += [_styled(name, subject, STYLE_PRESETS[name]) for name in others[:2]]
    return tuple(prompts)


def _styled(label: str, subject: str, style: Style) -> GridPrompt:
    """The style's words around the subject; its LoRAs are left out (they may not be installed)."""
    text = ", ".join(part.strip(" ,") for part in (style.prompt_prefix, subject, style.prompt_suffix) if part.strip())
    return GridPrompt(label=label, prompt=text, negative_prompt=style.negative_prompt)


def grid_request(grid: TestGrid, row: int, lora_file: str) -> GenerationRequest:
    """The request that draws row ``row`` of the grid with the LoRA file ``lora_file``."""
    prompt = grid.prompts[row]
    lora = LoraSpec(name=lora_file, strength_model=grid.lora_strength, strength_clip=grid.lora_strength)
    return grid.template.model_copy(
        update={
            "prompt": prompt.prompt,
            "negative_prompt": prompt.negative_prompt,
            "loras": (lora,),
            "num_images": 1,
            "previews": False,
        }
    )


Store = Callable[[GeneratedImage], str]


def draw_test_grid(
    engine: Engine,
    grid: TestGrid,
    epochs: Sequence[SavedEpoch],
    store: Store,
    on_picture: Callable[[GridPicture, int], None],
    cancel: CancelSignal,
) -> list[GridPicture]:
    """Draw every prompt of ``grid`` with each epoch's LoRA; ``store`` keeps a picture and names it.

    ``on_picture(picture, total)`` follows each stored picture (``total``: pictures the grid has);
    JobCancelled between pictures once ``cancel`` is set (and within a sampling step in the engine).
    """
    total = len(epochs) * len(grid.prompts)
    pictures: list[GridPicture] = []
    for epoch in epochs:
        for row, prompt in enumerate(grid.prompts):
            if cancel.is_set():
                raise JobCancelled("the test grid was cancelled")
            drawn = engine.run(grid_request(grid, row, str(epoch.path)), _ignore, cancel)
            picture = GridPicture(epoch=epoch.epoch, row=row, label=prompt.label, file=store(drawn[0]))
            pictures.append(picture)
            on_picture(picture, total)
    return pictures


def _ignore(_event: JobEvent) -> None:
    """The engine's per-step events of one picture: the grid reports per picture instead."""
