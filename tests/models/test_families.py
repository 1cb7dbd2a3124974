"""Model family detection from tiny random files in the real key layouts, and refusal messages."""

from __future__ import annotations

import pytest

from stripstudio.modelfiles import read_safetensors_header
from stripstudio.models.families import Detection, Family, Kind, detect, detect_file, fits, mismatch_message

from . import family_files as files


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("families")


CHECKPOINTS = [
    ("sd1", False, Family.SD1, ""),
    ("sd1", True, Family.SD1, "inpaint"),
    ("sd2", False, Family.SD2, ""),
    ("sdxl", False, Family.SDXL, ""),
    ("sdxl", True, Family.SDXL, "inpaint"),
    ("sdxl-refiner", False, Family.SDXL_REFINER, ""),
]


@pytest.mark.parametrize(("family", "inpaint", "expected", "variant"), CHECKPOINTS)
def test_original_checkpoints(folder, family, inpaint, expected, variant):
    path = files.write_checkpoint(folder / f"{family}-{inpaint}.safetensors", family, inpaint=inpaint)
    assert detect_file(path) == Detection(Kind.CHECKPOINT, expected, "original", variant)


@pytest.mark.parametrize(("family", "expected"), [("sd1", Family.SD1), ("sdxl", Family.SDXL)])
def test_diffusers_unet_files(folder, family, expected):
    path = files.write_diffusers_unet(folder / f"unet-{family}.safetensors", family)
    assert detect_file(path) == Detection(Kind.UNET, expected, "diffusers")


def test_the_sdxl_single_file_the_engine_loads_is_sdxl(folder):
    from tests.engines.diffusers.model_files import write_tiny_single_file

    path = write_tiny_single_file(folder / "engine-single-file.safetensors")
    assert detect_file(path).family is Family.SDXL


LORAS = [
    ("sd1", "kohya", False, Kind.LORA, Family.SD1),
    ("sd1", "diffusers", False, Kind.LORA, Family.SD1),
    ("sd1", "kohya", True, Kind.LYCORIS, Family.SD1),
    ("sdxl", "kohya", False, Kind.LORA, Family.SDXL),
    ("sdxl", "kohya_diffusers_names", False, Kind.LORA, Family.SDXL),
    ("sdxl", "diffusers", False, Kind.LORA, Family.SDXL),
    ("sdxl", "kohya", True, Kind.LYCORIS, Family.SDXL),
]


@pytest.mark.parametrize(("family", "key_format", "lycoris", "kind", "expected"), LORAS)
def test_loras(folder, family, key_format, lycoris, kind, expected):
    path = files.write_lora(
        folder / f"lora-{family}-{key_format}-{lycoris}.safetensors", family, key_format, lycoris=lycoris
    )
    found = detect_file(path)
    assert (found.kind, found.family) == (kind, expected)


def test_unet_only_loras_are_told_apart_by_their_first_attention_level(folder):
    for family, expected in (("sd1", Family.SD1), ("sdxl", Family.SDXL)):
        path = files.write_lora(folder / f"unet-only-{family}.safetensors", family, "kohya")
        header = read_safetensors_header(path)
        unet_only = {k: v for k, v in header.items() if k == "__metadata__" or k.startswith("lora_unet_")}
        assert detect(unet_only).family is expected


def test_the_engine_test_loras_are_sdxl(folder):
    from tests.engines.diffusers.model_files import LORA_KEY_FORMATS, write_tiny_lora

    for key_format in LORA_KEY_FORMATS:
        path = write_tiny_lora(folder / f"engine-{key_format}.safetensors", key_format=key_format)
        assert detect_file(path) == Detection(
            Kind.LORA, Family.SDXL, "diffusers" if key_format == "diffusers" else "kohya"
        )


@pytest.mark.parametrize("layout", ["diffusers", "original"])
@pytest.mark.parametrize(("family", "expected"), [("sd1", Family.SD1), ("sdxl", Family.SDXL)])
def test_controlnets(folder, family, layout, expected):
    path = files.write_controlnet(folder / f"controlnet-{family}-{layout}.safetensors", family, layout)
    assert detect_file(path) == Detection(Kind.CONTROLNET, expected, layout)


@pytest.mark.parametrize(("family", "expected"), [("sd1", Family.SD1), ("sdxl", Family.SDXL)])
def test_t2i_adapters(folder, family, expected):
    path = files.write_t2i_adapter(folder / f"adapter-{family}.safetensors", family)
    assert detect_file(path) == Detection(Kind.T2I_ADAPTER, expected, "diffusers")


