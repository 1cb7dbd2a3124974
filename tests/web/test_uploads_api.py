"""``POST /api/assets`` end to end: what is accepted is stored content-addressed and cleaned; what is refused
is a 4xx naming the ``file`` field with advice, and leaves no row and no file behind.

Requests go through Django's test client; multipart bodies are built with httpx so the file name reaches the
server exactly as a hostile client would send it (Django's client would strip the path from it).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import pickle
import struct
import zlib
from pathlib import Path

import httpx
import numpy as np
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.asgi import get_asgi_application
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo
from safetensors.numpy import save as save_safetensors

from stripstudio.jobs.storage import object_name
from stripstudio.settings import StudioSettings
from stripstudio.web.studio import models
from stripstudio.web.upload_limits import FORM_OVERHEAD, BodyLimit

# Building files -----------------------------------------------------------------------------------------------


def png_bytes(image: Image.Image, **options: object) -> bytes:
    """``image`` saved as PNG."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **options)
    return buffer.getvalue()


def noise(width: int = 32, height: int = 24, seed: int = 0) -> Image.Image:
    """A picture of random RGB pixels (does not compress, so sizes are predictable)."""
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    return Image.fromarray(pixels, "RGB")


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk with its length and CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def one_bit_png(width: int, height: int) -> bytes:
    """A real, complete 1-bit black PNG of any size, built row by row without holding the pixels."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def with_ihdr_size(png: bytes, width: int, height: int) -> bytes:
    """The PNG with its header claiming another size (CRC fixed); the pixel data is left as it was."""
    fields = bytearray(png[16:29])
    fields[0:8] = struct.pack(">II", width, height)
    return png[:8] + png_chunk(b"IHDR", bytes(fields)) + png[33:]


def safetensors_bytes() -> bytes:
    """A small, sound .safetensors file (a LoRA-looking tensor)."""
    return save_safetensors({"lora_unet_down.lora_down.weight": np.ones((4, 2), dtype=np.float32)})


def photo_with_gps_and_text() -> bytes:
    """A PNG carrying an EXIF block with a GPS position and camera make, and a text chunk."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 36.0)
    info = PngInfo()
    info.add_text("Comment", "my home address")
    data = png_bytes(noise(), pnginfo=info, exif=exif)
    with Image.open(io.BytesIO(data)) as check:  # the metadata really is there before the upload
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
        assert check.info["Comment"] == "my home address"
    return data


# Requests -----------------------------------------------------------------------------------------------------


@pytest.fixture
def api(client, db):
    """Django's test client signed in as a new author."""
    client.force_login(get_user_model().objects.create_user("uploader", password="a long enough secret 42"))
    return client


def upload(api, filename: str, data: bytes, kind: str | None = "image", content_type: str = "image/png", **fields):
    """POST a multipart upload with exactly this file name; returns the response."""
    form = {"kind": kind, **fields} if kind else fields
    request = httpx.Request(
        "POST", "http://testserver/api/assets", files={"file": (filename, data, content_type)}, data=form
    )
    return api.post("/api/assets", data=request.read(), content_type=request.headers["content-type"])


def download(api, url: str) -> bytes:
    """The body of a (possibly streamed) download."""
    response = api.get(url)
    assert response.status_code == 200, response.content[:500]
    if not response.streaming:
        return response.content

    async def read(chunks) -> bytes:
        return b"".join([chunk async for chunk in chunks])

    return asyncio.run(read(response.streaming_content))


def storage_files() -> set[str]:
    """Every file under the studio's storage folder, relative to it."""
    root = django_settings.STRIPSTUDIO.files_dir
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def assert_refused(response, *fragments: str, status: int = 400) -> str:
    """A refusal naming the ``file`` field; every fragment appears in its message. Returns the message."""
    assert response.status_code == status, (response.status_code, response.content[:1000])
    assert response["content-type"].startswith("application/json")
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["body", "file"], problem
    for fragment in fragments:
        assert fragment in problem["msg"], problem["msg"]
    return problem["msg"]


