"""Rendering a comic: every panel's candidates into a folder, with a manifest."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from stripstudio.domain import Comic
from stripstudio.generation.capabilities import check_request
from stripstudio.generation.engine import CancelSignal, Engine
from stripstudio.generation.errors import FieldProblem, InvalidRequest
from stripstudio.generation.events import JobEvent
from stripstudio.generation.images import GeneratedImage
from stripstudio.generation.request import GenerationRequest
from stripstudio.generation.running import run_job
from stripstudio.production.manifest import (
    CandidateFile,
    PanelRender,
    RenderManifest,
    read_manifest,
    write_manifest,
)
from stripstudio.production.panel_edits import face_detail_request
from stripstudio.production.panel_request import PanelOverrides, build_panel_request

PanelEventSink = Callable[[str, JobEvent], None]


@dataclass(frozen=True)
class PlannedPanel:
    """A panel about to be rendered: its position, id and request."""

    index: int
    panel_id: str
    request: GenerationRequest
    fix_faces: bool = False


def plan_render(
    comic: Comic, default_model: str, overrides: PanelOverrides | None = None, only: Sequence[str] = ()
) -> list[PlannedPanel]:
    """The requests of every panel to render (all, or those whose ids are in ``only``).

    Building every request first means a bad panel stops the render before anything is drawn.
    """
    ids = [comic.panel_id(i) for i in range(len(comic.panels))]
    unknown = sorted(set(only) - set(ids))
    if unknown:
        raise InvalidRequest(f"no panel with id {', '.join(unknown)} (panels: {', '.join(ids)})", field="panels")
    if not comic.panels:
        raise InvalidRequest("the comic has no panels: add at least one under 'panels:'", field="panels")
    return [
        PlannedPanel(
            index, ids[index], build_panel_request(comic, index, default_model, overrides), fixes_faces(comic, index)
        )
        for index in range(len(comic.panels))
        if not only or ids[index] in only
    ]


def fixes_faces(comic: Comic, index: int) -> bool:
    """Whether panel ``index`` has its faces redrawn after drawing (the panel's choice, else the comic's)."""
    panel = comic.panels[index]
    return panel.fix_faces if panel.fix_faces is not None else comic.generation.fix_faces


def plan_problems(engine: Engine, plan: list[PlannedPanel]) -> list[tuple[str, FieldProblem]]:
    """What ``engine`` cannot honour in any planned panel (and its face fixing), as (where, problem),
    before anything is drawn."""
    problems = []
    for planned in plan:
        problems += [(planned.panel_id, problem) for problem in check_request(engine, planned.request)]
        if planned.fix_faces:
            request = planned.request
            faces = face_detail_request(request, "panel.png", (request.width, request.height), seed=request.seed)
            where = f"{planned.panel_id} (fix faces)"
            problems += [(where, problem) for problem in check_request(engine, faces)]
    return problems


def render_comic(
    comic: Comic,
    engine: Engine,
    out_dir: Path,
    plan: list[PlannedPanel],
    *,
    script: Path | None = None,
    on_event: PanelEventSink | None = None,
    cancel: CancelSignal | None = None,
) -> RenderManifest:
    """Draw every planned panel into ``out_dir/<panel-id>/candidate-N.png`` and keep the manifest current.

    The manifest is rewritten after each panel, so an error or a cancel keeps what was drawn.
    Picks of panels drawn before are kept when the panel still has that many candidates.
    """
    out_dir = Path(out_dir)
    manifest = read_manifest(out_dir) or RenderManifest(
        title=comic.title, script=str(script) if script else None, engine=engine.name, model=""
    )
    manifest.title, manifest.engine = comic.title, engine.name
    for planned in plan:
        manifest.model = planned.request.model.checkpoint
        previous = manifest.panel(planned.panel_id)
        sink = functools.partial(_for_panel, on_event, planned.panel_id)
        images = run_job(engine, planned.request, sink, cancel, job_id=planned.panel_id)
        if planned.fix_faces:
            images = [_faces_fixed(engine, planned, image, out_dir, sink, cancel) for image in images]
        candidates = [
            CandidateFile(
                file=image.save(out_dir / planned.panel_id / f"candidate-{image.index + 1}.png")
                .relative_to(out_dir)
                .as_posix(),
                seed=image.seed,
            )
            for image in images
        ]
        _remove_stale_candidates(out_dir / planned.panel_id, candidates, out_dir)
        picked = previous.picked if previous and previous.picked < len(candidates) else 0
        manifest.put(
            PanelRender(
                id=planned.panel_id,
                index=planned.index,
                prompt=planned.request.prompt,
                negative_prompt=planned.request.negative_prompt,
                request=json.loads(planned.request.to_json()),
                candidates=candidates,
                picked=picked,
            )
        )
        write_manifest(out_dir, manifest)
    return manifest


def _faces_fixed(
    engine: Engine,
    planned: PlannedPanel,
    drawn: GeneratedImage,
    out_dir: Path,
    sink: Callable[[JobEvent], None],
    cancel: CancelSignal | None,
) -> GeneratedImage:
    """The candidate with its faces redrawn; the picture as first drawn is kept beside it."""
    before = drawn.save(out_dir / planned.panel_id / f"candidate-{drawn.index + 1}-before-faces.png")
    request = face_detail_request(planned.request, str(before), drawn.image.size, seed=drawn.seed)
    (fixed,) = run_job(engine, request, sink, cancel, job_id=f"{planned.panel_id}-faces")
    return dataclasses.replace(fixed, index=drawn.index)


def _remove_stale_candidates(panel_dir: Path, keep: list[CandidateFile], out_dir: Path) -> None:
    """Delete candidate files of an earlier render that this render did not write again."""
    kept = {out_dir / c.file for c in keep}
    for old in panel_dir.glob("candidate-*.png"):
        if old not in kept and not old.name.endswith("-before-faces.png"):
            old.unlink()


def _for_panel(on_event: PanelEventSink | None, panel_id: str, event: JobEvent) -> None:
    if on_event is not None:
        on_event(panel_id, event)
