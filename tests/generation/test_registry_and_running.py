"""Engines are found through entry points; run_job ends every stream with one final event."""

from __future__ import annotations

import threading

import pytest

from stripstudio.generation import (
    EventKind,
    GenerationRequest,
    InvalidRequest,
    JobCancelled,
    JobEvent,
    ModelRef,
)
from stripstudio.generation.registry import EngineRegistry
from stripstudio.generation.running import run_job

from ..fakes import FakeEngine

REQUEST = GenerationRequest(model=ModelRef(checkpoint="m"), prompt="a cat", num_images=2, width=64, height=64)


def test_built_in_engine_is_registered_through_its_entry_point():
    registry = EngineRegistry()
    assert "diffusers" in registry.names()


def test_registered_factories_are_built_with_the_settings():
    registry = EngineRegistry()
    registry.register("fake", lambda settings: FakeEngine())
    assert registry.create("fake", settings=None).name == "fake"


def test_unknown_engine_lists_the_known_ones():
    with pytest.raises(InvalidRequest, match=r"engine: unknown engine 'nope' \(known: .*diffusers"):
        EngineRegistry().create("nope", settings=None)


def test_success_ends_with_succeeded():
    events = []
    images = run_job(FakeEngine(), REQUEST, events.append, job_id="j1")
    assert len(images) == 2
    assert [e.kind for e in events][-1] is EventKind.SUCCEEDED
    assert {e.job_id for e in events} == {"j1"}


def test_failure_ends_with_failed_and_keeps_type_and_message():
    events = []
    with pytest.raises(ValueError):
        run_job(FakeEngine(fail_on_prompt="cat", error=ValueError("no cats")), REQUEST, events.append)
    assert events[-1].kind is EventKind.FAILED
    assert (events[-1].error_type, events[-1].message) == ("ValueError", "no cats")


def test_cancel_ends_with_cancelled():
    cancel = threading.Event()
    cancel.set()
    events = []
    with pytest.raises(JobCancelled):
        run_job(FakeEngine(), REQUEST, events.append, cancel)
    assert events[-1].kind is EventKind.CANCELLED


def test_event_json_leaves_out_in_process_objects():
    events = []
    run_job(FakeEngine(), REQUEST, events.append)
    image_event = next(e for e in events if e.kind is EventKind.IMAGE)
    assert set(image_event.model_dump()) == set(JobEvent.model_fields) - {"image", "preview"}
    assert image_event.fraction is None
    progress = next(e for e in events if e.kind is EventKind.PROGRESS)
    assert progress.fraction == 0.5
