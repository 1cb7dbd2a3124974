"""Checkpoints load from a diffusers folder, a single file or the hub cache; memory options apply."""

from __future__ import annotations

import pytest
from diffusers import StableDiffusionXLPipeline

from stripstudio.engines.diffusers.engine import DiffusersEngine
from stripstudio.engines.diffusers.tiny import build_tiny_components
from stripstudio.generation import ModelNotFound, ModelRef
from stripstudio.settings import StudioSettings

from .helpers import pixels, tiny_request


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-sdxl-folder")
    StableDiffusionXLPipeline(**build_tiny_components()).save_pretrained(folder)
    return folder


def test_a_diffusers_folder_draws_what_the_built_in_model_draws(engine, tiny_folder):
    from_folder = engine.run(tiny_request(model=ModelRef(checkpoint=str(tiny_folder))), lambda event: None)
    built_in = engine.run(tiny_request(), lambda event: None)
    assert pixels(from_folder[0]) == pixels(built_in[0])
    assert "Model: " + tiny_folder.name in from_folder[0].parameters


def test_a_folder_is_found_by_name_in_the_model_folders(tmp_path, tiny_folder):
    data_dir = tmp_path / "data"
    (data_dir / "models" / "diffusers").mkdir(parents=True)
    (data_dir / "models" / "diffusers" / "my-tiny").symlink_to(tiny_folder, target_is_directory=True)
    engine = DiffusersEngine(StudioSettings(data_dir=data_dir, device="cpu"))
    assert engine.run(tiny_request(model=ModelRef(checkpoint="my-tiny")), lambda event: None)


def test_a_folder_without_model_index_is_explained(engine, tmp_path):
    with pytest.raises(ModelNotFound, match="not a diffusers model folder"):
        engine.run(tiny_request(model=ModelRef(checkpoint=str(tmp_path))), lambda event: None)


def test_an_uncached_hub_id_offline_says_how_to_get_it(tmp_path):
    engine = DiffusersEngine(StudioSettings(data_dir=tmp_path, device="cpu", offline=True))
    with pytest.raises(ModelNotFound) as caught:
        engine.run(tiny_request(model=ModelRef(checkpoint="someone/sdxl-model")), lambda event: None)
    message = str(caught.value)
    assert "someone/sdxl-model" in message and "not in the local hub cache" in message and ".safetensors" in message


def test_vae_tiling_and_slicing_are_applied_and_still_draw(tmp_path):
    engine = DiffusersEngine(StudioSettings(data_dir=tmp_path, device="cpu", vae_tiling=True, vae_slicing=True))
    images = engine.run(tiny_request(width=128, height=64), lambda event: None)
    vae = engine.cache.get(tiny_request().model).base.vae
    assert vae.use_tiling and vae.use_slicing
    assert images[0].image.size == (128, 64)


def test_the_cache_keeps_only_the_most_recent_models(tmp_path, tiny_folder):
    engine = DiffusersEngine(StudioSettings(data_dir=tmp_path, device="cpu", model_cache_size=1))
    engine.run(tiny_request(), lambda event: None)
    engine.run(tiny_request(model=ModelRef(checkpoint=str(tiny_folder))), lambda event: None)
    assert engine.cache.loaded() == [ModelRef(checkpoint=str(tiny_folder))]
