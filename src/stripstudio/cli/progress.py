"""Rich progress bars fed by JobEvents."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from stripstudio.generation.events import EventKind, JobEvent


class JobProgressBars:
    """One progress bar per job (a panel, or a single generation), updated from its events.

    Where the output is not a terminal (a log file, a pipe), bars cannot redraw: each step is
    printed as a line ``JOB: step N/TOTAL`` instead.
    """

    def __init__(self, console: Console):
        self.console = console
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=console,
        )
        self._tasks: dict[str, TaskID] = {}
        self._notes_shown: set[str] = set()

    def __enter__(self) -> JobProgressBars:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def on_event(self, job: str, event: JobEvent) -> None:
        """Update the bar of ``job`` with ``event``."""
        task = self._task(job)
        if event.kind is EventKind.STARTED and event.message and event.message not in self._notes_shown:
            self._notes_shown.add(event.message)
            self.console.print(f"[yellow]note:[/] {event.message}")
        if event.kind is EventKind.PROGRESS and not self.console.is_terminal:
            self.console.print(f"{job}: step {event.step}/{event.total}", markup=False)
        if event.kind is EventKind.PROGRESS:
            self.progress.update(
                task, total=event.total, completed=event.step, status=f"candidate {(event.candidate or 0) + 1}"
            )
        elif event.kind is EventKind.IMAGE:
            self.progress.update(task, status=f"candidate {(event.candidate or 0) + 1} drawn")
        elif event.kind is EventKind.SUCCEEDED:
            total = self.progress.tasks[self._index(task)].total or 1
            self.progress.update(task, completed=total, status="[green]done")
        elif event.kind in (EventKind.FAILED, EventKind.CANCELLED):
            self.progress.update(task, status=f"[red]{event.kind.value}")

    def _task(self, job: str) -> TaskID:
        if job not in self._tasks:
            self._tasks[job] = self.progress.add_task(job, total=None, status="waiting")
        return self._tasks[job]

    def _index(self, task: TaskID) -> int:
        return next(i for i, t in enumerate(self.progress.tasks) if t.id == task)
