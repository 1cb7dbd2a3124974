"""A recurring character with the look that keeps them consistent across panels."""

from typing import Annotated, Literal

from pydantic import Field

from stripstudio.domain.base import NAME_MAX, PATH_MAX, PROMPT_MAX, DomainModel
from stripstudio.domain.lora import LoraRef

REFERENCE_IMAGES_MAX = 16


class Character(DomainModel):
    """Name, look, clothes, trigger words, LoRAs, reference images and a fixed seed."""

    name: str = Field(min_length=1, max_length=NAME_MAX)
    description: str = Field(
        "", max_length=PROMPT_MAX, description="Face, hair, body: what stays the same in every panel."
    )
    clothes: str = Field("", max_length=PROMPT_MAX)
    trigger_words: list[Annotated[str, Field(max_length=NAME_MAX)]] = Field(
        default_factory=list, max_length=32, description="Words that activate the character LoRA."
    )
    loras: list[LoraRef] = Field(default_factory=list, max_length=16)
    reference_images: list[Annotated[str, Field(max_length=PATH_MAX)]] = Field(
        default_factory=list, max_length=REFERENCE_IMAGES_MAX, description="Image files showing the character."
    )
    reference_strength: float = Field(
        0.6, ge=0, le=1, description="How closely panels follow the reference images (0 = not at all)."
    )
    reference_focus: Literal["face", "face_and_clothes"] = Field(
        "face_and_clothes", description="Follow the references' face only, or the face and the clothes."
    )
    negative_prompt: str = Field("", max_length=PROMPT_MAX)
    seed: int | None = Field(None, ge=0, lt=2**32)
