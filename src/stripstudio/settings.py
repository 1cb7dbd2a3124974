"""Studio settings, read once from the environment (prefix ``STRIPSTUDIO_``) and passed in.

Nothing in the package reads the environment on import: the CLI and the web server build one
:class:`StudioSettings` at start-up and hand it (or the parts a service needs) to the code below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_MODEL = "stabilityai/stable-diffusion-xl-base-1.0"


def default_data_dir() -> Path:
    """The data directory used when ``STRIPSTUDIO_DATA_DIR`` is not set."""
    return Path.home() / ".local" / "share" / "stripstudio"


class StudioSettings(BaseSettings):
    """Every setting of the studio; each one can be set as ``STRIPSTUDIO_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="STRIPSTUDIO_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir, description="All state the studio writes.")
    default_engine: str = Field("diffusers", description="Engine used when a request names none.")
    default_model: str = Field(DEFAULT_MODEL, description="Checkpoint used when a comic names none.")
    model_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Extra folders searched for checkpoints, LoRAs and control models (besides data_dir/models).",
    )
    offline: bool = Field(False, description="Never contact a model hub; only local files are used.")
    device: str = Field("auto", description="torch device: auto, cuda, cuda:1, mps or cpu.")
    dtype: Literal["auto", "float16", "bfloat16", "float32"] = "auto"
    cpu_offload: Literal["none", "model", "sequential"] = Field(
        "none",
        description="Move idle model parts to the CPU to fit small GPUs (model) or tiny ones (sequential).",
    )
    vae_tiling: bool = Field(False, description="Decode large images tile by tile to save memory.")
    vae_slicing: bool = Field(False, description="Decode a batch one image at a time to save memory.")
    model_cache_size: int = Field(1, ge=1, description="How many loaded pipelines to keep in memory.")
    comfyui_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["http://127.0.0.1:8188"],
        description="ComfyUI servers for the comfyui engine, separated by commas.",
    )
    comfyui_timeout: float = Field(900.0, gt=0, description="Seconds a ComfyUI job may take before it is stopped.")
    comfyui_text_encode: Literal["sdxl", "plain"] = Field(
        "sdxl", description="CLIPTextEncodeSDXL (SDXL checkpoints) or CLIPTextEncode (any checkpoint)."
    )
    comfyui_face_detector: str = Field("bbox/face_yolov8m.pt", description="UltralyticsDetectorProvider model.")
    comfyui_sam_model: str = Field("sam_vit_b_01ec64.pth", description="SAMLoader model for face detail.")

    @field_validator("model_dirs", mode="before")
    @classmethod
    def _split_path_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part for part in value.split(":") if part]
        return value

    @field_validator("comfyui_urls", mode="before")
    @classmethod
    def _split_url_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def models_dir(self) -> Path:
        """Where the studio keeps checkpoints, LoRAs and control models it manages."""
        return self.data_dir / "models"

    @property
    def huggingface_cache_dir(self) -> Path:
        """Hub downloads land here unless ``HF_HOME`` says otherwise."""
        return self.data_dir / "huggingface"

    def model_search_dirs(self) -> list[Path]:
        """Folders searched, in order, when a request names a model file by name."""
        return [self.models_dir, *self.model_dirs]
