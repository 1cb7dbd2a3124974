"""The look shared by every panel of a comic."""

from pydantic import Field

from stripstudio.domain.base import NAME_MAX, PATH_MAX, PROMPT_MAX, DomainModel
from stripstudio.domain.lora import LoraRef


class Style(DomainModel):
    """Checkpoint, style LoRAs and the prompt fragments put around every panel prompt."""

    name: str = Field("custom", max_length=NAME_MAX)
    checkpoint: str | None = Field(
        None, max_length=PATH_MAX, description="Model id, checkpoint file or diffusers folder."
    )
    vae: str | None = Field(None, max_length=PATH_MAX, description="Optional VAE replacing the checkpoint's own.")
    refiner: str | None = Field(
        None, max_length=PATH_MAX, description="Optional SDXL refiner that finishes every panel drawn from text."
    )
    refiner_switch: float = Field(0.8, gt=0, lt=1, description="Fraction of the denoising the base model does.")
    loras: list[LoraRef] = Field(default_factory=list, max_length=16)
    prompt_prefix: str = Field(
        "", max_length=PROMPT_MAX, description="Put before every panel prompt, e.g. '((cartoon style))'."
    )
    prompt_suffix: str = Field(
        "", max_length=PROMPT_MAX, description="Put after every panel prompt, e.g. 'high quality'."
    )
    negative_prompt: str = Field("", max_length=PROMPT_MAX)
