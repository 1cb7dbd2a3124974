"""Studio settings, read once from the environment (prefix ``STRIPSTUDIO_``) and passed in.

Nothing in the package reads the environment on import: the CLI and the web server build one
:class:`StudioSettings` at start-up and hand it (or the parts a service needs) to the code below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from stripstudio.generation.request import PROMPT_MAX_CHARS

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
    cpu_offload: Literal["none", "model", "sequential"] | None = Field(
        None,
        description="Move idle model parts to the CPU to fit small GPUs (model) or tiny ones (sequential); "
        "unset: chosen by memory_mode.",
    )
    vae_tiling: bool | None = Field(
        None, description="Decode large images tile by tile to save memory; unset: chosen by memory_mode."
    )
    vae_slicing: bool | None = Field(
        None, description="Decode a batch one image at a time to save memory; unset: chosen by memory_mode."
    )
    memory_mode: Literal["auto", "full", "low", "minimal"] = Field(
        "auto",
        description="How much of the GPU the engine may fill: full (everything on the GPU), low (model CPU offload, "
        "VAE tiling and slicing: 12 GB cards), minimal (sequential offload and attention slicing: 8 GB cards); "
        "auto chooses from the GPU's memory.",
    )
    accelerate: Literal["auto", "off", "basic", "compile"] = Field(
        "auto",
        description="The CUDA fast path: basic (SDPA attention, fused QKV, channels_last, fp16 VAE decode), "
        "compile (basic plus torch.compile of the repeated blocks, a persistent compile cache, LoRAs merged in place); "
        "auto is compile on CUDA and off on CPU and MPS.",
    )
    quantize: Literal["none", "int8", "fp8"] = Field(
        "none",
        description="Store the UNet's linear weights in int8 or fp8 with torchao (needs torchao; fp8 needs a GPU of "
        "compute capability 8.9 or newer); only with accelerate on.",
    )
    warmup_sizes: Annotated[list[tuple[int, int]], NoDecode] = Field(
        default_factory=lambda: [(1024, 1024)],
        description="Panel sizes (WIDTHxHEIGHT, separated by commas) drawn once when a worker starts, so that the "
        "first job finds its kernels compiled; empty: no warm-up.",
    )
    fp16_vae: str | None = Field(
        None,
        description="A VAE that decodes in fp16 (e.g. madebyollin/sdxl-vae-fp16-fix) used by SDXL checkpoints that "
        "name no VAE while accelerate is on; unset: the checkpoint's VAE, upcast to fp32 when it asks for it.",
    )
    model_cache_size: int = Field(1, ge=1, description="How many loaded pipelines to keep in memory.")
    batch_size: int = Field(
        0,
        ge=0,
        le=16,
        description="Most images drawn in one sampling run (0: as many as free GPU memory allows; 4 on the CPU; "
        "1: one at a time).",
    )
    job_batch_size: int = Field(
        4, ge=1, le=16, description="Most queued generation jobs a worker draws together in one batch (1: never)."
    )
    job_batch_wait_seconds: float = Field(
        0.05, ge=0, le=2, description="How long a worker waits for compatible jobs to join a batch before drawing."
    )
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
    comfyui_models_dir: Path | None = Field(
        None,
        description="The ComfyUI server's models folder when it can be read from here: its files' model families "
        "are then checked against the checkpoint's, and control models chosen by family.",
    )
    database_url: str | None = Field(
        None, description="Studio database, e.g. postgresql://user@host/db; default SQLite in data_dir."
    )
    redis_url: str | None = Field(
        None, description="Redis for the job queue and events (scaled); unset: SQLite queue, in-process worker."
    )
    secret_key: str | None = Field(None, description="Django secret key; default: one made once and kept in data_dir.")
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost"], description="Host names the server answers to."
    )
    auto_login: bool = Field(
        False,
        description="Sign requests from this machine in as the local author (`serve --auto-login`, 127.0.0.1 only).",
    )
    https: bool = Field(False, description="The studio is reached over HTTPS: Secure cookies and HSTS.")
    proxy_ssl_header: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9-]+$",
        description="Header by which a trusted reverse proxy says a request came over HTTPS (value `https`), "
        "e.g. X-Forwarded-Proto; implies `https`.",
    )
    hsts_seconds: int = Field(31_536_000, ge=0, description="HSTS max-age sent over HTTPS (0: no HSTS header).")
    trusted_proxy_count: int = Field(
        0, ge=0, le=10, description="Reverse proxies in front of the server that append to X-Forwarded-For."
    )
    login_failure_limit: int = Field(5, ge=1, description="Failed sign-ins per account or address before a lock-out.")
    login_lockout_minutes: float = Field(15.0, gt=0, description="How long a lock-out after failed sign-ins lasts.")
    upload_max_bytes: int = Field(20 * 1024 * 1024, gt=0, description="Largest image upload, in bytes.")
    upload_max_pixels: int = Field(40_000_000, gt=0, description="Largest image upload, in pixels (width x height).")
    model_upload_max_bytes: int = Field(
        2 * 1024**3,
        gt=0,
        description="Largest .safetensors upload, in bytes (LoRAs fit; put checkpoints in a model folder or raise it).",
    )
    job_lease_seconds: float = Field(
        30.0, gt=0, description="A running job whose worker sends no sign of life for this long is taken back."
    )
    job_max_attempts: int = Field(3, ge=1, description="Tries a job gets when its workers keep dying.")
    max_active_jobs_per_author: int = Field(
        20, ge=0, description="Jobs one author may have queued or running at once (0: no limit)."
    )
    max_job_work: float = Field(
        2_000,
        ge=0,
        description="Largest generation job, in work units: megapixels (of 1024x1024) x steps x candidates "
        "(0: no limit).",
    )
    max_daily_work_per_author: float = Field(
        50_000, ge=0, description="Work units one author may submit in any 24 hours (0: no limit)."
    )
    max_prompt_chars: int = Field(
        8_000,
        ge=1,
        le=PROMPT_MAX_CHARS,
        description="Longest prompt or negative prompt a submitted job may carry, once composed, in characters.",
    )
    storage_quota_bytes: int = Field(
        10 * 1024**3,
        ge=0,
        description="Most bytes of stored files one author's uploads, images and exports may use (0: no limit).",
    )
    storage_gc_grace_seconds: float = Field(
        3600.0, ge=0, description="Unreferenced stored files younger than this are kept (a job may be writing them)."
    )
    storage_gc_interval_seconds: float = Field(
        3600.0, gt=0, description="How often the server frees stored files no row refers to any more."
    )

    @field_validator("model_dirs", mode="before")
    @classmethod
    def _split_path_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part for part in value.split(":") if part]
        return value

    @field_validator("warmup_sizes", mode="before")
    @classmethod
    def _split_sizes(cls, value: object) -> object:
        if isinstance(value, str):
            return [_parse_size(part.strip()) for part in value.split(",") if part.strip()]
        return value

    @field_validator("warmup_sizes")
    @classmethod
    def _check_sizes(cls, value: list[tuple[int, int]]) -> list[tuple[int, int]]:
        for width, height in value:
            if not (64 <= width <= 4096 and 64 <= height <= 4096 and width % 8 == 0 and height % 8 == 0):
                raise ValueError(
                    f"{width}x{height} is not a panel size: each side must be a multiple of 8 from 64 to 4096"
                )
        if len(value) > 8:
            raise ValueError("at most 8 warm-up sizes (each one costs start-up time)")
        return value

    @field_validator("comfyui_urls", "allowed_hosts", mode="before")
    @classmethod
    def _split_url_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def served_over_https(self) -> bool:
        """True when browsers reach the studio over HTTPS (directly or through a proxy that says so)."""
        return self.https or bool(self.proxy_ssl_header)

    @property
    def models_dir(self) -> Path:
        """Where the studio keeps checkpoints, LoRAs and control models it manages."""
        return self.data_dir / "models"

    @property
    def huggingface_cache_dir(self) -> Path:
        """Hub downloads land here unless ``HF_HOME`` says otherwise."""
        return self.data_dir / "huggingface"

    @property
    def training_dir(self) -> Path:
        """Training datasets and the runs' working folders (checkpoints to resume from)."""
        return self.data_dir / "training"

    @property
    def compile_cache_dir(self) -> Path:
        """Compiled kernels and saved compile artifacts of the accelerated engine."""
        return self.data_dir / "compile-cache"

    @property
    def files_dir(self) -> Path:
        """Uploaded and generated files of the studio server (content-addressed)."""
        return self.data_dir / "files"

    @property
    def scaled(self) -> bool:
        """True when jobs go through Redis to separate worker processes."""
        return bool(self.redis_url)

    def model_search_dirs(self) -> list[Path]:
        """Folders searched, in order, when a request names a model file by name."""
        return [self.models_dir, *self.model_dirs]


def _parse_size(text: str) -> tuple[int, int]:
    """``"832x1216"`` -> (832, 1216); anything else is a ValueError naming the expected form."""
    width, separator, height = text.lower().partition("x")
    if not separator or not width.strip().isdigit() or not height.strip().isdigit():
        raise ValueError(f"{text!r} is not a size: write WIDTHxHEIGHT, e.g. 1024x1024")
    return int(width), int(height)
