"""``stripstudio models list|check``: what models the studio can find."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stripstudio.cli.common import console, user_errors
from stripstudio.cli.environment import load_settings
from stripstudio.models.families import Family
from stripstudio.production.model_inventory import check_model, list_models

app = typer.Typer(help="List and check checkpoints, LoRAs and control models.", no_args_is_help=True)


@app.command("list")
def list_command() -> None:
    """Every model found in the model folders and the hub cache, and the built-in ones."""
    settings = load_settings()
    table = Table("kind", "family", "name", "size", "trigger words", "where")
    for column in table.columns[:4]:
        column.no_wrap = True
    table.columns[5].overflow = "fold"
    for entry in list_models(settings):
        size = f"{entry.size / 2**20:,.1f} MB" if entry.size else ""
        family = Family(entry.family).label if entry.family else ""
        table.add_row(entry.kind, family, entry.name, size, ", ".join(entry.trigger_words), entry.path)
    console.print(table)
    console.print(f"Model folders: {', '.join(str(d) for d in settings.model_search_dirs())}")


@app.command("check")
def check_command(
    reference: Annotated[str, typer.Argument(help="Checkpoint id, file, folder or hub id.")],
    kind: Annotated[str, typer.Option(help="checkpoint, lora, vae or control")] = "checkpoint",
    load: Annotated[bool, typer.Option(help="Also load it to prove it works (slow for real models).")] = False,
    model_config: Annotated[Path | None, typer.Option(help="Config folder for a non-standard single file.")] = None,
) -> None:
    """Say whether REFERENCE can be found (and, with --load, loaded), and what to do if not."""
    settings = load_settings()
    with user_errors():
        report = check_model(settings, reference, kind, load=load, config=str(model_config) if model_config else None)
    console.print(f"[green]ok[/] {report}")