@pytest.mark.parametrize("layout", ["diffusers", "original"])
def test_vaes_fit_every_stable_diffusion_family(folder, layout):
    path = files.write_vae(folder / f"vae-{layout}.safetensors", layout)
    found = detect_file(path)
    assert found == Detection(Kind.VAE, Family.SD_VAE, layout)
    for family in (Family.SD1, Family.SD2, Family.SDXL):
        assert fits(Detection(Kind.CHECKPOINT, family), found)


@pytest.mark.parametrize(("width", "expected"), [(768, Family.SD1), (2048, Family.SDXL)])
@pytest.mark.parametrize("plus", [False, True])
def test_ip_adapters(folder, width, expected, plus):
    path = files.write_ip_adapter(folder / f"ip-{width}-{plus}.safetensors", width, plus=plus)
    assert detect_file(path) == Detection(Kind.IP_ADAPTER, expected, "ip-adapter", "plus" if plus else "")


def test_image_encoders(folder):
    path = files.write_clip_vision(folder / "clip-vision.safetensors")
    assert detect_file(path).kind is Kind.CLIP_VISION


def test_a_file_of_nothing_known_is_unknown():
    assert detect({"weight": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}) == Detection(
        Kind.UNKNOWN, Family.UNKNOWN
    )


def test_detection_is_cached_by_layout(folder, monkeypatch):
    path = files.write_vae(folder / "cached-vae.safetensors")
    first = detect_file(path)
    calls = []
    monkeypatch.setattr("stripstudio.models.families.detect", lambda header: calls.append(header))
    assert detect_file(path) == first
    assert calls == []


SDXL_CHECKPOINT = Detection(Kind.CHECKPOINT, Family.SDXL, "original")
SD1_CHECKPOINT = Detection(Kind.CHECKPOINT, Family.SD1, "original")


def test_an_sd1_lora_on_sdxl_is_refused_naming_both_files_and_families():
    message = mismatch_message(
        "dynavisionXL.safetensors", SDXL_CHECKPOINT, "cute_style.safetensors", Detection(Kind.LORA, Family.SD1, "kohya")
    )
    assert message == (
        "'cute_style.safetensors' (SD 1.x LoRA) does not fit 'dynavisionXL.safetensors' (SDXL checkpoint): "
        "use a lora made for SDXL, or a SD 1.x checkpoint"
    )


def test_an_sdxl_controlnet_on_sd1_is_refused():
    message = mismatch_message(
        "v1-5.safetensors", SD1_CHECKPOINT, "canny-xl.safetensors", Detection(Kind.CONTROLNET, Family.SDXL)
    )
    assert message is not None
    assert "'canny-xl.safetensors' (SDXL controlnet)" in message
    assert "'v1-5.safetensors' (SD 1.x checkpoint)" in message


def test_an_sdxl_lora_does_not_fit_the_refiner():
    refiner = Detection(Kind.CHECKPOINT, Family.SDXL_REFINER)
    assert not fits(refiner, Detection(Kind.LORA, Family.SDXL))


def test_matching_or_unknown_families_fit():
    assert mismatch_message("a", SDXL_CHECKPOINT, "b", Detection(Kind.LORA, Family.SDXL)) is None
    assert mismatch_message("a", SDXL_CHECKPOINT, "b", Detection(Kind.LORA, Family.UNKNOWN)) is None
    assert (
        mismatch_message("a", Detection(Kind.CHECKPOINT, Family.UNKNOWN), "b", Detection(Kind.LORA, Family.SD1)) is None
    )


def test_the_library_hashes_a_bounded_amount_per_listing_and_the_rest_later(tmp_path):
    from stripstudio.models.library import ModelLibrary

    for name in ("a", "b", "c"):
        files.write_vae(tmp_path / "vae" / f"{name}.safetensors")
    size = (tmp_path / "vae" / "a.safetensors").stat().st_size
    library = ModelLibrary([tmp_path], tmp_path / "hashes.json", hash_budget=int(size * 1.5))
    first = [model.sha256 for model in library.models()]
    assert sum(1 for digest in first if digest) == 1
    second = [model.sha256 for model in library.models()]
    assert sum(1 for digest in second if digest) == 2
    third = ModelLibrary([tmp_path], tmp_path / "hashes.json", hash_budget=int(size * 1.5)).models()
    assert all(model.sha256 for model in third)  # the cache file keeps what earlier listings hashed
