"""SD 1.x in the in-process engine: every task on the built-in tiny-random-sd15."""

from __future__ import annotations

import pytest

from stripstudio.generation import GenerationRequest, ModelRef
from stripstudio.generation.request import LoraSpec, ReferenceSpec, Region

from ...models.family_files import write_lora
from .helpers import pixels

pytestmark = pytest.mark.slow

SD15 = ModelRef(checkpoint="tiny-random-sd15")


def sd15(**fields) -> GenerationRequest:
    defaults = dict(model=SD15, prompt="a young man reading a book", width=64, height=64, num_inference_steps=2)
    return GenerationRequest(**{**defaults, **fields})


def draw(engine, **fields):
    return engine.run(sd15(**fields), lambda event: None)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"task": "image_to_image", "strength": 0.7},
        {"task": "inpaint"},
        {"task": "outpaint", "outpaint": {"right": 64}},
        {"task": "sketch_to_image"},
        {"task": "sketch_to_image", "controls": ({"kind": "canny", "image": "PICTURE"},)},
        {"task": "face_detail"},
    ],
    ids=["text", "image", "inpaint", "outpaint", "sketch", "canny", "face_detail"],
)
def test_every_task_runs_and_redraws_identically(engine, picture, fields):
    fields = dict(fields)
    task = fields.get("task", "text_to_image")
    if task in ("image_to_image", "inpaint", "outpaint", "face_detail"):
        fields["init_image"] = picture
    if task == "inpaint":
        fields["mask"] = {"image": picture}
    if task == "sketch_to_image":
        controls = fields.get("controls") or ({"kind": "sketch", "image": picture},)
        fields["controls"] = tuple({**c, "image": picture} for c in controls)
    first = draw(engine, **fields)
    assert pixels(first[0]) == pixels(draw(engine, **fields)[0])
    assert engine.cache.get(SD15).family == "sd1"


def test_prompt_weights_act_on_the_one_text_encoder(engine):
    plain = pixels(draw(engine, prompt="a cat on a mat")[0])
    assert pixels(draw(engine, prompt="a (cat:1.5) on a mat")[0]) != plain
    assert pixels(draw(engine, prompt="a (cat:1.0) on a mat")[0]) == plain


@pytest.mark.parametrize("key_format", ["kohya", "diffusers"])
def test_sd1_loras_change_the_picture_and_strength_zero_restores_it(engine, tmp_path, key_format):
    lora = write_lora(tmp_path / f"style-{key_format}.safetensors", "sd1", key_format)
    plain = pixels(draw(engine)[0])
    assert pixels(draw(engine, loras=(LoraSpec(name=str(lora)),))[0]) != plain
    off = LoraSpec(name=str(lora), strength_model=0.0, strength_clip=0.0)
    assert pixels(draw(engine, loras=(off,))[0]) == plain


def test_regions_and_references_work_on_sd1(engine, picture):
    regions = (Region(prompt="red hair", box=(0, 0, 0.5, 1)), Region(prompt="blue coat", box=(0.5, 0, 0.5, 1)))
    plain = pixels(draw(engine, regions=regions)[0])
    with_reference = draw(engine, regions=regions, reference_images=(ReferenceSpec(images=(picture,), region=0),))
    assert pixels(with_reference[0]) != plain


def test_an_original_sd1_single_file_loads_with_its_config_folder(engine, tmp_path):
    from ...models import family_files as files

    checkpoint = files.write_checkpoint(tmp_path / "tiny-sd15.safetensors", "sd1")
    config = tmp_path / "tiny-sd15-config"
    (config).mkdir()
    (config / "model_index.json").write_text(
        (
            files.Path(__file__).parents[3] / "src/stripstudio/engines/diffusers/configs/sd15/model_index.json"
        ).read_text()
    )
    files.unet(files.SD1_UNET).save_config(config / "unet")
    files.vae().save_config(config / "vae")
    files.text_encoder().config.save_pretrained(config / "text_encoder")
    from stripstudio.engines.diffusers.configs import SD15_CONFIG_DIR

    (config / "scheduler").mkdir()
    (config / "scheduler" / "scheduler_config.json").write_text(
        (SD15_CONFIG_DIR / "scheduler" / "scheduler_config.json").read_text()
    )
    request = sd15(model=ModelRef(checkpoint=str(checkpoint), config=str(config)))
    (image,) = engine.run(request, lambda event: None)
    assert image.image.size == (64, 64)
    assert engine.cache.get(request.model).family == "sd1"


def test_a_refiner_or_sd2_checkpoint_is_refused_naming_its_family(engine, tmp_path):
    from stripstudio.generation.errors import InvalidRequest

    from ...models import family_files as files

    checkpoint = files.write_checkpoint(tmp_path / "sd2.safetensors", "sd2")
    with pytest.raises(InvalidRequest, match="SD 2.x checkpoint"):
        engine.run(sd15(model=ModelRef(checkpoint=str(checkpoint))), lambda event: None)


def test_a_lora_of_the_other_family_is_refused_naming_both_files(engine, tmp_path):
    from stripstudio.generation.capabilities import check_request
    from stripstudio.generation.errors import InvalidRequest

    sd1_lora = write_lora(tmp_path / "old-style.safetensors", "sd1")
    sdxl_lora = write_lora(tmp_path / "xl-style.safetensors", "sdxl")
    xl = sd15(model=ModelRef(checkpoint="tiny-random-sdxl"), loras=(LoraSpec(name=str(sd1_lora)),))
    (problem,) = check_request(engine, xl)
    assert problem.field == "loras[0]"
    assert "(SD 1.x LoRA) does not fit 'tiny-random-sdxl' (SDXL checkpoint)" in problem.message
    with pytest.raises(InvalidRequest, match="does not fit"):
        engine.run(xl, lambda event: None)
    tagged = sd15(prompt=f"a cat <lora:{sdxl_lora}:0.7>")
    (problem,) = check_request(engine, tagged)
    assert "(SDXL LoRA) does not fit 'tiny-random-sd15' (SD 1.x checkpoint)" in problem.message
    assert check_request(engine, sd15(loras=(LoraSpec(name=str(sd1_lora)),))) == []


def test_clip_skip_reads_an_earlier_layer_on_sd1_and_is_refused_on_sdxl(engine):
    from stripstudio.generation.errors import InvalidRequest

    last = pixels(draw(engine)[0])
    skipped = pixels(draw(engine, clip_skip=2)[0])
    assert skipped != last and skipped == pixels(draw(engine, clip_skip=2)[0])
    with pytest.raises(InvalidRequest, match="clip_skip"):
        draw(engine, model=ModelRef(checkpoint="tiny-random-sdxl"), clip_skip=2)
