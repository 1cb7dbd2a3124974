"""Upload size limits enforced while the request body streams in, before a file is written in full.

Two layers use the same rule (:func:`cap_for`): the largest upload a URL and a file name allow.

* :class:`BodyLimit` wraps the ASGI application. Django's ASGI handler spools the whole body
  to a temporary file before any view runs, so this layer refuses a body with 413 as soon as
  it passes the cap: from its ``Content-Length`` at once, or while counting the bytes as they
  arrive. It reads the file name from the multipart headers at the start of the body.
* :class:`LimitedUploadHandler` runs first among Django's upload handlers and stops a file as
  soon as it passes its cap, closing (and so deleting) the temporary file Django was writing.

Pictures may be ``STRIPSTUDIO_UPLOAD_MAX_BYTES``, ``.safetensors`` model files
``STRIPSTUDIO_MODEL_UPLOAD_MAX_BYTES``, project zips twenty pictures' worth; the message names
the limit and the setting that raises it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler

from stripstudio.settings import StudioSettings
from stripstudio.uploads.limits import UploadRejected, human_size
from stripstudio.web.config import studio_settings

PROJECT_IMPORT_PATH = "/api/comics/import-project"
FORM_OVERHEAD = 1024 * 1024
"""Bytes a multipart body may carry beside its file: boundaries, headers and small form fields."""

_MODEL_SUFFIXES = (".safetensors", ".ckpt", ".pt", ".pth", ".bin")
_FILENAME = re.compile(rb'filename="([^"\r\n]*)"')
_HEAD_BYTES = 64 * 1024


class UploadTooLarge(UploadRejected):
    """An upload passed its size limit while it was arriving; answered with 413."""


@dataclass(frozen=True)
class UploadCap:
    """The largest size an upload may have, what it is, and the setting that raises it."""

    limit: int
    what: str
    setting: str

    def refusal(self, field: str) -> UploadTooLarge:
        """The 413 refusal naming the limit and the setting."""
        exact = f" ({self.limit} bytes)" if self.limit >= 1024 else ""
        return UploadTooLarge(
            field,
            f"{self.what} may be at most {human_size(self.limit)}{exact} and this upload passed that limit; "
            f"upload a smaller file, or raise {self.setting} on the server",
        )


def cap_for(path: str, filename: str | None, studio: StudioSettings) -> UploadCap:
    """The cap for a file uploaded to ``path`` under ``filename`` (None when not known yet: the largest)."""
    if path.rstrip("/") == PROJECT_IMPORT_PATH:
        return UploadCap(studio.upload_max_bytes * 20, "a project zip", "STRIPSTUDIO_UPLOAD_MAX_BYTES (times 20)")
    model = UploadCap(studio.model_upload_max_bytes, "a model file", "STRIPSTUDIO_MODEL_UPLOAD_MAX_BYTES")
    picture = UploadCap(studio.upload_max_bytes, "a picture", "STRIPSTUDIO_UPLOAD_MAX_BYTES")
    if filename is None:
        return max(model, picture, key=lambda cap: cap.limit)
    return model if filename.lower().endswith(_MODEL_SUFFIXES) else picture


class LimitedUploadHandler(FileUploadHandler):
    """Stops an uploaded file as soon as it passes its cap; list it first in ``FILE_UPLOAD_HANDLERS``."""

    cap: UploadCap

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        """Pick the cap for this file by the URL and its name."""
        super().new_file(field_name, file_name, *args, **kwargs)
        assert self.request is not None  # Django always gives upload handlers the request
        self.cap = cap_for(self.request.path, file_name, studio_settings())

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        """Pass the chunk on, or refuse the upload once it is past the cap."""
        if start + len(raw_data) > self.cap.limit:
            assert self.request is not None
            for handler in self.request.upload_handlers:  # the temporary file goes as it is closed
                if handler is not self and hasattr(handler, "file"):
                    handler.file.close()
            raise self.cap.refusal(self.field_name)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        """The file itself is kept by the next handlers."""
        return None


class BodyLimit:
    """ASGI middleware: answers 413 as soon as a request body passes the cap for its URL."""

    def __init__(self, app: Any, studio: StudioSettings) -> None:
        self.app = app
        self.studio = studio

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Run the application with a ``receive`` that counts the body and stops it at the cap."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        guard = _BodyGuard(scope, self.studio, receive)
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > guard.cap.limit + FORM_OVERHEAD:
            await _too_large(send, guard.cap)
            return
        try:
            await self.app(scope, guard.receive, send)
        except UploadTooLarge:  # raised while the body was read, before any response was started
            await _too_large(send, guard.cap)


class _BodyGuard:
    """Counts the body as it arrives; raises UploadTooLarge once it passes the cap of its file."""

    def __init__(self, scope: dict[str, Any], studio: StudioSettings, receive: Any) -> None:
        self.path, self.studio, self._receive = scope.get("path", ""), studio, receive
        self.multipart = _header(scope, b"content-type").startswith("multipart/form-data")
        self.cap = cap_for(self.path, None, studio) if self.multipart else _plain_body_cap(studio)
        self.count = 0
        self.head = b""

    async def receive(self) -> dict[str, Any]:
        """The next ASGI message, after counting its body."""
        message = await self._receive()
        if message.get("type") == "http.request":
            body = message.get("body", b"")
            self.count += len(body)
            if self.multipart and len(self.head) < _HEAD_BYTES:
                self.head += body[: _HEAD_BYTES - len(self.head)]
                found = _FILENAME.search(self.head)
                if found:
                    self.cap = cap_for(self.path, found.group(1).decode("utf-8", "replace"), self.studio)
            if self.count > self.cap.limit + FORM_OVERHEAD:
                raise self.cap.refusal("file")
        return message


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1").strip().lower()
    return ""


def _plain_body_cap(studio: StudioSettings) -> UploadCap:
    """A body that carries no file (JSON, a plain form) is never larger than a picture upload."""
    return UploadCap(studio.upload_max_bytes, "a request without a file", "STRIPSTUDIO_UPLOAD_MAX_BYTES")


async def _too_large(send: Any, cap: UploadCap) -> None:
    error = cap.refusal("file")
    body = json.dumps({"detail": [{"loc": ["body", "file"], "msg": error.message, "type": "upload"}]}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
