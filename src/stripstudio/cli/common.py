"""Pieces every command shares: the console, error reporting, option parsing."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from stripstudio.export import ExportError
from stripstudio.generation.errors import FieldProblem, GenerationError, JobCancelled
from stripstudio.lettering import LetteringError
from stripstudio.script import ScriptError

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


CANCELLED_EXIT_CODE = 130  # what shells report for a command stopped by Ctrl-C


@contextmanager
def user_errors(kept: str = "") -> Iterator[None]:
    """Print script and generation errors as plain messages and exit with status 1.

    A cancelled job (Ctrl-C) exits with status 130 after one line saying so and, when given,
    what was ``kept``.
    """
    try:
        yield
    except JobCancelled as error:
        text = str(error)
        said = text[len("cancelled") :] if text.lower().startswith("cancelled") else f": {text}"
        err_console.print(f"[yellow]Cancelled[/]{escape(said)}" + (f"; {escape(kept)}" if kept else ""))
        raise typer.Exit(CANCELLED_EXIT_CODE) from None
    except ScriptError as error:
        err_console.print(f"[red]The script has {len(error.problems)} problem(s):[/]")
        for line in str(error).splitlines():
            err_console.print(f"  {line}", markup=False)
        raise typer.Exit(1) from None
    except ValidationError as error:
        for problem in error.errors():
            field = ".".join(str(part) for part in problem["loc"]) or "request"
            err_console.print(f"[red]{field}:[/] {problem['msg']}")
        raise typer.Exit(1) from None
    except (ExportError, LetteringError) as error:
        err_console.print(f"[red]{type(error).__name__}:[/] {error}")
        raise typer.Exit(1) from None
    except GenerationError as error:
        err_console.print(f"[red]{error.type_name}:[/] {error}")
        raise typer.Exit(1) from None


def refuse_problems(problems: Sequence[tuple[str, FieldProblem]]) -> None:
    """Print every problem (``where`` names a panel, or is empty) in one message and exit with status 1."""
    if not problems:
        return
    err_console.print(f"[red]The engine cannot honour {len(problems)} part(s) of the request:[/]")
    for where, problem in problems:
        err_console.print(f"  {where + ': ' if where else ''}{problem}", markup=False)
    raise typer.Exit(1)


def parse_size(value: str | None) -> tuple[int, int] | None:
    """``"1024x768"`` -> (1024, 768); sides must be multiples of 8 between 64 and 4096."""
    if value is None:
        return None
    match = re.fullmatch(r"(\d+)[xX](\d+)", value.strip())
    if not match:
        raise typer.BadParameter("write the size as WIDTHxHEIGHT, e.g. 1024x768", param_hint="--size")
    width, height = int(match[1]), int(match[2])
    for side in (width, height):
        if side % 8 or not 64 <= side <= 4096:
            raise typer.BadParameter("each side must be a multiple of 8 between 64 and 4096", param_hint="--size")
    return width, height


def parse_lora(value: str) -> tuple[str, float, float]:
    """``NAME``, ``NAME:W`` or ``NAME:WM:WC`` -> (name, strength_model, strength_clip)."""
    name, *weights = value.rsplit(":", 2) if value.count(":") >= 2 else value.split(":")
    try:
        numbers = [float(w) for w in weights]
    except ValueError:
        raise typer.BadParameter(
            f"{value!r}: write NAME, NAME:WEIGHT or NAME:MODEL:CLIP", param_hint="--lora"
        ) from None
    if not name or len(numbers) > 2:
        raise typer.BadParameter(f"{value!r}: write NAME, NAME:WEIGHT or NAME:MODEL:CLIP", param_hint="--lora")
    model = numbers[0] if numbers else 1.0
    return name, model, numbers[1] if len(numbers) == 2 else model


class ModelFamily(StrEnum):
    """A checkpoint family the command line can declare."""

    SD1 = "sd1"
    SD2 = "sd2"
    SDXL = "sdxl"
