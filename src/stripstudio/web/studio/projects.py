"""Whole comics in and out of the database: comic scripts and project zips (script + files + picks)."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from PIL import Image

from stripstudio import domain
from stripstudio.jobs.storage import store_file, stored_name, stored_path
from stripstudio.production.project_archive import (
    ASSETS_DIR,
    PICKED_DIR,
    ArchiveLimits,
    ProjectReader,
    file_fields,
    picked_entry,
    write_project_archive,
)
from stripstudio.script.writer import dump_comic
from stripstudio.uploads import UploadLimits, UploadRejected, clean_image, clean_model_file
from stripstudio.uploads.limits import human_size
from stripstudio.web.studio import models
from stripstudio.web.studio.api.server_paths import check_comic
from stripstudio.web.studio.convert import character_spec, comic_spec, domain_comic, panel_spec, region_masks

ASSET_FOLDER = ASSETS_DIR


def archive_name(asset: models.Asset) -> str:
    """The path of an asset inside a project zip or next to an exported script."""
    return f"{ASSET_FOLDER}/{asset.sha256[:16]}{PurePosixPath(asset.file.name or '').suffix}"


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
            picked[comic.panel_id(index)] = stored_path(image.file.name or "").read_bytes()
    write_project_archive(
        comic, destination, read_file=lambda path: stored_path(files[path].file.name or "").read_bytes(), picked=picked
    )


def _assets_of(row: models.Comic) -> list[models.Asset]:
    panels = list(row.panels.select_related("sketch"))
    assets = [p.sketch for p in panels if p.sketch is not None]
    assets += [mask for p in panels for mask in region_masks(p)]
    for character in row.characters.prefetch_related("reference_images"):
        assets += list(character.reference_images.all())
    return assets


def archive_limits(limits: UploadLimits) -> ArchiveLimits:
    """What a project zip may unpack to: twenty pictures' worth in all, no file past its upload limit."""
    return ArchiveLimits(
        max_total_bytes=limits.max_bytes * 20, max_entry_bytes=max(limits.max_bytes, limits.model_max_bytes)
    )


def import_project(owner, project: ProjectReader, limits: UploadLimits) -> models.Comic:
    """Create a comic from an open project zip; its files are checked like uploads (call in a transaction).

    Each file the comic names is streamed out of the zip into a staging folder and checked there;
    only when every one has passed is anything stored, so a refused project leaves no file behind
    (the staging folder goes either way).
    """
    comic = project.comic
    with tempfile.TemporaryDirectory(prefix="stripstudio-import-", dir=settings.FILE_UPLOAD_TEMP_DIR) as folder:
        staging = Path(folder)
        (staging / ASSETS_DIR).mkdir()
        (staging / PICKED_DIR).mkdir()
        staged = {path: _staged_file(project, path, staging, limits) for path in project.file_paths}
        picked = {panel_id: _staged_picked(project, panel_id, staging, limits) for panel_id in project.picked_ids}
        assets = {path: _asset(owner, path, file) for path, file in staged.items()}
        for field in file_fields(comic):
            if field.path in assets and assets[field.path].kind == models.Asset.Kind.MODEL:
                field.replace(assets[field.path].name)
        row = create_comic(owner, comic, assets)
        for index, panel in enumerate(row.panels.all()):
            source = picked.get(comic.panel_id(index))
            if source is not None:
                _picked_image(owner, panel, source)
    return row


