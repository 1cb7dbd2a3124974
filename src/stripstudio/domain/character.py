"""A recurring character with the look that keeps them consistent across panels."""

from pydantic import Field

from stripstudio.domain.base import DomainModel
from stripstudio.domain.lora import LoraRef


class Character(DomainModel):
    """Name, look, clothes, trigger words, LoRAs, reference images and a fixed seed."""

    name: str = Field(min_length=1)
    description: str = Field("", description="Face, hair, body: what stays the same in every panel.")
    clothes: str = ""
    trigger_words: list[str] = Field(default_factory=list, description="Words that activate the character LoRA.")
    loras: list[LoraRef] = Field(default_factory=list)
    reference_images: list[str] = Field(default_factory=list, description="Image files showing the character.")
    negative_prompt: str = ""
    seed: int | None = Field(None, ge=0, lt=2**32)
