"""Saved images carry A1111 ``parameters`` and the request JSON, readable by third-party parsers."""

from __future__ import annotations

from PIL import Image
from sd_parsers import ParserManager

from stripstudio.generation import GeneratedImage, GenerationRequest, LoraSpec, ModelRef
from stripstudio.generation.metadata import a1111_parameters, lora_tag


def request() -> GenerationRequest:
    return GenerationRequest(
        model=ModelRef(checkpoint="tiny-random-sdxl"),
        prompt="((cartoon style)), a man, reading",
        negative_prompt="ugly, blurry",
        loras=(LoraSpec(name="leo", strength_model=0.8, strength_clip=0.6),),
        seed=1234,
        width=832,
        height=1216,
        num_inference_steps=25,
        guidance_scale=7.5,
    )


def test_parameters_text_has_every_field():
    text = a1111_parameters(request(), model_name="dynavisionXL")
    prompt, negative, fields = text.split("\n")
    assert prompt == "((cartoon style)), a man, reading <lora:leo:0.8:0.6>"
    assert negative == "Negative prompt: ugly, blurry"
    for expected in (
        "Steps: 25",
        "Sampler: DPM++ 2M",
        "Schedule type: Karras",
        "CFG scale: 7.5",
        "Seed: 1234",
        "Size: 832x1216",
        "Model: dynavisionXL",
    ):
        assert expected in fields


def test_lora_tag_writes_one_number_when_both_strengths_match():
    assert lora_tag("leo", 0.7, 0.7) == "<lora:leo:0.7>"
    assert lora_tag("leo", 1, 0.5) == "<lora:leo:1:0.5>"


def test_saved_png_is_read_back_by_sd_parsers(tmp_path):
    single = request()
    image = GeneratedImage(Image.new("RGB", (64, 64)), single, 0, a1111_parameters(single, model_name="tiny"))
    path = image.save(tmp_path / "out.png")
    info = ParserManager().parse(str(path))
    sampler = info.samplers[0]
    assert sampler.name == "DPM++ 2M"
    assert sampler.parameters["seed"] == "1234" and sampler.parameters["steps"] == "25"
    assert sampler.parameters["cfg_scale"] == "7.5"
    assert sampler.model.name == "tiny"
    assert "<lora:leo:0.8:0.6>" in sampler.prompts[0].value
    assert sampler.negative_prompts[0].value == "ugly, blurry"
    with Image.open(path) as reopened:
        assert GenerationRequest.from_json(reopened.text["stripstudio"]) == single


def test_save_is_atomic_no_partial_file_left(tmp_path):
    single = request()
    GeneratedImage(Image.new("RGB", (8, 8)), single, 0, "p").save(tmp_path / "a.png")
    assert [p.name for p in tmp_path.iterdir()] == ["a.png"]
