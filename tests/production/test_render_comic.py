"""Rendering a comic into a folder with a manifest (fake engine: the layer above the engines)."""

from __future__ import annotations

import pytest
from PIL import Image

from stripstudio.domain import Comic, GenerationDefaults, Panel
from stripstudio.generation import EventKind, InvalidRequest
from stripstudio.production.manifest import read_manifest, write_manifest
from stripstudio.production.panel_request import PanelOverrides
from stripstudio.production.render_comic import plan_render, render_comic

from ..fakes import FakeEngine


def comic(candidates=2) -> Comic:
    return Comic(
        title="Test comic",
        generation=GenerationDefaults(candidates=candidates, width=64, height=64),
        panels=[
            Panel(id="one", description="a street"),
            Panel(description="a house"),
            Panel(description="a cat"),
        ],
    )


def test_every_panel_is_drawn_with_a_manifest(tmp_path):
    events = []
    manifest = render_comic(
        comic(),
        FakeEngine(),
        tmp_path,
        plan_render(comic(), "m"),
        on_event=lambda panel, event: events.append((panel, event.kind)),
    )
    assert [p.id for p in manifest.panels] == ["one", "panel-02", "panel-03"]
    for panel in manifest.panels:
        assert [c.file for c in panel.candidates] == [
            f"{panel.id}/candidate-1.png",
            f"{panel.id}/candidate-2.png",
        ]
        for candidate in panel.candidates:
            with Image.open(tmp_path / candidate.file) as image:
                assert image.size == (64, 64) and "parameters" in image.text
    assert read_manifest(tmp_path) == manifest
    assert ("one", EventKind.SUCCEEDED) in events and ("panel-03", EventKind.SUCCEEDED) in events


def test_rendering_one_panel_again_keeps_the_others_and_the_pick(tmp_path):
    render_comic(comic(), FakeEngine(), tmp_path, plan_render(comic(), "m"))
    manifest = read_manifest(tmp_path)
    manifest.panels[0].picked = 1
    manifest.panels[1].picked = 1
    write_manifest(tmp_path, manifest)
    engine = FakeEngine()
    render_comic(comic(), engine, tmp_path, plan_render(comic(), "m", only=["panel-02"]))
    again = read_manifest(tmp_path)
    assert len(engine.requests) == 1 and "a house" in engine.requests[0].prompt
    assert [p.picked for p in again.panels] == [1, 1, 0]


def test_fewer_candidates_remove_old_files_and_reset_an_impossible_pick(tmp_path):
    render_comic(comic(3), FakeEngine(), tmp_path, plan_render(comic(3), "m"))
    manifest = read_manifest(tmp_path)
    manifest.panels[0].picked = 2
    write_manifest(tmp_path, manifest)
    render_comic(comic(1), FakeEngine(), tmp_path, plan_render(comic(1), "m"))
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == ["candidate-1.png"]
    assert read_manifest(tmp_path).panels[0].picked == 0


def test_a_failing_panel_keeps_the_panels_drawn_before_it(tmp_path):
    engine = FakeEngine(fail_on_prompt="a cat")
    with pytest.raises(RuntimeError):
        render_comic(comic(), engine, tmp_path, plan_render(comic(), "m"))
    assert [p.id for p in read_manifest(tmp_path).panels] == ["one", "panel-02"]


def test_unknown_panel_ids_and_empty_comics_are_refused_before_drawing():
    with pytest.raises(InvalidRequest, match="no panel with id nine"):
        plan_render(comic(), "m", only=["nine"])
    with pytest.raises(InvalidRequest, match="no panels"):
        plan_render(Comic(title="empty"), "m")


def test_overrides_reach_every_request():
    plan = plan_render(comic(), "m", PanelOverrides(model="tiny-random-sdxl", candidates=1))
    assert {(p.request.model.checkpoint, p.request.num_images) for p in plan} == {("tiny-random-sdxl", 1)}
