"""The prompt of a panel, built from the comic's style, the characters present and the panel.

Order of the positive prompt (SD weighs earlier words more; the design thesis got its best
poses with who first, then what they do): style prefix, trigger words of each character
present, shot, each character's description and clothes (kept together so that several
characters' looks do not mix), panel description, style suffix. Comma-separated fragments are
de-duplicated, keeping the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, Self, TypeVar

from pydantic import ValidationError

from stripstudio.domain import Character, Comic, LoraRef, Panel, Style
from stripstudio.domain.lora import lora_key
from stripstudio.prompting.lora_tags import LoraTag, extract_lora_tags, format_lora_tag
from stripstudio.prompting.syntax import split_top_level_commas


@dataclass(frozen=True)
class ComposedPrompt:
    """A prompt ready for an engine: texts without LoRA tags, the LoRAs to load and, for a panel with
    several characters, each character's own prompt (the main prompt then holds the shared scene)."""

    prompt: str
    negative_prompt: str
    loras: list[LoraRef] = field(default_factory=list)
    character_prompts: dict[str, str] = field(default_factory=dict)


def compose_panel_prompt(comic: Comic, panel: Panel) -> ComposedPrompt:
    """The prompt, negative prompt and LoRAs of ``panel``.

    LoRAs: the style's, then each present character's, then the ``<lora:...>`` tags in the
    positive texts (in prompt order). Tags in negative texts are removed and ignored, since a LoRA
    changes the model, not one prompt. The same LoRA (see :func:`lora_key`) appears once, where it
    first appeared, with the strengths of its last mention: a tag in the panel description
    overrides a character's default strength. ValueError if the panel names an unknown character
    or a tag's strength is out of range.
    """
    cast = _present_characters(comic, panel)
    negatives = [comic.style.negative_prompt, *(c.negative_prompt for c in cast), panel.negative_prompt]
    defaults = [*comic.style.loras, *(lora for character in cast for lora in character.loras)]
    if len(cast) < 2:
        return _compose(_positive_parts(comic.style, cast, panel), negatives, defaults)
    # Several characters: each one's look goes to its own region, so that looks cannot mix; the
    # main prompt keeps the style, framing and scene. Tags in a character's texts still load LoRAs.
    scene = _compose(_positive_parts(comic.style, [], panel), negatives, defaults)
    own = {character.name: _compose(_character_parts(character), [], []) for character in cast}
    loras = merge_loras([*scene.loras, *(lora for part in own.values() for lora in part.loras)])
    prompts = {name: part.prompt for name, part in own.items()}
    return ComposedPrompt(scene.prompt, scene.negative_prompt, loras, prompts)


def compose_prompt(text: str, negative: str = "", loras: Iterable[LoraRef] = ()) -> ComposedPrompt:
    """A free prompt: tags taken out of ``text`` and added after ``loras``, fragments de-duplicated."""
    return _compose([text], [negative], list(loras))


def _present_characters(comic: Comic, panel: Panel) -> list[Character]:
    cast = []
    for name in dict.fromkeys(panel.characters):
        try:
            cast.append(comic.character(name))
        except KeyError:
            known = ", ".join(c.name for c in comic.characters) or "none defined"
            raise ValueError(f"the panel names an unknown character {name!r} (known: {known})") from None
    return cast


def _positive_parts(style: Style, cast: Sequence[Character], panel: Panel) -> list[str]:
    return [
        style.prompt_prefix,
        *(word for character in cast for word in character.trigger_words),
        panel.shot or "",
        *(text for character in cast for text in (character.description, character.clothes)),
        panel.description,
        style.prompt_suffix,
    ]


def _character_parts(character: Character) -> list[str]:
    return [*character.trigger_words, character.description, character.clothes]


def _compose(positives: Sequence[str], negatives: Sequence[str], loras: list[LoraRef]) -> ComposedPrompt:
    positive_texts: list[str] = []
    tags: list[LoraTag] = []
    for text in positives:
        without_tags, found = extract_lora_tags(text)
        positive_texts.append(without_tags)
        tags += found
    negative_texts = [extract_lora_tags(text)[0] for text in negatives]
    return ComposedPrompt(
        prompt=join_unique_fragments(positive_texts),
        negative_prompt=join_unique_fragments(negative_texts),
        loras=merge_loras([*loras, *(_lora_ref(tag) for tag in tags)]),
    )


def join_unique_fragments(texts: Iterable[str]) -> str:
    """Join the comma-separated fragments of ``texts`` with ``", "``, each fragment once.

    Fragments are compared case-insensitively with whitespace normalised; the first is kept, as
    written (weight syntax included). Commas inside brackets do not split. ``BREAK`` standing
    alone is never dropped, since each one starts a new chunk.
    """
    seen: set[str] = set()
    kept: list[str] = []
    for text in texts:
        for piece in split_top_level_commas(text):
            piece = piece.strip()
            key = " ".join(piece.split()).casefold()
            if not piece or (key in seen and piece != "BREAK"):
                continue
            seen.add(key)
            kept.append(piece)
    return ", ".join(kept)


class _Lora(Protocol):
    """A LoRA with its two strengths: :class:`LoraRef` or the generation contract's ``LoraSpec``."""

    @property
    def name(self) -> str: ...
    @property
    def strength_model(self) -> float: ...
    @property
    def strength_clip(self) -> float: ...
    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self: ...


LoraT = TypeVar("LoraT", bound=_Lora)


def merge_loras(loras: Iterable[LoraT]) -> list[LoraT]:
    """Each LoRA once, in order of first appearance, with the strengths of its last appearance."""
    merged: dict[str, LoraT] = {}
    for lora in loras:
        key = lora_key(lora.name)
        if key in merged:
            strengths = {"strength_model": lora.strength_model, "strength_clip": lora.strength_clip}
            merged[key] = merged[key].model_copy(update=strengths)
        else:
            merged[key] = lora
    return list(merged.values())


def _lora_ref(tag: LoraTag) -> LoraRef:
    try:
        return LoraRef(name=tag.name, strength_model=tag.strength_model, strength_clip=tag.strength_clip)
    except ValidationError as error:
        details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise ValueError(f"{format_lora_tag(tag)}: {details}") from None
