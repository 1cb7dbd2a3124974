"""``stripstudio storage``: the studio server's stored files."""

from __future__ import annotations

from typing import Annotated

import typer

from stripstudio.cli.common import console
from stripstudio.cli.environment import load_settings

app = typer.Typer(help="The studio server's stored files (uploads, generated images, exports).", no_args_is_help=True)


@app.command("gc")
def gc(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be freed.")] = False,
    grace: Annotated[
        float | None,
        typer.Option(help="Keep unreferenced files younger than this many seconds (default: the setting)."),
    ] = None,
) -> None:
    """Free stored files that no upload, image, export, comic or job refers to any more."""
    from stripstudio.web.server import prepare

    prepare(load_settings())
    from django.conf import settings

    from stripstudio.web.studio.storage_gc import collect_garbage

    studio = settings.STRIPSTUDIO  # the settings the database and the stored files were set up with
    grace_seconds = studio.storage_gc_grace_seconds if grace is None else grace
    result = collect_garbage(studio.files_dir, grace_seconds, dry_run=dry_run)
    verb = "would free" if dry_run else "freed"
    for name, size in result.removed:
        console.print(f"{verb} {name} ({size} bytes)")
    console.print(
        f"{verb} {len(result.removed)} file(s), {result.freed_bytes} bytes; kept {result.kept_referenced} "
        f"referenced and {result.kept_young} just written"
    )
