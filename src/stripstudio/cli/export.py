"""``stripstudio export`` and ``stripstudio pick``: from chosen panels to a publishable episode."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stripstudio.cli.common import console, user_errors
from stripstudio.export import EpisodeExport
from stripstudio.production.export_comic import export_comic, pick_candidate
from stripstudio.script import load_comic

FORMATS_HELP = "Comma-separated: webtoon (upload slices), png (one tall strip), pdf, cbz. Default: all for a webtoon."


def parse_formats(value: str | None) -> set[str] | None:
    """``"webtoon, pdf"`` -> {"webtoon", "pdf"}; None stays None (the layout's own formats)."""
    if value is None:
        return None
    return {part.strip().lower() for part in value.split(",") if part.strip()}


def export(
    script: Annotated[Path, typer.Argument(help="Comic script (YAML).", exists=True, dir_okay=False)],
    render_dir: Annotated[Path, typer.Argument(help="Folder written by `stripstudio render`.", file_okay=False)],
    format: Annotated[str | None, typer.Option("--format", "-f", help=FORMATS_HELP)] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder (default RENDER_DIR/export).")] = None,
) -> None:
    """Letter the picked candidate of every panel, lay the panels out and write the episode."""
    with user_errors():
        comic = load_comic(script)
        result = export_comic(
            comic,
            render_dir,
            out,
            parse_formats(format),
            on_panel=lambda panel_id: console.print(f"lettered {panel_id}"),
        )
    report(result)


def pick(
    render_dir: Annotated[Path, typer.Argument(help="Folder written by `stripstudio render`.", file_okay=False)],
    panel: Annotated[str, typer.Argument(help="Panel id.")],
    candidate: Annotated[int, typer.Argument(help="Candidate number, as in candidate-N.png.")],
) -> None:
    """Choose which candidate of PANEL the export uses."""
    with user_errors():
        pick_candidate(render_dir, panel, candidate)
    console.print(f"panel {panel}: candidate {candidate} picked")


def report(result: EpisodeExport) -> None:
    """Say what an export wrote and what it warned about."""
    if result.slices:
        console.print(f"[green]webtoon[/] {len(result.slices)} slice(s) in {result.slices[0].parent}")
    for label, path in (("png", result.strip_png), ("pdf", result.pdf), ("cbz", result.cbz)):
        if path:
            console.print(f"[green]{label}[/] {path}")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
