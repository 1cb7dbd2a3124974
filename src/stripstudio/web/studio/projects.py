"""Whole comics in and out of the database: comic scripts and project zips (script + files + picks)."""

from __future__ import annotations

import io
import json
from pathlib import PurePosixPath

from PIL import Image

from stripstudio import domain
from stripstudio.jobs.storage import store_bytes, stored_path
from stripstudio.production.project_archive import ProjectFiles, file_fields, write_project_archive
from stripstudio.script.writer import dump_comic
from stripstudio.uploads import CleanImage, CleanModelFile, UploadLimits, clean_image, clean_model_file
from stripstudio.web.studio import models
from stripstudio.web.studio.api.server_paths import check_comic
from stripstudio.web.studio.convert import character_spec, comic_spec, domain_comic, panel_spec

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
    """Create a comic from a read project zip; its files are checked like uploads (call in a transaction).

    Every file is checked before the first one is stored, so a refused project leaves no file behind.
    """
    comic = project.comic
    checked = {path: _checked(path, data, limits) for path, data in project.files.items()}
    for panel_id, data in project.picked.items():  # refuse anything that is not a sound picture
        clean_image(data, field=f"picked/{panel_id}.png", limits=limits)
    assets = {path: _asset(owner, path, data, checked[path]) for path, data in project.files.items()}
    for field in file_fields(comic):
        if field.path in assets and assets[field.path].kind == models.Asset.Kind.MODEL:
            field.replace(assets[field.path].name)
    row = create_comic(owner, comic, assets)
    for index, panel in enumerate(row.panels.all()):
        data = project.picked.get(comic.panel_id(index))
        if data is not None:
            _picked_image(owner, panel, data)
    return row


def create_comic(owner, comic: domain.Comic, assets: dict[str, models.Asset]) -> models.Comic:
    """Rows for a domain comic whose file fields name keys of ``assets`` (422 if it names server paths)."""
    check_comic(comic)
    row = models.Comic.objects.create(owner=owner, title=comic.title, spec=comic_spec(comic))
    for position, character in enumerate(comic.characters):
        made = models.Character.objects.create(
            owner=owner, comic=row, name=character.name, position=position, spec=character_spec(character)
        )
        made.reference_images.set([assets[path] for path in character.reference_images])
    for position, panel in enumerate(comic.panels):
        made = models.Panel.objects.create(
            owner=owner,
            comic=row,
            position=position,
            spec=panel_spec(panel),
            sketch=assets[panel.sketch] if panel.sketch else None,
        )
        models.Bubble.objects.bulk_create(
            models.Bubble(owner=owner, panel=made, position=i, spec=b.model_dump(mode="json"))
            for i, b in enumerate(panel.bubbles)
        )
    return row


def _checked(path: str, data: bytes, limits: UploadLimits) -> CleanImage | CleanModelFile:
    """A file of the project checked like an upload (UploadRejected naming its path)."""
    if path.lower().endswith(".safetensors"):
        return clean_model_file(data, filename=PurePosixPath(path).name, field=path, limits=limits)
    return clean_image(data, field=path, limits=limits)


def _asset(owner, path: str, data: bytes, checked: CleanImage | CleanModelFile) -> models.Asset:
    display = PurePosixPath(path).name
    if isinstance(checked, CleanModelFile):
        name, sha256 = store_bytes(data, ".safetensors")
        return models.Asset.objects.create(
            owner=owner, kind=models.Asset.Kind.MODEL, file=name, name=display, sha256=sha256, size=checked.size
        )
    name, sha256 = store_bytes(checked.data, checked.extension)
    return models.Asset.objects.create(
        owner=owner,
        kind=models.Asset.Kind.IMAGE,
        file=name,
        name=display,
        sha256=sha256,
        size=len(checked.data),
        width=checked.width,
        height=checked.height,
    )


def _picked_image(owner, panel: models.Panel, data: bytes) -> None:
    """A picked image from a project (already checked): kept as it is (its PNG metadata tells how it was drawn)."""
    with Image.open(io.BytesIO(data)) as image:
        parameters = _request_in(image.info)
        size = image.size
    seed = parameters.get("seed")
    seed = seed if isinstance(seed, int) and 0 <= seed < 2**32 else 0  # metadata from anyone: a number or nothing
    name, _sha = store_bytes(data, ".png")
    models.GeneratedImage.objects.create(
        owner=owner,
        panel=panel,
        candidate=0,
        file=name,
        seed=seed,
        width=size[0],
        height=size[1],
        parameters=parameters,
        picked=True,
    )


def _request_in(info: dict) -> dict:
    try:
        request = json.loads(info.get("stripstudio", "{}"))
        json.dumps(request, allow_nan=False)  # 1e400 or NaN load as floats that no JSON column can hold
    except (TypeError, ValueError):
        return {}
    return request if isinstance(request, dict) else {}


def script_files(comic: domain.Comic) -> list[str]:
    """The fields of a comic that name files (a script imported on its own cannot bring them)."""
    return [field.name for field in file_fields(comic)]
