"""Uploaded model files: only sound ``.safetensors`` files are accepted (see :func:`clean_model_file`)."""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from stripstudio.modelfiles import BadModelFile, classify_model_file, read_safetensors_header
from stripstudio.uploads.limits import DEFAULT_LIMITS, UploadLimits, UploadRejected, check_byte_size
from stripstudio.uploads.names import safe_filename

_PICKLE_ADVICE = (
    "pickle-based checkpoints can run arbitrary code when they are loaded, so they are not accepted; "
    "convert the model to .safetensors and upload that file"
)
_PICKLE_SUFFIXES = {".ckpt", ".pt", ".pth", ".bin", ".pkl", ".pickle", ".joblib", ".mar"}
_CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class CleanModelFile:
    """An accepted ``.safetensors`` file: its hash, size, tensor count and what it looks like it holds."""

    sha256: str
    size: int
    tensor_count: int
    kind: str  # checkpoint, lora, vae, controlnet or unknown (see stripstudio.modelfiles)


def clean_model_file(
    source: IO[bytes] | Path | bytes,
    *,
    filename: str,
    field: str = "file",
    limits: UploadLimits = DEFAULT_LIMITS,
) -> CleanModelFile:
    """Check an uploaded model or LoRA: only a sound ``.safetensors`` file is accepted.

    ``filename`` is the name the client sent; it decides only whether the file claims to be
    ``.safetensors`` (pickle-based ``.ckpt``/``.pt``/``.bin``/``.pth`` files are refused). The
    content is then checked: no pickle or ZIP inside, and a header that
    :func:`stripstudio.modelfiles.read_safetensors_header` accepts. A :class:`~pathlib.Path` is
    checked where it lies; a stream or bytes is copied to a temporary file that is removed
    afterwards. Streams are read to the end in chunks (seek back to reuse them) and hashed as
    they go, so the file never has to fit in memory. Raises :class:`UploadRejected`.
    """
    _check_model_name(filename, field)
    if isinstance(source, Path):
        check_byte_size(source.stat().st_size, limits.model_max_bytes, field, "upload a smaller model file")
        with source.open("rb") as handle:
            digest, size = _hash_stream(handle, None, field, limits)
        return _check_model(source, digest, size, field)
    stream = io.BytesIO(source) if isinstance(source, (bytes, bytearray, memoryview)) else source
    with tempfile.TemporaryDirectory(prefix="stripstudio-upload-") as folder:
        copy = Path(folder) / "upload.safetensors"
        with copy.open("wb") as sink:
            digest, size = _hash_stream(stream, sink, field, limits)
        return _check_model(copy, digest, size, field)


def _check_model_name(filename: str, field: str) -> None:
    shown = safe_filename(filename, default_stem="the file")
    suffix = Path(re.split(r"[/\\]", filename or "")[-1]).suffix.lower()
    if suffix == ".safetensors":
        return
    if suffix in _PICKLE_SUFFIXES:
        raise UploadRejected(field, f"{shown} is a pickle-based checkpoint ({suffix}); {_PICKLE_ADVICE}")
    raise UploadRejected(
        field, f"{shown} is not a .safetensors file; only .safetensors model files are accepted, so convert it first"
    )


def _hash_stream(stream: IO[bytes], sink: IO[bytes] | None, field: str, limits: UploadLimits) -> tuple[str, int]:
    """SHA-256 and size of the stream, read in chunks (copied to ``sink`` if given); checks the size and magic."""
    digest = hashlib.sha256()
    size, prefix = 0, b""
    while chunk := stream.read(_CHUNK_BYTES):
        size += len(chunk)
        check_byte_size(size, limits.model_max_bytes, field, "upload a smaller model file")
        if len(prefix) < 9:
            prefix += chunk[: 9 - len(prefix)]
            if len(prefix) == 9:
                _check_magic(prefix, field)
        digest.update(chunk)
        if sink is not None:
            sink.write(chunk)
    check_byte_size(size, limits.model_max_bytes, field, "upload a smaller model file")
    return digest.hexdigest(), size


def _check_magic(prefix: bytes, field: str) -> None:
    """Refuse a pickle or ZIP (a PyTorch checkpoint) renamed to ``.safetensors``."""
    if prefix[8:9] == b"{":  # the safetensors shape: an 8-byte header length, then the JSON header
        return
    if prefix[:1] == b"\x80" and prefix[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise UploadRejected(field, f"the file is named .safetensors but holds a pickle; {_PICKLE_ADVICE}")
    if prefix[:4] == b"PK\x03\x04":
        raise UploadRejected(
            field, f"the file is named .safetensors but holds a ZIP archive (a PyTorch checkpoint); {_PICKLE_ADVICE}"
        )


def _check_model(path: Path, digest: str, size: int, field: str) -> CleanModelFile:
    """Check the ``.safetensors`` header of the file at ``path`` and describe the file."""
    try:
        header = read_safetensors_header(path)
    except (BadModelFile, OSError) as error:
        detail = str(error).removeprefix(f"{path}: ")
        raise UploadRejected(field, f"{detail}; upload a complete, unmodified .safetensors file") from error
    tensors = sum(1 for name in header if name != "__metadata__")
    if tensors == 0:
        raise UploadRejected(field, "the .safetensors file holds no tensors, so it is not a model; check the file")
    return CleanModelFile(sha256=digest, size=size, tensor_count=tensors, kind=classify_model_file(header))
