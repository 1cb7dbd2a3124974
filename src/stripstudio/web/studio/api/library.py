"""The model library: checkpoints, LoRAs, VAEs, control models, IP-Adapters and image encoders to pick from.

Files in the server's model folders are shared by every author (the server's owner puts them
there); model files an author uploaded are theirs alone. Entries carry names, never server paths.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import Http404
from ninja import Query, Router, Schema

from stripstudio.engines.comfyui.server_models import list_server_models
from stripstudio.engines.diffusers.locate import BUILTIN_IDS
from stripstudio.jobs.storage import stored_name, stored_path
from stripstudio.modelfiles import BadModelFile
from stripstudio.models.families import Family, Kind, detect_file
from stripstudio.models.library import LibraryModel
from stripstudio.production.model_inventory import BUILTIN_FAMILIES, model_library
from stripstudio.web.studio import models
from stripstudio.web.studio.api.access import mine
from stripstudio.web.studio.api.files import stream_file

router = Router(tags=["models"])
# New files hashed per listing, so that a request stays short however large the model folders are.
LISTING_HASH_BUDGET = 1024**3


class ModelOut(Schema):
    """A model the author can pick: by ``name`` in styles, characters and panels."""

    name: str
    kind: str
    family: str
    family_label: str
    source: str
    size: int
    sha256: str
    trigger_words: list[str]
    base_model: str
    description: str
    preview_url: str | None
    asset_id: int | None = None


@router.get("/models", response=list[ModelOut])
def list_library(
    request,
    kind: str | None = Query(None, max_length=40),
    family: str | None = Query(None, max_length=40),
    q: str = Query("", max_length=200),
):
    """Every model the studio can use, filtered by ``kind``, ``family`` and words of ``q`` (name, trigger words)."""
    studio = settings.STRIPSTUDIO
    shared = model_library(studio, LISTING_HASH_BUDGET).models(kind=kind, family=family, query=q)
    entries = [_out(model, "library") for model in shared]
    entries += [_out(model, "built-in") for model in _builtins() if _matches(model, kind, family, q)]
    entries += [entry for entry in _uploads(request) if _matches(entry, kind, family, q)]
    if studio.default_engine == "comfyui":
        for url, listed in list_server_models(studio.comfyui_urls, studio.comfyui_models_dir).items():
            entries += [_out(model, f"server {url}") for model in listed if _matches(model, kind, family, q)]
    return entries


@router.get("/models/preview", response={200: None})
def model_preview(request, name: str = Query(..., max_length=1000)):
    """The preview picture of library model ``name`` (a sidecar next to the file)."""
    studio = settings.STRIPSTUDIO
    for model in model_library(studio).models():
        if model.name == name and model.preview:
            return stream_file(Path(model.preview))
    raise Http404("no preview for that model")


def _builtins() -> list[LibraryModel]:
    return [LibraryModel(ref, "built-in", BUILTIN_FAMILIES[ref], "", 0) for ref in sorted(BUILTIN_IDS)]


def _uploads(request) -> list[ModelOut]:
    entries = []
    for asset in mine(request, models.Asset).filter(kind=models.Asset.Kind.MODEL):
        try:
            found = detect_file(stored_path(stored_name(asset.file)))
        except (BadModelFile, OSError):
            continue
        model = LibraryModel(
            name=asset.name,
            kind=found.kind.value if found.kind is not Kind.UNKNOWN else "unknown",
            family="" if found.family is Family.UNKNOWN else found.family.value,
            path="",
            size=asset.size,
            sha256=asset.sha256,
        )
        entries.append(_out(model, "upload", asset_id=asset.pk))
    return entries


def _matches(model: LibraryModel | ModelOut, kind: str | None, family: str | None, q: str) -> bool:
    words = q.casefold().split()
    text = f"{model.name} {' '.join(model.trigger_words)}".casefold()
    return (
        (kind is None or model.kind == kind)
        and (family is None or model.family == family)
        and all(word in text for word in words)
    )


def _out(model: LibraryModel, source: str, asset_id: int | None = None) -> ModelOut:
    label = Family(model.family).label if model.family else ""
    preview = f"/api/models/preview?name={quote(model.name)}" if model.preview else None
    return ModelOut(
        name=model.name,
        kind=model.kind,
        family=model.family,
        family_label=label,
        source=source,
        size=model.size,
        sha256=model.sha256,
        trigger_words=model.trigger_words,
        base_model=model.base_model,
        description=model.description,
        preview_url=preview,
        asset_id=asset_id,
    )
