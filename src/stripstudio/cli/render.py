"""``stripstudio render``: every panel of a comic script, drawn into a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stripstudio.cli.cancelling import cancel_on_ctrl_c
from stripstudio.cli.common import ModelFamily, console, parse_size, refuse_problems, user_errors
from stripstudio.cli.environment import load_settings, make_engine
from stripstudio.cli.export import FORMATS_HELP, parse_formats, report
from stripstudio.cli.progress import JobProgressBars
from stripstudio.domain import FAST_PROFILES
from stripstudio.production.export_comic import export_comic
from stripstudio.production.panel_request import PanelOverrides
from stripstudio.production.render_comic import plan_problems, plan_render, render_comic
from stripstudio.script import load_comic


def render(
    script: Annotated[Path, typer.Argument(help="Comic script (YAML).", exists=True, dir_okay=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the panels and manifest.json.")],
    model: Annotated[
        str | None, typer.Option(help="Checkpoint: built-in id, .safetensors file, folder or hub id.")
    ] = None,
    model_config: Annotated[
        Path | None,
        typer.Option(help="Diffusers config folder for a single-file checkpoint not shaped like SDXL base."),
    ] = None,
    model_family: Annotated[
        ModelFamily | None,
        typer.Option(help="The checkpoint's family when it cannot be read here (a ComfyUI server's file)."),
    ] = None,
    candidates: Annotated[int | None, typer.Option("--candidates", "-n", min=1, max=16)] = None,
    steps: Annotated[int | None, typer.Option(min=1, max=200)] = None,
    fast: Annotated[
        bool | None,
        typer.Option(
            "--fast/--final", help="Fast drafts with the comic's fast profile, or finals (default: the script's)."
        ),
    ] = None,
    fast_profile: Annotated[
        str | None, typer.Option(help="The fast profile: " + ", ".join(FAST_PROFILES) + ".")
    ] = None,
    size: Annotated[str | None, typer.Option(help="WIDTHxHEIGHT for every panel, e.g. 512x512.")] = None,
    panel: Annotated[list[str] | None, typer.Option("--panel", "-p", help="Only these panel ids (repeatable).")] = None,
    engine: Annotated[str | None, typer.Option(help="Engine: diffusers or comfyui (default from settings).")] = None,
    comfyui_url: Annotated[
        list[str] | None, typer.Option(help="ComfyUI server for --engine comfyui (repeatable: a pool).")
    ] = None,
    export_formats: Annotated[
        str | None, typer.Option("--export", help="Then export: " + FORMATS_HELP + " Into OUT/export.")
    ] = None,
) -> None:
    """Generate the candidates of every panel of SCRIPT into OUT, with a manifest."""
    settings = load_settings(comfyui_urls=comfyui_url or None)
    width, height = parse_size(size) or (None, None)
    with user_errors(kept=f"panels finished before are in {out} (manifest.json)"):
        comic = load_comic(script)
        if fast_profile:
            comic.generation.fast_profile = fast_profile
        overrides = PanelOverrides(
            model=model,
            model_config=str(model_config) if model_config else None,
            model_family=model_family.value if model_family else None,
            candidates=candidates,
            steps=steps,
            width=width,
            height=height,
            fast=fast,
        )
        plan = plan_render(comic, settings.default_model, overrides, only=panel or ())
        engine_instance = make_engine(settings, engine or comic.generation.engine)
        refuse_problems(plan_problems(engine_instance, plan))
        console.print(f"Rendering [bold]{comic.title}[/]: {len(plan)} panel(s) with {engine_instance.name}")
        with cancel_on_ctrl_c() as cancel, JobProgressBars(console) as bars:
            manifest = render_comic(
                comic, engine_instance, out, plan, script=script, on_event=bars.on_event, cancel=cancel
            )
    drawn = sum(len(p.candidates) for p in manifest.panels)
    console.print(f"[green]Wrote {drawn} image(s) for {len(manifest.panels)} panel(s) to {out}[/]")
    if export_formats is not None:
        with user_errors():
            report(export_comic(comic, out, None, parse_formats(export_formats) or None))
