"""``stripstudio dataset prepare|import|export``: training datasets in kohya's folder layout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from stripstudio.cli.common import console, err_console
from stripstudio.training.dataset import (
    MODES,
    DatasetError,
    PreparationReport,
    ProgressCallback,
    export_kohya,
    import_kohya,
    prepare_dataset,
)

app = typer.Typer(
    help="Prepare, import and export character training datasets (kohya sd-scripts' folder layout).",
    no_args_is_help=True,
)

OutOption = Annotated[Path, typer.Option("--out", "-o", help="The new dataset folder (must not exist or be empty).")]


@app.command("prepare")
def prepare(
    src_dir: Annotated[Path, typer.Argument(help="Folder of 10-100 photos of the character.", file_okay=False)],
    out: OutOption,
    trigger: Annotated[str, typer.Option(help="The word that will call the character, e.g. rc_test.")],
    class_word: Annotated[str, typer.Option("--class", help="What the character is, e.g. man.")],
    mode: Annotated[str, typer.Option(help="face-crop: squares around the face; buckets: keep aspect ratios.")] = (
        "face-crop"
    ),
    resolution: Annotated[int, typer.Option(help="Side of the square (or bucket area's side), px.")] = 1024,
    repeats: Annotated[int, typer.Option(help="How often each image is seen per epoch.")] = 20,
    reg: Annotated[Path | None, typer.Option(help="Folder of regularisation photos of the class.")] = None,
) -> None:
    """Prepare photos as a training dataset: checked, oriented, cropped, flagged and captioned."""
    if mode not in MODES:
        raise typer.BadParameter(f"use one of {', '.join(MODES)}", param_hint="--mode")
    for folder, option in ((src_dir, "SRC_DIR"), (reg, "--reg")):
        if folder is not None and not folder.is_dir():
            raise typer.BadParameter(f"{folder} is not a folder", param_hint=option)
    with dataset_errors(), _progress_bar() as on_progress:
        report = prepare_dataset(
            [src_dir],
            out,
            trigger=trigger,
            class_word=class_word,
            mode=mode,  # checked against MODES above
            resolution=resolution,
            repeats=repeats,
            regularisation=[reg] if reg else [],
            on_progress=on_progress,
        )
    summarise(report)


@app.command("import")
def import_(
    kohya_dir: Annotated[Path, typer.Argument(help="A kohya dataset folder (img/REPEATS_TRIGGER CLASS/...).")],
    out: OutOption,
) -> None:
    """Import a kohya-layout dataset: every image checked, its caption kept."""
    with dataset_errors():
        report = import_kohya(kohya_dir, out)
    summarise(report)


@app.command("export")
def export(
    dataset_dir: Annotated[Path, typer.Argument(help="A dataset folder made by `dataset prepare` or `import`.")],
    out: OutOption,
) -> None:
    """Write a dataset as a kohya folder (img/REPEATS_TRIGGER CLASS/ and reg/1_CLASS/) for sd-scripts."""
    with dataset_errors():
        written = export_kohya(dataset_dir, out)
    console.print(f"[green]kohya dataset written to[/] {escape(str(written))}", highlight=False)


@contextmanager
def dataset_errors() -> Iterator[None]:
    """Print a :class:`DatasetError` as ``field: message`` and exit with status 1."""
    try:
        yield
    except DatasetError as error:
        err_console.print(f"[red]{escape(error.field)}:[/] {escape(error.message)}", highlight=False)
        raise typer.Exit(1) from None


@contextmanager
def _progress_bar() -> Iterator[ProgressCallback]:
    progress = Progress(
        TextColumn("[bold]preparing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[name]}"),
        TimeElapsedColumn(),
        console=console,
    )
    task = progress.add_task("prepare", total=None, name="")

    def on_progress(done: int, total: int, name: str) -> None:
        progress.update(task, completed=done, total=total, name=name)
        if not console.is_terminal:
            console.print(f"prepared {done}/{total}: {name}", markup=False)

    with progress:
        yield on_progress


def summarise(report: PreparationReport) -> None:
    """Print the dataset written, a table of flagged images and one of files left out."""
    dataset = report.dataset
    console.print(
        f"[green]{len(dataset.images)} image(s)[/] and {len(dataset.regularisation)} regularisation image(s) in "
        f"{escape(str(report.directory))}: trigger [bold]{escape(dataset.trigger)}[/], "
        f"class [bold]{escape(dataset.class_word)}[/], "
        f"{dataset.repeats} repeats",
        highlight=False,
    )
    flagged = report.flagged()
    if flagged:
        table = Table("image", "flags", title="Flagged: check these before training")
        for name, flags in flagged.items():
            table.add_row(escape(name), escape(", ".join(flags)))
        console.print(table)
    if report.problems:
        table = Table("file", "why it was left out", title="Not used", title_style="red")
        for problem in report.problems:
            table.add_row(escape(problem.file), escape(problem.reason))
        console.print(table)
