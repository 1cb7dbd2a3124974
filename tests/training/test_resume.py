"""A killed training resumes from its last saved epoch and ends exactly where an uninterrupted one does."""

from __future__ import annotations

import os

import pytest
from safetensors.torch import load_file

from stripstudio.training.checkpoints import RESUME_FILE, atomic_write
from stripstudio.training.errors import InvalidTraining
from stripstudio.training.trainer import train

from .conftest import TRAINED_SETTINGS, tiny_settings


class Killed(Exception):
    """Stands for the worker dying right after an epoch was saved."""


def kill_after_first_epoch(saved) -> None:
    raise Killed(saved.epoch)


def test_a_killed_training_resumes_at_the_saved_step_and_ends_like_an_uninterrupted_one(trained, tmp_path):
    out = tmp_path / "out"
    first: list = []
    with pytest.raises(Killed):
        train(
            trained.dataset,
            trained.settings,
            out,
            on_progress=first.append,
            on_epoch_saved=kill_after_first_epoch,
            device="cpu",
        )
    assert [p.step for p in first] == [1, 2, 3]
    assert (out / RESUME_FILE).is_file()
    (out / ".rc_test-000002.safetensors.k1ll3d.tmp").write_bytes(b"half a file from a killed write")

    second: list = []
    saved = train(trained.dataset, trained.settings, out, on_progress=second.append, device="cpu")

    assert [p.step for p in second] == [4, 5, 6]  # continued at the saved step, never from zero
    assert sorted(p.name for p in out.iterdir()) == [
        "rc_test-000001.safetensors",
        "rc_test-000002.safetensors",
        RESUME_FILE,
    ]
    assert second[-1].step == trained.progress[-1].step == second[-1].total_steps
    assert any("resumed after epoch 1 at step 3" in note for note in second[0].notes)
    assert [(s.epoch, s.step) for s in saved] == [(s.epoch, s.step) for s in trained.saved] == [(1, 3), (2, 6)]
    # Same data order, random streams and optimizer state: the same losses and the same final weights.
    assert [p.loss for p in first + second] == [p.loss for p in trained.progress]
    resumed, uninterrupted = load_file(saved[-1].path), load_file(trained.saved[-1].path)
    assert resumed.keys() == uninterrupted.keys()
    assert all(resumed[key].equal(tensor) for key, tensor in uninterrupted.items())


def test_a_finished_training_returns_its_epochs_without_training_again(trained):
    progress: list = []
    saved = train(trained.dataset, trained.settings, trained.out_dir, on_progress=progress.append, device="cpu")
    assert saved == trained.saved
    assert progress == []


def test_resuming_with_other_settings_is_refused_naming_the_field(trained):
    changed = tiny_settings(**{**TRAINED_SETTINGS, "network_dim": 8})
    with pytest.raises(InvalidTraining) as error:
        train(trained.dataset, changed, trained.out_dir, device="cpu")
    assert error.value.field == "network_dim"
    assert "new folder" in str(error.value)


def test_a_write_that_fails_leaves_the_previous_file_whole_and_no_temporary_file(tmp_path):
    path = tmp_path / "lora.safetensors"
    path.write_bytes(b"previous epoch")

    def dies_half_way(temporary):
        temporary.write_bytes(b"half of the ne")
        raise Killed("during the write")

    with pytest.raises(Killed):
        atomic_write(path, dies_half_way)
    assert path.read_bytes() == b"previous epoch"
    assert os.listdir(tmp_path) == ["lora.safetensors"]
