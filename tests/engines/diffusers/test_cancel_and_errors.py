"""Cancel stops within one step; missing files give errors naming the path and what to do."""

from __future__ import annotations

import threading

import pytest
from PIL import Image

from stripstudio.generation import (
    ControlInput,
    EventKind,
    InvalidRequest,
    JobCancelled,
    LoraSpec,
    ModelNotFound,
    ModelRef,
)

from .helpers import tiny_request


def test_cancel_stops_within_one_step(engine):
    cancel = threading.Event()
    steps = []

    def on_event(event):
        if event.kind is EventKind.PROGRESS:
            steps.append(event.step)
            if event.step == 4:
                cancel.set()

    # The two candidates are drawn in one batch: every step counts two candidate-steps.
    with pytest.raises(JobCancelled):
        engine.run(tiny_request(num_inference_steps=10, num_images=2), on_event, cancel)
    assert steps == [2, 4]


def test_cancel_before_start_draws_nothing(engine):
    cancel = threading.Event()
    cancel.set()
    events = []
    with pytest.raises(JobCancelled):
        engine.run(tiny_request(), events.append, cancel)
    assert not [event for event in events if event.kind is EventKind.PROGRESS]


def test_missing_checkpoint_names_the_path_and_the_fix(engine, tmp_path):
    missing = tmp_path / "nowhere" / "model.safetensors"
    with pytest.raises(ModelNotFound) as caught:
        engine.run(tiny_request(model=ModelRef(checkpoint=str(missing))), lambda event: None)
    assert str(missing) in str(caught.value) and "put the .safetensors file in" in str(caught.value)


def test_missing_lora_names_it_and_the_lora_folder(engine):
    with pytest.raises(ModelNotFound) as caught:
        engine.run(tiny_request(loras=(LoraSpec(name="leo-character"),)), lambda event: None)
    message = str(caught.value)
    assert "LoRA 'leo-character' not found" in message and "loras" in message


def test_missing_sketch_names_the_field_and_path(engine, tmp_path):
    missing = str(tmp_path / "sketch.png")
    request = tiny_request(task="sketch_to_image", controls=(ControlInput(image=missing),))
    with pytest.raises(InvalidRequest) as caught:
        engine.run(request, lambda event: None)
    assert caught.value.field == "controls[0].image" and missing in str(caught.value)


def test_pickle_checkpoint_is_refused(engine, tmp_path):
    pickle_file = tmp_path / "model.ckpt"
    pickle_file.write_bytes(b"\x80\x04not really")
    with pytest.raises(InvalidRequest, match="pickle file .* convert it to .safetensors"):
        engine.run(tiny_request(model=ModelRef(checkpoint=str(pickle_file))), lambda event: None)


def test_t2i_adapter_refuses_a_late_start(engine, tmp_path):
    drawing = tmp_path / "d.png"
    Image.new("L", (64, 64), 255).save(drawing)
    request = tiny_request(task="sketch_to_image", controls=(ControlInput(image=str(drawing), start_percent=0.2),))
    with pytest.raises(InvalidRequest, match="start_percent to 0"):
        engine.run(request, lambda event: None)


def test_loaded_models_are_reused(engine, tmp_path):
    engine.run(tiny_request(), lambda event: None)
    model = engine.cache.get(tiny_request().model)
    white = tmp_path / "white.png"
    Image.new("RGB", (64, 64), "white").save(white)
    engine.run(tiny_request(task="image_to_image", init_image=str(white)), lambda event: None)
    assert engine.cache.get(tiny_request().model) is model
    assert engine.cache.loaded() == [tiny_request().model]


def test_tasks_the_engine_lacks_are_refused_by_name(engine, tmp_path):
    picture = tmp_path / "p.png"
    Image.new("RGB", (64, 64)).save(picture)
    with pytest.raises(InvalidRequest, match="task: the diffusers engine cannot do upscale"):
        engine.run(tiny_request(task="upscale", init_image=str(picture)), lambda event: None)
    assert "upscale" not in engine.capabilities().tasks
