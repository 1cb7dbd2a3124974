"""A whole comic project in one zip file, to move it between studios (web, CLI, scripts).

A project archive holds:

- ``comic.yaml``: the comic script, in the canonical form the script writer produces;
- ``assets/<sha256[:16]><ext>``: every file the comic refers to (panel sketches, character
  reference images, LoRA and font files given by path), named after their content, with the
  script rewritten to point at them;
- ``picked/<panel id>.png``: the picture picked for each panel, where there is one;
- ``project.json``: the format name and version, when and by which stripstudio it was written,
  and the size and SHA-256 of every other entry.

What is not a file of the project stays as written: LoRAs given by bare name (looked up in the
model folders), font family names, and the checkpoint and VAE, which are studio-wide models.

``write_project_archive`` packs a Comic (``writing``). ``open_project_archive`` checks an archive
from anyone before inflating any file it holds (no path escapes, no zip bombs, no symlinks, every
entry listed in ``project.json``, script validated; see ``limits`` and ``reading``) and streams the
files the comic names one at a time; ``read_project_archive`` reads them all into a
``ProjectFiles``. ``pack_script_folder`` and ``unpack_project`` (``unpacking``) do the same from
and to a folder holding a script, so ``stripstudio render folder/comic.yaml`` works on an
unpacked project. Every problem raises ``ProjectArchiveError`` naming the entry or field and what
to do about it.
"""

from stripstudio.production.project_archive.fields import (
    ASSETS_DIR,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST_ENTRY,
    PICKED_DIR,
    PNG_SIGNATURE,
    SCRIPT_ENTRY,
    FileField,
    ProjectArchiveError,
    asset_name,
    file_fields,
    picked_entry,
)
from stripstudio.production.project_archive.limits import ArchiveLimits
from stripstudio.production.project_archive.reading import (
    ProjectFiles,
    ProjectReader,
    open_project_archive,
    read_project_archive,
)
from stripstudio.production.project_archive.unpacking import unpack_project
from stripstudio.production.project_archive.writing import pack_script_folder, write_project_archive

__all__ = [
    "ASSETS_DIR",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MANIFEST_ENTRY",
    "PICKED_DIR",
    "PNG_SIGNATURE",
    "SCRIPT_ENTRY",
    "ArchiveLimits",
    "FileField",
    "ProjectArchiveError",
    "ProjectFiles",
    "ProjectReader",
    "asset_name",
    "file_fields",
    "open_project_archive",
    "pack_script_folder",
    "picked_entry",
    "read_project_archive",
    "unpack_project",
    "write_project_archive",
]
