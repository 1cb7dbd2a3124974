"""Whole comics in and out of the database: comic scripts and project zips (script + files + picks)."""

from __future__ import annotations

import io
import json
from pathlib import PurePosixPath

from PIL import Image

from stripstudio import domain
from stripstudio.production.project_archive import ProjectFiles, file_fields, write_project_archive
from stripstudio.script.writer import dump_comic
from stripstudio.web.studio import models
from stripstudio.web.studio.convert import character_spec, comic_spec, domain_comic, panel_spec
from stripstudio.web.studio.storage import store_bytes, stored_path
from stripstudio.web.uploads import UploadLimits, clean_image, clean_model_file

ASSET_FOLDER = "assets"


def archive_name(asset: models.Asset) -> str:
    """The path of an asset inside a project zip or next to an exported script."""
    return f"{ASSET_FOLDER}/{asset.sha256[:16]}{PurePosixPath(asset.file.name).suffix}"


def comic_script(row: models.Comic) -> str:
    """The comic as a script (YAML); files are named as they are in the comic's project zip."""
    return dump_comic(domain_comic(row, archive_name, check=False))


def write_project(row: models.Comic, destination) -> None:
    """Write the comic's project zip: script, the files it names and each panel's picked image."""
    files = {archive_name(a): a for a in _assets_of(row)}
    comic = domain_comic(row, archive_name, check=False)
    picked = {}
    for index, panel in enumerate(row.panels.all()):
        image = panel.images.filter(picked=True).first()
        if image is not None:
            picked[comic.panel_id(index)] = stored_path(image.file.name).read_bytes()
    write_project_archive(
        comic, destination, read_file=lambda path: stored_path(files[path].file.name).read_bytes(), picked=picked
    )


def _assets_of(row: models.Comic) -> list[models.Asset]:
    assets = [p.sketch for p in row.panels.select_related("sketch") if p.sketch_id]
    for character in row.characters.prefetch_related("reference_images"):
        assets += list(character.reference_images.all())
    return assets


def import_project(owner, project: ProjectFiles, limits: UploadLimits) -> models.Comic:
    """Create a comic from a read project zip; its files are checked like uploads (call in a transaction)."""
    comic = project.comic
    assets = {path: _asset(owner, path, data, limits) for path, data in project.files.items()}
    for field in file_fields(comic):
        if field.path in assets and assets[field.path].kind == models.Asset.Kind.MODEL:
            field.replace(assets[field.path].name)
    row = create_comic(owner, comic, assets)
    for index, panel in enumerate(row.panels.all()):
        data = project.picked.get(comic.panel_id(index))
        if data is not None:
            _picked_image(owner, panel, data, limits)
    return row


def create_comic(owner, comic: domain.Comic, assets: dict[str, models.Asset]) -> models.Comic:
    """Rows for a domain comic whose file fields name keys of ``assets``."""
    row = models.Comic.objects.create(owner=owner, title=comic.title, spec=comic_spec(comic))
    for position, character in enumerate(comic.characters):
        made = models.Character.objects.create(
            owner=owner, comic=row, name=character.name, position=position, spec=character_spec(character)
        )
        made.reference_images.set([assets[path] for path in character.reference_images])
    for position, panel in enumerate(comic.panels):
        made = models.Panel.objects.create(
            owner=owner, comic=row, position=position, spec=panel_spec(panel),
            sketch=assets[panel.sketch] if panel.sketch else None,
        )
        models.Bubble.objects.bulk_create(
            models.Bubble(owner=owner, panel=made, position=i, spec=b.model_dump(mode="json"))
            for i, b in enumerate(panel.bubbles)
        )
    return row


def _asset(owner, path: str, data: bytes, limits: UploadLimits) -> models.Asset:
    display = PurePosixPath(path).name
    if path.lower().endswith(".safetensors"):
        checked = clean_model_file(data, filename=display, field=path, limits=limits)
        name, sha256 = store_bytes(data, ".safetensors")
        return models.Asset.objects.create(
            owner=owner, kind=models.Asset.Kind.MODEL, file=name, name=display, sha256=sha256, size=checked.size
        )
    image = clean_image(data, field=path, limits=limits)
    name, sha256 = store_bytes(image.data, image.extension)
    return models.Asset.objects.create(
        owner=owner, kind=models.Asset.Kind.IMAGE, file=name, name=display, sha256=sha256, size=len(image.data),
        width=image.width, height=image.height,
    )


def _picked_image(owner, panel: models.Panel, data: bytes, limits: UploadLimits) -> None:
    """A picked image from a project: kept as it is (its PNG metadata tells how it was drawn)."""
    clean_image(data, field=f"picked/{panel.pk}", limits=limits)  # refuse anything that is not a sound picture
    with Image.open(io.BytesIO(data)) as image:
        parameters = _request_in(image.info)
        size = image.size
    name, _sha = store_bytes(data, ".png")
    models.GeneratedImage.objects.create(
        owner=owner, panel=panel, candidate=0, file=name, seed=int(parameters.get("seed", 0)), width=size[0],
        height=size[1], parameters=parameters, picked=True,
    )


def _request_in(info: dict) -> dict:
    try:
        return json.loads(info.get("stripstudio", "{}"))
    except (TypeError, ValueError):
        return {}


def script_files(comic: domain.Comic) -> list[str]:
    """The fields of a comic that name files (a script imported on its own cannot bring them)."""
    return [field.name for field in file_fields(comic)]