def create_comic(owner, comic: domain.Comic, assets: dict[str, models.Asset]) -> models.Comic:
    """Rows for a domain comic whose file fields name keys of ``assets`` (422 if it names server paths)."""
    check_comic(comic)
    row = models.Comic.objects.create(owner=owner, title=comic.title, spec=comic_spec(comic))
    for position, character in enumerate(comic.characters):
        made_character = models.Character.objects.create(
            owner=owner, comic=row, name=character.name, position=position, spec=character_spec(character)
        )
        made_character.reference_images.set([assets[path] for path in character.reference_images])
    for position, panel in enumerate(comic.panels):
        made = models.Panel.objects.create(
            owner=owner,
            comic=row,
            position=position,
            spec=panel_spec(_stored_masks(panel, assets)),
            sketch=assets[panel.sketch] if panel.sketch else None,
        )
        models.Bubble.objects.bulk_create(
            models.Bubble(owner=owner, panel=made, position=i, spec=b.model_dump(mode="json"))
            for i, b in enumerate(panel.bubbles)
        )
    return row


def _stored_masks(panel: domain.Panel, assets: dict[str, models.Asset]) -> domain.Panel:
    """The panel with each region mask named by the storage name of its imported picture."""
    if not any(region.mask for region in panel.regions):
        return panel
    regions = [
        region.model_copy(update={"mask": stored_name(assets[region.mask].file)}) if region.mask else region
        for region in panel.regions
    ]
    return panel.model_copy(update={"regions": regions})


@dataclass(frozen=True)
class _Staged:
    """A checked file of a project waiting in the staging folder to be stored (no bytes held in memory)."""

    path: Path
    kind: str
    extension: str
    size: int
    width: int | None = None
    height: int | None = None


def _staged_file(project: ProjectReader, path: str, staging: Path, limits: UploadLimits) -> _Staged:
    """A file of the project streamed out and checked like an upload (UploadRejected naming its path)."""
    target = staging / path  # assets/<name>: a name the archive checks already accepted
    if path.lower().endswith(".safetensors"):
        _check_entry_size(project, path, limits.model_max_bytes, "a model file")
        with target.open("wb") as sink:
            project.copy_entry(path, sink)
        checked = clean_model_file(target, filename=PurePosixPath(path).name, field=path, limits=limits)
        return _Staged(target, models.Asset.Kind.MODEL, ".safetensors", checked.size)
    _check_entry_size(project, path, limits.max_bytes, "a picture")
    image = clean_image(project.read_entry(path), field=path, limits=limits)
    target.write_bytes(image.data)
    return _Staged(target, models.Asset.Kind.IMAGE, image.extension, len(image.data), image.width, image.height)


def _staged_picked(project: ProjectReader, panel_id: str, staging: Path, limits: UploadLimits) -> Path:
    """A picked picture streamed out as it is (its PNG metadata tells how it was drawn), once it decodes soundly."""
    name = picked_entry(panel_id)
    _check_entry_size(project, name, limits.max_bytes, "a picture")
    data = project.read_entry(name)
    image = clean_image(data, field=name, limits=limits)
    if image.format != "png":
        raise UploadRejected(
            name, f"a picked picture must be a PNG, not {image.format.upper()}; export the project again"
        )
    target = staging / name
    target.write_bytes(data)
    return target


def _check_entry_size(project: ProjectReader, path: str, limit: int, kind: str) -> None:
    size = project.entry_size(path)
    if size > limit:
        raise UploadRejected(
            path, f"{kind} of {human_size(size)}, more than the {human_size(limit)} upload limit; make it smaller"
        )


def _asset(owner, path: str, staged: _Staged) -> models.Asset:
    name, sha256 = store_file(staged.path, staged.extension)
    return models.Asset.objects.create(
        owner=owner,
        kind=staged.kind,
        file=name,
        name=PurePosixPath(path).name,
        sha256=sha256,
        size=staged.size,
        width=staged.width,
        height=staged.height,
    )


def _picked_image(owner, panel: models.Panel, source: Path) -> None:
    """A picked image from a project (already checked), stored as it is."""
    with Image.open(source) as image:
        parameters = _request_in(image.info)
        size = image.size
    seed = parameters.get("seed")
    seed = seed if isinstance(seed, int) and 0 <= seed < 2**32 else 0  # metadata from anyone: a number or nothing
    name, _sha = store_file(source, ".png")
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
