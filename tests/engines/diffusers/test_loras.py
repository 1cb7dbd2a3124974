"""LoRAs change the picture while applied and leave no trace afterwards."""

from __future__ import annotations

import pytest

from stripstudio.engines.diffusers.engine import DiffusersEngine
from stripstudio.generation import InvalidRequest, LoraSpec, ModelNotFound
from stripstudio.settings import StudioSettings

from .helpers import pixels, tiny_request
from .model_files import write_tiny_lora


@pytest.fixture(scope="module")
def lora_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("loras")
    return {
        "style": write_tiny_lora(folder / "style.safetensors", key_format="diffusers", seed=1),
        "style_kohya": write_tiny_lora(folder / "style-kohya.safetensors", key_format="kohya", seed=1),
        "character": write_tiny_lora(folder / "character.safetensors", key_format="kohya", seed=2),
    }


def draw(engine, *loras: LoraSpec, **fields) -> bytes:
    return pixels(engine.run(tiny_request(seed=3, loras=loras, **fields), lambda event: None)[0])


def test_a_lora_changes_the_picture_and_removing_it_restores_it(engine, lora_files):
    before = draw(engine)
    with_lora = draw(engine, LoraSpec(name=str(lora_files["style"])))
    after = draw(engine)
    assert with_lora != before
    assert after == before


def test_kohya_and_diffusers_files_draw_the_same(engine, lora_files):
    diffusers_format = draw(engine, LoraSpec(name=str(lora_files["style"]), strength_model=0.8, strength_clip=0.6))
    kohya_format = draw(engine, LoraSpec(name=str(lora_files["style_kohya"]), strength_model=0.8, strength_clip=0.6))
    assert diffusers_format == kohya_format


def test_several_loras_apply_together_with_their_own_strengths(engine, lora_files):
    style = LoraSpec(name=str(lora_files["style"]), strength_model=0.7, strength_clip=0.7)
    character = LoraSpec(name=str(lora_files["character"]), strength_model=1.0, strength_clip=0.5)
    both = draw(engine, style, character)
    assert both not in {draw(engine, style), draw(engine, character), draw(engine)}
    stronger = draw(engine, style, LoraSpec(name=str(lora_files["character"]), strength_model=1.2, strength_clip=0.5))
    assert stronger != both


def test_model_and_clip_strengths_act_separately(engine, lora_files):
    path = str(lora_files["style"])
    plain = draw(engine)
    clip_only = draw(engine, LoraSpec(name=path, strength_model=0.0, strength_clip=1.0))
    model_only = draw(engine, LoraSpec(name=path, strength_model=1.0, strength_clip=0.0))
    nothing = draw(engine, LoraSpec(name=path, strength_model=0.0, strength_clip=0.0))
    assert len({plain, clip_only, model_only}) == 3
    assert nothing == plain


def test_loras_are_found_by_name_in_the_loras_folder(tmp_path):
    data_dir = tmp_path / "data"
    write_tiny_lora(data_dir / "models" / "loras" / "leo.safetensors", key_format="kohya", seed=4)
    engine = DiffusersEngine(StudioSettings(data_dir=data_dir, device="cpu"))
    assert draw(engine, LoraSpec(name="leo")) != draw(engine)


def test_a_lora_for_another_model_is_refused_and_removed(engine, tmp_path):
    import torch
    from safetensors.torch import save_file

    wrong = tmp_path / "wrong.safetensors"
    save_file(
        {
            "lora_unet_nowhere_to_q.lora_down.weight": torch.ones(4, 7),
            "lora_unet_nowhere_to_q.lora_up.weight": torch.ones(7, 4),
        },
        str(wrong),
    )
    before = draw(engine)
    with pytest.raises(InvalidRequest) as caught:
        draw(engine, LoraSpec(name=str(wrong)))
    assert str(wrong) in str(caught.value)
    assert draw(engine) == before


def test_a_lora_tag_in_the_prompt_draws_what_the_same_lora_in_loras_draws(engine, lora_files):
    path = str(lora_files["character"])
    prompt = "a young man reading a book"
    listed = draw(engine, LoraSpec(name=path, strength_model=0.8, strength_clip=0.5), prompt=prompt)
    tagged = draw(engine, prompt=f"{prompt}, <lora:{path}:0.8:0.5>")
    assert tagged == listed
    assert tagged != draw(engine, prompt=prompt)


def test_a_tag_for_a_listed_lora_sets_its_strengths_instead_of_loading_it_twice(engine, lora_files):
    path = str(lora_files["style"])
    prompt = "a young man reading a book"
    once = draw(engine, LoraSpec(name=path, strength_model=0.6, strength_clip=0.6), prompt=prompt)
    overridden = draw(engine, LoraSpec(name=path), prompt=f"{prompt} <lora:{path}:0.6>")
    assert overridden == once


def test_a_tag_naming_a_missing_lora_is_looked_up_not_dropped(engine):
    with pytest.raises(ModelNotFound) as caught:
        draw(engine, prompt="a young man <lora:no-such-lora:0.7>")
    assert "no-such-lora" in str(caught.value)
