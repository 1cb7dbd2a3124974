"""A reference to a LoRA file with its two strengths."""

from pydantic import Field

from stripstudio.domain.base import PATH_MAX, DomainModel


class LoraRef(DomainModel):
    """A LoRA by file name (looked up in the model folders) or path, as ComfyUI's LoraLoader takes it.

    ``strength_model`` scales the UNet part of the LoRA, ``strength_clip`` the text-encoder part.
    """

    name: str = Field(
        min_length=1, max_length=PATH_MAX, description="File name (with or without .safetensors) or a path."
    )
    strength_model: float = Field(1.0, ge=-10, le=10)
    strength_clip: float = Field(1.0, ge=-10, le=10)


def lora_key(name: str) -> str:
    """What makes two LoRA names one LoRA: the file name, any case, without folder or ``.safetensors``."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().casefold()
    return base.removesuffix(".safetensors")
