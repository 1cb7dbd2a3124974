"""Comic scripts and project zips: export a comic, import one as a new comic."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.db import transaction
from django.http import HttpResponse
from ninja import File, Router, Status, UploadedFile
from ninja.errors import HttpError

from stripstudio.domain.comic import readable_path
from stripstudio.production.export_comic import file_stem
from stripstudio.production.project_archive import ProjectArchiveError, open_project_archive
from stripstudio.production.project_archive.script_zip import is_script_zip, pack_script_zip
from stripstudio.script.errors import ScriptError
from stripstudio.script.loader import load_comic_text
from stripstudio.uploads import UploadRejected
from stripstudio.web.studio import models
from stripstudio.web.studio.api.access import owned
from stripstudio.web.studio.api.assets import upload_limits
from stripstudio.web.studio.api.files import stream_file
from stripstudio.web.studio.api.schemas import ComicOut
from stripstudio.web.studio.api.serialize import comic_out
from stripstudio.web.studio.api.validation import invalid
from stripstudio.web.studio.projects import (
    archive_limits,
    comic_script,
    create_comic,
    import_project,
    script_files,
    write_project,
)
from stripstudio.web.studio.quota import check_storage

router = Router(tags=["scripts and projects"])
MAX_SCRIPT_BYTES = 4 * 1024 * 1024


@router.get("/comics/{comic_id}/script", response={200: str})
def export_script(request, comic_id: int):
    """The comic as a comic script (YAML), as the command line renders it."""
    row = owned(request, models.Comic, comic_id)
    response = HttpResponse(comic_script(row), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_stem(row.title)}.yaml"'
    return response


@router.post("/comics/import-script", response={201: ComicOut})
def import_script(request, file: File[UploadedFile]):
    """A new comic from a comic script (YAML) without files; use a project zip to bring sketches along."""
    if file.size and file.size > MAX_SCRIPT_BYTES:
        raise invalid("file", f"a comic script may be at most {MAX_SCRIPT_BYTES} bytes")
    try:
        text = file.read(MAX_SCRIPT_BYTES + 1).decode("utf-8")
        comic = load_comic_text(text, filename=file.name or "comic.yaml", base_dir="/nonexistent", check_files=False)
    except UnicodeDecodeError:
        raise invalid("file", "the script is not UTF-8 text; save it as UTF-8") from None
    except ScriptError as error:
        raise invalid("file", str(error)) from None
    named = script_files(comic)
    if named:
        raise invalid(
            "file",
            f"{readable_path(named[0])}: a script alone cannot bring the file it names: import a zip of the "
            "script's folder "
            "(the script and the files it names), or a project zip",
        )
    with transaction.atomic():
        row = create_comic(request.user, comic, {})
    return Status(201, comic_out(row))


@router.get("/comics/{comic_id}/project", response={200: bytes})
def export_project(request, comic_id: int):
    """The comic's project zip: script, sketches, reference images and picked images."""
    row = owned(request, models.Comic, comic_id)
    handle, name = tempfile.mkstemp(suffix=".zip", prefix="stripstudio-project-")
    os.close(handle)
    try:
        write_project(row, Path(name))
    except ProjectArchiveError as error:  # a field names a file the studio does not hold (a font or LoRA path)
        Path(name).unlink(missing_ok=True)
        raise HttpError(422, str(error)) from None
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return stream_file(Path(name), f"{file_stem(row.title)}.stripstudio.zip", delete=True)


@router.post("/comics/import-project", response={201: ComicOut})
def import_project_zip(request, file: File[UploadedFile]):
    """A new comic from a project zip, or from a zip of a script's folder (the script and the files it
    names); every file in it is checked like an upload."""
    check_storage(request.user.pk, file.size or 0, what="the project")
    limits = upload_limits()
    try:
        with tempfile.TemporaryFile(prefix="stripstudio-project-") as packed:
            source = file.file or b""
            if not isinstance(source, bytes) and is_script_zip(source):
                pack_script_zip(source, packed, archive_limits(limits))
                packed.seek(0)
                source = packed
            with open_project_archive(source, archive_limits(limits)) as project, transaction.atomic():
                row = import_project(request.user, project, limits)
    except ProjectArchiveError as error:
        raise invalid("file", str(error)) from None
    except UploadRejected as error:  # a file inside the zip: name the zip's form field, and the entry in the message
        raise invalid("file", f"{error.field}: {error.message}") from None
    return Status(201, comic_out(row))
