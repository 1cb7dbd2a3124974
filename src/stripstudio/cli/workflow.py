"""``stripstudio workflow export``: a panel as a ComfyUI API-format workflow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from stripstudio.cli.common import console, user_errors
from stripstudio.cli.environment import load_settings
from stripstudio.production.panel_request import PanelOverrides
from stripstudio.production.workflow_export import panel_workflow
from stripstudio.script import load_comic

app = typer.Typer(help="ComfyUI workflows of panels.", no_args_is_help=True)


@app.command("export")
def export(
    script: Annotated[Path, typer.Argument(help="Comic script (YAML).", exists=True, dir_okay=False)],
    panel: Annotated[str, typer.Option("--panel", "-p", help="Panel id.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="JSON file (default: print it).")] = None,
    model: Annotated[str | None, typer.Option(help="Checkpoint name as ComfyUI lists it.")] = None,
    comfyui_url: Annotated[str | None, typer.Option(help="Match names to this server's files and check.")] = None,
) -> None:
    """Write the API-format JSON of PANEL (queue it with POST /prompt, or load it in ComfyUI)."""
    settings = load_settings()
    with user_errors():
        comic = load_comic(script)
        graph = panel_workflow(comic, panel, settings, PanelOverrides(model=model), url=comfyui_url)
    text = json.dumps(graph, indent=2)
    if out is None:
        console.print_json(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    console.print(f"[green]wrote[/] {out} ({len(graph)} nodes)")
