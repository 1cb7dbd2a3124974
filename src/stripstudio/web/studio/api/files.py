"""Downloads of stored files, after the owner check of the view that calls them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO

from asgiref.sync import sync_to_async
from django.http import Http404, StreamingHttpResponse
from django.utils.http import content_disposition_header

from stripstudio.jobs.storage import stored_path

CHUNK = 256 * 1024
CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".cbz": "application/vnd.comicbook+zip",
    ".zip": "application/zip",
    ".safetensors": "application/octet-stream",
}


def file_response(storage_name: str, download_name: str | None = None) -> StreamingHttpResponse:
    """The stored file as a response (attachment when ``download_name`` is given); 404 if it is gone."""
    path = stored_path(storage_name)
    if not path.is_file():
        raise Http404("the file is no longer stored")
    return stream_file(path, download_name)


def stream_file(path: Path, download_name: str | None = None, *, delete: bool = False) -> StreamingHttpResponse:
    """``path`` streamed in chunks without holding the server's event loop (``delete`` it afterwards)."""
    response = StreamingHttpResponse(
        _chunks(path, delete), content_type=CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
    )
    response["Content-Length"] = str(path.stat().st_size)
    disposition = "attachment" if download_name is not None else "inline"
    response["Content-Disposition"] = (
        content_disposition_header(disposition == "attachment", download_name or path.name) or disposition
    )
    response["Cache-Control"] = "private, max-age=31536000, immutable"  # content-addressed: never changes
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _open_binary(path: Path) -> BinaryIO:
    return open(path, "rb")  # noqa: SIM115 - closed by the generator that streams it


async def _chunks(path: Path, delete: bool) -> AsyncIterator[bytes]:
    handle = await sync_to_async(_open_binary, thread_sensitive=False)(path)
    read = sync_to_async(handle.read, thread_sensitive=False)
    try:
        while chunk := await read(CHUNK):
            yield chunk
    finally:
        handle.close()
        if delete:
            path.unlink(missing_ok=True)
