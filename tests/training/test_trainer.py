"""The trainer's contract: progress every step, cancel within one step, clear errors naming the field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from safetensors import safe_open

from stripstudio.generation.errors import ModelNotFound
from stripstudio.training.batches import Item, dataset_items, epoch_batches
from stripstudio.training.buckets import bucket_size, planned_steps
from stripstudio.training.errors import InvalidTraining, TrainingCancelled
from stripstudio.training.spec import DatasetImage
from stripstudio.training.trainer import train

from .conftest import make_dataset, tiny_settings


def test_cancel_stops_within_one_step_and_reports_every_step_before(photos, tmp_path):
    progress: list = []
    with pytest.raises(TrainingCancelled) as cancelled:
        train(
            make_dataset(photos, repeats=2),
            tiny_settings(),
            tmp_path,
            on_progress=progress.append,
            should_stop=lambda: len(progress) >= 2,
            device="cpu",
        )
    assert [p.step for p in progress] == [1, 2]
    assert cancelled.value.step == 2 and cancelled.value.resumable_from == 0
    assert not list(tmp_path.glob("*.safetensors"))
    first = progress[0]
    assert (first.total_steps, first.epoch, first.epochs) == (12, 1, 2)
    assert first.loss > 0 and first.steps_per_second > 0 and first.eta_seconds > 0
    assert first.gpu_memory_bytes is None
    assert any("fp32 on cpu" in note for note in first.notes)
    assert any(note.startswith("optimizer: AdamW (torch)") for note in first.notes)
    assert progress[1].notes == ()


def test_finishing_early_waits_for_a_saved_epoch_then_ends_at_the_next_step_keeping_it(photos, tmp_path):
    progress: list = []
    asked: list[int] = []

    def should_finish() -> bool:
        asked.append(len(progress))
        return True  # asked from the first step: heard only once epoch 1 is saved

    saved = train(
        make_dataset(photos, repeats=2),
        tiny_settings(epochs=3),
        tmp_path,
        on_progress=progress.append,
        should_stop=lambda: False,
        should_finish=should_finish,
        device="cpu",
    )
    assert [p.step for p in progress] == [1, 2, 3, 4, 5, 6]  # epoch 1 of 3, then no step more
    assert asked == [6]  # not asked before anything was saved
    assert [(s.epoch, s.step) for s in saved] == [(1, 6)]
    assert sorted(p.name for p in tmp_path.glob("*.safetensors")) == ["rc_test-000001.safetensors"]


def test_a_cancel_outranks_finishing_early(photos, tmp_path):
    progress: list = []
    with pytest.raises(TrainingCancelled) as cancelled:
        train(
            make_dataset(photos, repeats=2),
            tiny_settings(),
            tmp_path,
            on_progress=progress.append,
            should_stop=lambda: len(progress) >= 7,
            should_finish=lambda: len(progress) >= 7,
            device="cpu",
        )
    assert cancelled.value.step == 7 and cancelled.value.resumable_from == 6


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"network_dim": 0}, "network_dim"),
        ({"save_every_n_epochs": 3}, "save_every_n_epochs"),
        ({"resolution": 100}, "resolution"),
        ({"memory_profile": "tiny"}, "memory_profile"),
    ],
)
def test_bad_settings_name_the_field(changes, field):
    with pytest.raises(ValidationError) as error:
        tiny_settings(**changes)
    assert field in str(error.value)


def test_the_low_memory_profile_refuses_to_train_text_encoders(photos, tmp_path):
    with pytest.raises(InvalidTraining) as error:
        train(make_dataset(photos), tiny_settings(memory_profile="low", train_text_encoders=True), tmp_path)
    assert error.value.field == "train_text_encoders"


def test_a_missing_model_and_a_non_sdxl_model_are_refused(photos, tmp_path):
    with pytest.raises(ModelNotFound, match="no-such-model"):
        train(make_dataset(photos), tiny_settings(model="no-such-model"), tmp_path, device="cpu")
    with pytest.raises(InvalidTraining, match="SDXL") as error:
        train(make_dataset(photos), tiny_settings(model="tiny-random-sd15"), tmp_path, device="cpu")
    assert error.value.field == "model"


def test_a_corrupt_image_is_named_and_nothing_is_trained(photos, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really a picture")
    dataset = make_dataset([photos[0]]).model_copy(
        update={
            "images": (*make_dataset([photos[0]]).images, DatasetImage(path=broken, caption="x", width=64, height=64))
        }
    )
    with pytest.raises(InvalidTraining, match="broken.png") as error:
        train(dataset, tiny_settings(), tmp_path / "out", device="cpu")
    assert error.value.field == "images"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def item(name: str, width: int, height: int, regularisation: bool = False) -> Item:
    image = DatasetImage(path=f"/{name}.png", caption=name, width=width, height=height)
    return Item(image, bucket_size(width, height, 512), (0, 0), regularisation)


def test_buckets_keep_the_aspect_ratio_in_multiples_of_64_at_about_the_resolution_area():
    assert bucket_size(1024, 1024, 1024) == (1024, 1024)
    width, height = bucket_size(3000, 2000, 1024)
    assert width % 64 == height % 64 == 0 and width > height
    assert 0.85 * 1024**2 <= width * height <= 1024**2


def test_batches_never_mix_sizes_and_regularisation_doubles_the_epoch():
    items = [item("a", 512, 512), item("b", 512, 512), item("c", 768, 512), item("reg", 512, 512, True)]
    batches = epoch_batches(items, characters=3, repeats=4, batch_size=2, seed=1, epoch=1)
    shown = [index for batch in batches for index in batch]
    assert len(shown) == 3 * 4 * 2  # character images × repeats, doubled by the regularisation images
    assert shown.count(3) == 12
    assert all(len({items[i].size for i in batch}) == 1 for batch in batches)
    assert batches == epoch_batches(items, characters=3, repeats=4, batch_size=2, seed=1, epoch=1)
    assert batches != epoch_batches(items, characters=3, repeats=4, batch_size=2, seed=1, epoch=2)


def test_regularisation_images_double_the_steps(photos, tmp_path):
    progress: list = []
    saved = train(
        make_dataset(photos[:1], regularisation=photos[1:2]),
        tiny_settings(epochs=1),
        tmp_path,
        on_progress=progress.append,
        device="cpu",
    )
    assert [p.step for p in progress] == [1, 2] and saved[-1].step == 2


def test_the_low_memory_profile_trains_a_single_file_checkpoint_with_its_config_folder(photos, tmp_path):
    from tests.engines.diffusers.model_files import write_tiny_config_folder, write_tiny_single_file

    checkpoint = write_tiny_single_file(tmp_path / "checkpoints" / "tiny-single.safetensors")
    config = write_tiny_config_folder(tmp_path / "tiny-single-config")
    settings = tiny_settings(
        model=str(checkpoint), model_config_dir=str(config), memory_profile="low", epochs=1, cache_latents=False
    )
    progress: list = []
    saved = train(make_dataset(photos[:2]), settings, tmp_path / "out", on_progress=progress.append, device="cpu")
    assert [p.step for p in progress] == [1, 2] and saved[-1].step == 2
    with safe_open(str(saved[-1].path), "pt") as file:
        assert file.metadata()["ss_sd_model_name"] == "tiny-single"
        # The file says what the run did: the low profile caches latents though the settings said not to.
        assert file.metadata()["ss_cache_latents"] == file.metadata()["ss_gradient_checkpointing"] == "True"
        assert any(key.startswith("lora_unet_input_blocks_") for key in file.keys())  # noqa: SIM118 (not a dict)


@pytest.mark.parametrize("batch_size", [1, 2, 4])
@pytest.mark.parametrize("with_regularisation", [False, True])
def test_planned_steps_are_the_batches_the_trainer_runs(batch_size, with_regularisation):
    def image(name: str, width: int, height: int) -> DatasetImage:
        return DatasetImage(path=f"/{name}.png", caption=name, width=width, height=height)

    images = (image("a", 64, 64), image("b", 64, 64), image("wide", 128, 64))
    regularisation = (image("r1", 64, 64), image("tall", 64, 128)) if with_regularisation else ()
    dataset = make_dataset([]).model_copy(update={"images": images, "regularisation": regularisation, "repeats": 3})
    items, characters = dataset_items(dataset, 256)
    batches = [epoch_batches(items, characters, 3, batch_size, seed=7, epoch=e) for e in (1, 2)]
    assert planned_steps(dataset, 256, batch_size, epochs=2) == sum(len(epoch) for epoch in batches)
    if batch_size == 4 and not with_regularisation:
        assert planned_steps(dataset, 256, 4, epochs=1) == 3  # 6 square items in 2 batches, 3 wide in 1
