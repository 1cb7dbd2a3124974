"""The whole comic: title, style, cast, panels and layout."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from stripstudio.domain.base import NAME_MAX, PATH_MAX, PROMPT_MAX, TITLE_MAX, DomainModel
from stripstudio.domain.bubble import LetteringStyle
from stripstudio.domain.character import Character
from stripstudio.domain.fast import DEFAULT_FAST_PROFILE, fast_profile
from stripstudio.domain.layout import Layout
from stripstudio.domain.panel import Panel, panel_label
from stripstudio.domain.style import Style

CHARACTERS_MAX = 200
PANELS_MAX = 1000

#: Age ratings as the ComicInfo schema (v2.0) names them; readers and library servers filter on them.
AgeRating = Literal[
    "Unknown",
    "Adults Only 18+",
    "Early Childhood",
    "Everyone",
    "Everyone 10+",
    "G",
    "Kids to Adults",
    "M",
    "MA15+",
    "Mature 17+",
    "PG",
    "R18+",
    "Rating Pending",
    "Teen",
    "X18+",
]
ReadingDirection = Literal["ltr", "rtl"]


class GenerationDefaults(DomainModel):
    """Sampling settings every panel uses unless it says otherwise (the thesis' defaults)."""

    engine: str | None = Field(None, max_length=NAME_MAX)
    sampler: str = Field("dpmpp_2m", max_length=NAME_MAX)
    scheduler: str = Field("karras", max_length=NAME_MAX)
    steps: int = Field(20, ge=1, le=200)
    cfg: float = Field(8.0, ge=0, le=30)
    width: int = Field(1024, ge=64, le=4096, multiple_of=8)
    height: int = Field(1024, ge=64, le=4096, multiple_of=8)
    candidates: int = Field(2, ge=1, le=16)
    seed: int = Field(0, ge=0, lt=2**32, description="Base seed; panel N without its own seed uses seed + 1000*N.")
    fix_faces: bool = Field(False, description="Always redraw faces after drawing a panel (face detail).")
    fast: bool = Field(False, description="Draw drafts with the fast profile (a distilled model, 1-8 steps).")
    fast_profile: str = Field(DEFAULT_FAST_PROFILE, max_length=NAME_MAX, description="The fast profile drafts use.")
    fast_lora: str | None = Field(
        None,
        min_length=1,
        max_length=PATH_MAX,
        description="Your own file for the fast profile's LoRA (else its usual name).",
    )

    @field_validator("fast_profile")
    @classmethod
    def _known_profile(cls, name: str) -> str:
        fast_profile(name)
        return name


class Comic(DomainModel):
    """A comic as the author wrote it. Names of characters are unique; panels refer to them by name."""

    title: str = Field(min_length=1, max_length=TITLE_MAX)
    series: str = Field("", max_length=TITLE_MAX)
    episode: int | None = Field(None, ge=0, description="Number of this episode or issue in its series.")
    summary: str = Field("", max_length=PROMPT_MAX)
    author: str = Field("", max_length=TITLE_MAX)
    language: str = Field("en", max_length=35, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")
    reading_direction: ReadingDirection = Field(
        "ltr", description="ltr: pages and panels read left to right; rtl: right to left, as manga."
    )
    genre: str = Field("", max_length=TITLE_MAX, description="Genres, separated by commas: 'science fiction, comedy'.")
    age_rating: AgeRating = Field("Unknown", description="Who the comic is for, in ComicInfo's words.")
    style: Style = Field(default_factory=Style)
    generation: GenerationDefaults = Field(default_factory=GenerationDefaults)
    characters: list[Character] = Field(default_factory=list, max_length=CHARACTERS_MAX)
    panels: list[Panel] = Field(default_factory=list, max_length=PANELS_MAX)
    layout: Layout = Field(default_factory=Layout)
    lettering: LetteringStyle = Field(
        default_factory=LetteringStyle, description="The look every bubble takes unless it sets its own."
    )

    @model_validator(mode="after")
    def _references_hold(self, info: ValidationInfo) -> Comic:
        if info.context and info.context.get("skip_reference_checks"):
            return self
        problems = self.reference_problems()
        if problems:
            raise ValueError("; ".join(f"{format_path(path)}: {message}" for path, message in problems))
        return self

    def reference_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every broken cross-reference, as (field path, message): duplicate names, unknown characters.

        The script loader turns the paths into file lines; the model validator joins the messages.
        """
        problems: list[tuple[tuple[str | int, ...], str]] = []
        seen_names: set[str] = set()
        for i, character in enumerate(self.characters):
            if character.name in seen_names:
                problems.append((("characters", i, "name"), f"another character is already called {character.name!r}"))
            seen_names.add(character.name)
        known = ", ".join(c.name for c in self.characters) or "none defined"
        seen_ids: set[str] = set()
        for i, panel in enumerate(self.panels):
            if panel.id and panel.id in seen_ids:
                problems.append((("panels", i, "id"), f"another panel already has the id {panel.id!r}"))
            seen_ids.add(panel.id or "")
            for j, name in enumerate(panel.characters):
                if name not in seen_names:
                    problems.append((("panels", i, "characters", j), f"unknown character {name!r} (known: {known})"))
            for j, region in enumerate(panel.regions):
                if region.character not in panel.characters:
                    present = ", ".join(panel.characters) or "nobody"
                    problems.append(
                        (
                            ("panels", i, "regions", j, "character"),
                            f"{region.character!r} is not in this panel (present: {present})",
                        )
                    )
            for j, bubble in enumerate(panel.bubbles):
                if bubble.speaker and bubble.speaker not in panel.characters:
                    present = ", ".join(panel.characters) or "nobody"
                    problems.append(
                        (
                            ("panels", i, "bubbles", j, "speaker"),
                            f"speaker {bubble.speaker!r} is not in this panel (present: {present})",
                        )
                    )
        return problems

    def character(self, name: str) -> Character:
        """The character called ``name``; KeyError if there is none."""
        for character in self.characters:
            if character.name == name:
                return character
        raise KeyError(name)

    def panel_label(self, index: int) -> str:
        """How errors and lists name panel ``index`` (from 0): ``panel 3 (the launch)``, counted from 1."""
        panel = self.panels[index]
        return panel_label(index, panel.name or panel.id)

    def panel_id(self, index: int) -> str:
        """The panel's own id, or ``panel-NN`` from its 1-based position."""
        return self.panels[index].id or f"panel-{index + 1:02d}"


def format_path(path: tuple[str | int, ...]) -> str:
    """``("panels", 2, "characters")`` -> ``panels[2].characters``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


_INDEXED = re.compile(r"^(?P<name>[a-z_]+)\[(?P<index>\d+)\]$")
_ITEM_NAMES = {"loras": "LoRA", "reference_images": "reference image", "characters": "character"}


def readable_path(field: str) -> str:
    """A field path as an author reads it, every list counted from 1.

    ``panels[0].regions[1].mask`` -> ``panel 1, region 2, mask``; ``layout.page`` stays as it is.
    """
    parts: list[str] = []
    plain: list[str] = []
    for segment in field.split("."):
        indexed = _INDEXED.match(segment)
        if indexed is None:
            plain.append(segment)
            continue
        if plain:
            parts.append(".".join(plain))
            plain = []
        name = indexed["name"]
        item = _ITEM_NAMES.get(name, name.removesuffix("s").replace("_", " "))
        parts.append(f"{item} {int(indexed['index']) + 1}")
    if plain:
        parts.append(".".join(plain))
    return ", ".join(parts)
