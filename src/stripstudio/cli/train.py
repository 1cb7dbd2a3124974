"""``stripstudio train``: a character LoRA from a folder of photos, with a live progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from stripstudio.cli.cancelling import cancel_on_ctrl_c
from stripstudio.cli.common import console, user_errors
from stripstudio.cli.dataset import dataset_errors
from stripstudio.cli.environment import load_settings
from stripstudio.training.spec import SavedEpoch, TrainingProgress, TrainingSettings


def _default(text: str, field: str) -> str:
    """Option help ending in the setting's default, read from :class:`TrainingSettings`."""
    return f"{text} (default {TrainingSettings.model_fields[field].default})."


class TrainingProgressBar:
    """One bar over the whole training: step/total, epoch, loss, it/s, ETA and GPU memory.

    Where the output is not a terminal, each step is printed as a line ``train: step N/TOTAL …``.
    """

    def __init__(self, console: Console, total_steps: int):
        self.console = console
        self.progress = Progress(
            TextColumn("[bold]train"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"),
            TimeRemainingColumn(),
            console=console,
        )
        self.task = self.progress.add_task("train", total=total_steps, status="loading the model")

    def __enter__(self) -> TrainingProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def on_progress(self, event: TrainingProgress) -> None:
        """Show one optimizer step."""
        for note in event.notes:
            self.console.print(f"[yellow]note:[/] {note}")
        status = (
            f"epoch {event.epoch}/{event.epochs}  loss {event.loss:.4f}  {event.steps_per_second:.2f} it/s"
            f"  ETA {event.eta_seconds:.0f} s"
        )
        if event.gpu_memory_bytes is not None:
            status += f"  GPU {event.gpu_memory_bytes / 2**30:.1f} GiB"
        if not self.console.is_terminal:
            self.console.print(f"train: step {event.step}/{event.total_steps}  {status}", markup=False)
        self.progress.update(self.task, completed=event.step, total=event.total_steps, status=status)

    def on_epoch_saved(self, saved: SavedEpoch) -> None:
        """Say where an epoch's LoRA went."""
        self.console.print(f"[green]saved[/] epoch {saved.epoch} (step {saved.step}): {saved.path}")


def train(
    dataset_dir: Annotated[Path, typer.Argument(help="Folder of photos (with .txt captions) or a kohya img/ folder.")],
    trigger: Annotated[str | None, typer.Option(help="The word that calls the character, e.g. rc_test.")] = None,
    class_word: Annotated[str | None, typer.Option("--class", help="What the character is, e.g. man.")] = None,
    model: Annotated[
        str | None, typer.Option(help="SDXL checkpoint: built-in id, .safetensors, folder or hub id.")
    ] = None,
    model_config: Annotated[Path | None, typer.Option(help="Config folder of a single-file checkpoint.")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the LoRA files and the resume state.")] = Path(
        "lora-training"
    ),
    repeats: Annotated[
        int | None, typer.Option(help="Times each image is seen per epoch (default: the folder name's, else 20).")
    ] = None,
    epochs: Annotated[int | None, typer.Option(help=_default("Epochs", "epochs"))] = None,
    save_every: Annotated[
        int | None, typer.Option(help=_default("Write a LoRA every N epochs", "save_every_n_epochs"))
    ] = None,
    rank: Annotated[int | None, typer.Option(help=_default("LoRA rank, network_dim", "network_dim"))] = None,
    alpha: Annotated[float | None, typer.Option(help=_default("LoRA alpha, network_alpha", "network_alpha"))] = None,
    dropout: Annotated[float | None, typer.Option(help=_default("LoRA dropout", "network_dropout"))] = None,
    lr: Annotated[float | None, typer.Option(help=_default("UNet learning rate", "unet_lr"))] = None,
    text_encoder_lr: Annotated[
        float | None, typer.Option(help=_default("Text-encoder learning rate", "text_encoder_lr"))
    ] = None,
    train_text_encoders: Annotated[bool, typer.Option(help="Also train LoRAs on both text encoders.")] = False,
    resolution: Annotated[
        int | None, typer.Option(help=_default("Training side in pixels, a multiple of 64", "resolution"))
    ] = None,
    batch_size: Annotated[int | None, typer.Option(help=_default("Images per step", "batch_size"))] = None,
    lr_scheduler: Annotated[
        str | None, typer.Option(help=_default("constant, cosine or linear", "lr_scheduler"))
    ] = None,
    memory_profile: Annotated[
        str | None,
        typer.Option(
            help=_default("default; low for GPUs of 12 GB or less: half weights, 8-bit Adam", "memory_profile")
        ),
    ] = None,
    mixed_precision: Annotated[
        str | None, typer.Option(help=_default("bf16, fp16 or no; CUDA only", "mixed_precision"))
    ] = None,
    seed: Annotated[int | None, typer.Option(help=_default("Random seed", "seed"))] = None,
    device: Annotated[str | None, typer.Option(help="cuda, cpu … (default from settings).")] = None,
) -> None:
    """Train an SDXL character LoRA on DATASET_DIR into OUT; Ctrl-C stops, running it again resumes.

    Unset options take the defaults of the thesis' best character LoRA (docs/training.md).
    """
    from stripstudio.production.model_inventory import model_locator
    from stripstudio.training.buckets import planned_steps
    from stripstudio.training.dataset import load_dataset
    from stripstudio.training.trainer import train as run_training

    studio = load_settings()
    given = {
        "model_config_dir": str(model_config) if model_config else None,
        "resolution": resolution,
        "network_dim": rank,
        "network_alpha": alpha,
        "network_dropout": dropout,
        "unet_lr": lr,
        "text_encoder_lr": text_encoder_lr,
        "lr_scheduler": lr_scheduler,
        "memory_profile": memory_profile,
        "mixed_precision": mixed_precision,
        "batch_size": batch_size,
        "epochs": epochs,
        "save_every_n_epochs": save_every,
        "seed": seed,
    }
    with (
        dataset_errors(),
        user_errors(kept=f"running the same command again resumes from the last saved epoch in {out}"),
    ):
        dataset = load_dataset(dataset_dir, trigger=trigger, class_word=class_word, repeats=repeats)
        settings = TrainingSettings.model_validate(
            {
                "model": model or studio.default_model,
                "train_text_encoders": train_text_encoders,
                **{name: value for name, value in given.items() if value is not None},
            }
        )
        total = planned_steps(dataset, settings.resolution, settings.batch_size, settings.epochs)
        console.print(
            f"{len(dataset.images)} images × {dataset.repeats} repeats × {settings.epochs} epochs"
            + (" × 2 (regularisation)" if dataset.regularisation else "")
            + f" / batch {settings.batch_size} = {total} steps"
        )
        locator = model_locator(studio)
        with cancel_on_ctrl_c() as cancel, TrainingProgressBar(console, total) as bar:
            saved = run_training(
                dataset,
                settings,
                out,
                on_progress=bar.on_progress,
                on_epoch_saved=bar.on_epoch_saved,
                should_stop=cancel.is_set,
                device=device or studio.device,
                locator=locator,
            )
    console.print(f"[green]done[/]: {len(saved)} LoRA file(s) in {out}; the last is {saved[-1].path}")
