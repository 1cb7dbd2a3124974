"""``stripstudio``: render comics, generate images, inspect models and the machine."""

from __future__ import annotations

import typer

from stripstudio.cli import dataset, doctor, export, generate, models, render, serve, storage, train, workflow

app = typer.Typer(
    name="stripstudio",
    help="Turn a written story into a consistent, lettered comic with Stable Diffusion XL.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve.serve)
app.command("worker")(serve.worker)
app.command("openapi")(serve.openapi)
app.command("render")(render.render)
app.command("generate")(generate.generate)
app.command("export")(export.export)
app.command("pick")(export.pick)
app.command("train")(train.train)
app.add_typer(models.app, name="models")
app.add_typer(workflow.app, name="workflow")
app.add_typer(storage.app, name="storage")
app.add_typer(dataset.app, name="dataset")
app.command("doctor")(doctor.doctor)


def main() -> None:
    """Entry point of the ``stripstudio`` console script."""
    app()