# Refused uploads store nothing --------------------------------------------------------------------------------


def _truncated_png() -> bytes:
    whole = png_bytes(noise(64, 64))
    return whole[: len(whole) // 2]


REFUSED = {
    # name: (file name, bytes builder, kind, what the message must say)
    "decompression bomb": (
        "bomb.png",
        lambda: one_bit_png(20_000, 20_000),
        "image",
        ("too many pixels", "scale it down"),
    ),
    "30000x30000 header": (
        "huge.png",
        lambda: with_ihdr_size(png_bytes(Image.new("1", (8, 8))), 30_000, 30_000),
        "image",
        ("too many pixels", "scale it down"),
    ),
    "over the pixel limit": (
        "big.png",
        lambda: one_bit_png(7000, 7000),
        "image",
        ("40-megapixel limit", "scale it down"),
    ),
    "truncated png": ("cut.png", _truncated_png, "image", ("damaged or cut short", "re-upload")),
    "html named png": (
        "page.png",
        lambda: b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "image",
        ("HTML text", "upload a picture saved as PNG, JPEG or WebP"),
    ),
    "svg named png": (
        "drawing.png",
        lambda: b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"></svg>',
        "image",
        ("SVG drawing", "upload a picture saved as PNG, JPEG or WebP"),
    ),
    "empty file": ("nothing.png", lambda: b"", "image", ("empty", "re-upload")),
    "safetensors as image": (
        "lora.png",
        safetensors_bytes,
        "image",
        ("not a PNG, JPEG or WebP", "upload a picture saved as PNG"),
    ),
    "pickle checkpoint": (
        "model.ckpt",
        lambda: pickle.dumps({"state_dict": {"w": [1.0, 2.0]}}),
        "model",
        ("pickle-based checkpoint", "can run arbitrary code", "convert the model to .safetensors"),
    ),
    "pickle named safetensors": (
        "model.safetensors",
        lambda: pickle.dumps({"w": list(range(100))}, protocol=4),
        "model",
        ("holds a pickle", "convert the model to .safetensors"),
    ),
    "picture as model": (
        "photo.png",
        lambda: png_bytes(noise()),
        "model",
        ("not a .safetensors file", "convert it first"),
    ),
    "truncated safetensors": (
        "cut.safetensors",
        lambda: safetensors_bytes()[:-5],
        "model",
        ("upload a complete, unmodified",),
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_upload_is_a_clear_4xx_and_stores_nothing(api, case):
    filename, build, kind, fragments = REFUSED[case]
    data = build()
    assert len(data) < 2_000_000  # every hostile file here is cheap to send
    files_before, rows_before = storage_files(), models.Asset.objects.count()

    response = upload(api, filename, data, kind=kind)

    assert_refused(response, *fragments)
    assert models.Asset.objects.count() == rows_before
    assert storage_files() == files_before


def test_upload_over_the_byte_limit_from_settings_is_refused(api, settings):
    settings.STRIPSTUDIO = settings.STRIPSTUDIO.model_copy(update={"upload_max_bytes": 1000})
    data = png_bytes(noise(64, 64))
    assert len(data) > 1000
    files_before = storage_files()

    message = assert_refused(upload(api, "photo.png", data), "limit", "smaller", status=413)

    assert "1000" in message or "1000 bytes" in message
    assert not models.Asset.objects.exists() and storage_files() == files_before


def test_model_over_the_byte_limit_from_settings_is_refused(api, settings):
    data = safetensors_bytes()
    settings.STRIPSTUDIO = settings.STRIPSTUDIO.model_copy(update={"model_upload_max_bytes": len(data) - 1})
    files_before = storage_files()

    assert_refused(
        upload(api, "lora.safetensors", data, kind="model"), "at most 127 bytes", "upload a smaller file", status=413
    )

    assert not models.Asset.objects.exists() and storage_files() == files_before


def test_upload_over_the_pixel_limit_from_settings_is_refused(api, settings):
    settings.STRIPSTUDIO = settings.STRIPSTUDIO.model_copy(update={"upload_max_pixels": 500})
    files_before = storage_files()

    assert_refused(upload(api, "photo.png", png_bytes(noise(32, 24))), "32×24", "scale it down")

    assert not models.Asset.objects.exists() and storage_files() == files_before
    settings.STRIPSTUDIO = settings.STRIPSTUDIO.model_copy(update={"upload_max_pixels": 32 * 24})
    assert upload(api, "photo.png", png_bytes(noise(32, 24))).status_code == 201  # the limit is inclusive


def test_upload_needs_a_file_and_a_known_kind(api):
    missing = api.post("/api/assets", data={"kind": "image"})
    assert missing.status_code == 422 and any(d["loc"][-1] == "file" for d in missing.json()["detail"])
    wrong_kind = upload(api, "a.png", png_bytes(noise()), kind="font")
    assert wrong_kind.status_code == 422 and any(d["loc"][-1] == "kind" for d in wrong_kind.json()["detail"])
    assert not models.Asset.objects.exists()


def test_upload_needs_a_signed_in_author(client, db):
    request = httpx.Request("POST", "http://testserver/api/assets", files={"file": ("a.png", png_bytes(noise()))})
    response = client.post("/api/assets", data=request.read(), content_type=request.headers["content-type"])
    assert response.status_code == 401
    assert not models.Asset.objects.exists()


# Accepted uploads ---------------------------------------------------------------------------------------------


def test_path_in_the_file_name_is_only_shown_never_used(api):
    data = png_bytes(noise(16, 16, seed=3))
    root = Path(django_settings.STRIPSTUDIO.files_dir)
    files_before = storage_files()

    response = upload(api, "../../etc/passwd.png", data)

    assert response.status_code == 201, response.content
    asset = response.json()
    assert asset["name"] == "passwd.png" and asset["kind"] == "image"
    row = models.Asset.objects.get(pk=asset["id"])
    stored = download(api, asset["url"])
    assert row.file.name == object_name(hashlib.sha256(stored).hexdigest(), ".png")  # named by content only
    assert asset["sha256"] == hashlib.sha256(stored).hexdigest()
    assert storage_files() - files_before == {row.file.name}
    assert (root / row.file.name).resolve().is_relative_to(root.resolve())
    upload_temp = Path(django_settings.FILE_UPLOAD_TEMP_DIR)
    for base in (root, root / "objects", root / row.file.name, upload_temp, Path.cwd()):
        assert not (base / "../../etc/passwd.png").resolve().exists()


def test_same_picture_twice_is_stored_once(api):
    data = png_bytes(noise(16, 16, seed=9))
    first = upload(api, "one.png", data).json()
    files_after_first = storage_files()
    second = upload(api, "two.png", data).json()
    assert first["id"] != second["id"] and first["sha256"] == second["sha256"]
    assert (first["name"], second["name"]) == ("one.png", "two.png")
    assert storage_files() == files_after_first


def test_picture_metadata_is_gone_from_the_stored_file(api):
    source = photo_with_gps_and_text()

    response = upload(api, "holiday.png", source)

    assert response.status_code == 201, response.content
    asset = response.json()
    assert (asset["width"], asset["height"]) == (32, 24)
    served = api.get(asset["url"])
    assert served["content-type"] == "image/png" and served["x-content-type-options"] == "nosniff"
    stored = download(api, asset["url"])
    assert asset["size"] == len(stored) and asset["sha256"] == hashlib.sha256(stored).hexdigest()
    assert b"SecretCam" not in stored and b"home address" not in stored
    with Image.open(io.BytesIO(stored)) as picture:
        picture.load()
        assert not picture.getexif() and not picture.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert not {"Comment", "exif", "icc_profile", "xmp"} & set(picture.info)
        assert np.array_equal(np.asarray(picture.convert("RGB")), np.asarray(noise()))  # same pixels


def test_sound_safetensors_is_accepted_byte_for_byte(api):
    data = safetensors_bytes()
    files_before = storage_files()

    response = upload(api, "My LoRA.safetensors", data, kind="model", content_type="application/octet-stream")

    assert response.status_code == 201, response.content
    asset = response.json()
    assert asset["kind"] == "model" and asset["name"] == "My LoRA.safetensors"
    assert (asset["size"], asset["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    assert asset["width"] is None and asset["height"] is None
    assert storage_files() - files_before == {object_name(asset["sha256"], ".safetensors")}
    served = api.get(asset["url"])
    assert "attachment" in served["content-disposition"] and "My LoRA.safetensors" in served["content-disposition"]
    assert download(api, asset["url"]) == data
    listed = api.get("/api/assets?kind=model").json()
    assert [a["id"] for a in listed] == [asset["id"]]


def test_uploads_belong_to_their_author(api):
    asset = upload(api, "mine.png", png_bytes(noise())).json()
    other = Client()
    other.force_login(get_user_model().objects.create_user("someone-else", password="a long enough secret 42"))
    assert other.get(f"/api/assets/{asset['id']}").status_code == 404
    assert other.get(asset["url"]).status_code == 404
    assert other.delete(f"/api/assets/{asset['id']}").status_code == 404
    assert other.get("/api/assets").json() == []
    their_comic = other.post("/api/comics", {"title": "Theirs"}, content_type="application/json").json()

    attached = upload(api, "into.png", png_bytes(noise(seed=5)), comic_id=str(their_comic["id"]))

    assert attached.status_code == 404  # another author's comic is "not found", and nothing is kept
    assert models.Asset.objects.count() == 1


# Size limits while the body streams in ------------------------------------------------------------------------


class RecordingHandler(FileUploadHandler):
    """An upload handler after the limit that records how many bytes of a file reached it."""

    received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        RecordingHandler.received = max(RecordingHandler.received, start + len(raw_data))
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@pytest.fixture
def recorded(settings):
    """Upload handlers as configured, with a RecordingHandler right after the limit."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # every file goes to a temporary file, as a large one would
    settings.FILE_UPLOAD_HANDLERS = [
        settings.FILE_UPLOAD_HANDLERS[0],
        f"{__name__}.RecordingHandler",
        *settings.FILE_UPLOAD_HANDLERS[1:],
    ]
    RecordingHandler.received = 0
    return RecordingHandler


def _leftovers() -> list[Path]:
    return sorted(Path(django_settings.FILE_UPLOAD_TEMP_DIR).rglob("*"))


@pytest.mark.parametrize(
    ("filename", "kind", "setting", "data"),
    [
        ("big.png", "image", "STRIPSTUDIO_UPLOAD_MAX_BYTES", lambda: png_bytes(noise(400, 300))),
        (
            "big.safetensors",
            "model",
            "STRIPSTUDIO_MODEL_UPLOAD_MAX_BYTES",
            lambda: safetensors_bytes() + bytes(400_000),
        ),
    ],
)
def test_an_oversized_upload_is_stopped_at_its_limit_and_leaves_nothing(
    api, settings, recorded, filename, kind, setting, data
):
    settings.STRIPSTUDIO = settings.STRIPSTUDIO.model_copy(
        update={"upload_max_bytes": 100_000, "model_upload_max_bytes": 150_000}
    )
    limit = 100_000 if kind == "image" else 150_000
    body = data()
    assert len(body) > 2 * limit
    files_before, temp_before = storage_files(), _leftovers()

    message = assert_refused(upload(api, filename, body, kind=kind), f"({limit} bytes)", setting, status=413)

    assert message.startswith(f"a {'picture' if kind == 'image' else 'model file'} may be at most"), message
    assert 0 < recorded.received <= limit  # the next handlers never got the bytes past the limit
    assert storage_files() == files_before
    assert _leftovers() == temp_before
    assert not models.Asset.objects.exists()


def test_the_model_upload_limit_defaults_to_two_gibibytes():
    assert StudioSettings().model_upload_max_bytes == 2 * 1024**3


def _multipart_chunks(filename: str, size: int, chunk: int = 64 * 1024):
    head = (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="' + filename.encode() + b'"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
    )
    yield head
    for _ in range(size // chunk):
        yield bytes(chunk)
    yield b"\r\n--XyZ--\r\n"


@pytest.mark.parametrize(
    ("filename", "setting"),
    [("big.png", "STRIPSTUDIO_UPLOAD_MAX_BYTES"), ("big.safetensors", "STRIPSTUDIO_MODEL_UPLOAD_MAX_BYTES")],
)
def test_the_asgi_layer_answers_413_before_the_body_is_spooled_in_full(db, settings, filename, setting):
    studio = settings.STRIPSTUDIO.model_copy(update={"upload_max_bytes": 100_000, "model_upload_max_bytes": 300_000})
    application = BodyLimit(get_asgi_application(), studio)
    chunks = _multipart_chunks(filename, 50 * 1024**2)
    pulled = 0
    sent: list[dict] = []

    async def receive():
        nonlocal pulled
        body = next(chunks)
        pulled += len(body)
        return {"type": "http.request", "body": body, "more_body": True}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/assets",
        "headers": [(b"content-type", b"multipart/form-data; boundary=XyZ"), (b"host", b"127.0.0.1")],
        "query_string": b"",
    }
    asyncio.run(application(scope, receive, send))

    limit = 100_000 if filename.endswith(".png") else 300_000
    assert sent[0]["status"] == 413
    assert setting in json.loads(sent[1]["body"])["detail"][0]["msg"]
    assert pulled <= limit + FORM_OVERHEAD + 64 * 1024  # stopped within a chunk of the cap, not 50 MiB


def test_the_asgi_layer_refuses_a_declared_length_past_every_cap_at_once(db, settings):
    studio = settings.STRIPSTUDIO.model_copy(update={"upload_max_bytes": 100_000, "model_upload_max_bytes": 300_000})
    pulled = []

    async def receive():
        pulled.append(1)
        return {"type": "http.request", "body": b"", "more_body": False}

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    headers = [(b"content-length", str(8 * 1024**3).encode()), (b"content-type", b"multipart/form-data; boundary=XyZ")]
    scope = {"type": "http", "method": "POST", "path": "/api/assets", "headers": headers, "query_string": b""}
    asyncio.run(BodyLimit(get_asgi_application(), studio)(scope, receive, send))

    assert sent[0]["status"] == 413 and not pulled
    assert "STRIPSTUDIO_MODEL_UPLOAD_MAX_BYTES" in json.loads(sent[1]["body"])["detail"][0]["msg"]


def test_the_asgi_layer_caps_a_body_without_a_file_at_the_picture_limit(db, settings):
    studio = settings.STRIPSTUDIO.model_copy(update={"upload_max_bytes": 100_000, "model_upload_max_bytes": 300_000})
    sent: list[dict] = []
    pulled = 0

    async def receive():
        nonlocal pulled
        pulled += 64 * 1024
        return {"type": "http.request", "body": b" " * (64 * 1024), "more_body": True}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/comics",
        "headers": [(b"content-type", b"application/json")],
        "query_string": b"",
    }
    asyncio.run(BodyLimit(get_asgi_application(), studio)(scope, receive, send))

    assert sent[0]["status"] == 413
    assert "a request without a file may be at most" in json.loads(sent[1]["body"])["detail"][0]["msg"]
    assert pulled <= 100_000 + FORM_OVERHEAD + 64 * 1024
