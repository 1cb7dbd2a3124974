"""The look shared by every panel of a comic."""

from pydantic import Field

from stripstudio.domain.base import DomainModel
from stripstudio.domain.lora import LoraRef


class Style(DomainModel):
    """Checkpoint, style LoRAs and the prompt fragments put around every panel prompt."""

    name: str = "custom"
    checkpoint: str | None = Field(None, description="Model id, checkpoint file or diffusers folder.")
    vae: str | None = Field(None, description="Optional VAE replacing the checkpoint's own.")
    loras: list[LoraRef] = Field(default_factory=list)
    prompt_prefix: str = Field("", description="Put before every panel prompt, e.g. '((cartoon style))'.")
    prompt_suffix: str = Field("", description="Put after every panel prompt, e.g. 'high quality'.")
    negative_prompt: str = ""
