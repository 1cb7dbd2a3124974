"""Trained peft LoRA weights as a kohya-ss sd-scripts SDXL LoRA file, with its ``ss_*`` metadata.

Keys are ``lora_unet_<module>``, ``lora_te1_<module>`` and ``lora_te2_<module>`` with
``.lora_down.weight``, ``.lora_up.weight`` and ``.alpha``, the UNet modules named as in the original
SDXL UNet (``input_blocks_4_1_transformer_blocks_0_attn1_to_q``), exactly as sd-scripts writes
them, so A1111, ComfyUI's LoraLoader, InvokeAI and diffusers all read the file. diffusers'
``convert_state_dict_to_kohya`` does the peft -> kohya renaming; this module adds sd-scripts' UNet
block names, the network alpha and the metadata.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path

import torch

from stripstudio.training.checkpoints import atomic_write
from stripstudio.training.kohya_layout import concept_folder_name
from stripstudio.training.spec import Dataset, TrainingSettings

_DOWN = re.compile(r"^lora_unet_down_blocks_(\d+)_attentions_(\d+)_")
_UP = re.compile(r"^lora_unet_up_blocks_(\d+)_attentions_(\d+)_")
_MID = re.compile(r"^lora_unet_mid_block_attentions_0_")
_TEXT = re.compile(r"^(lora_te[12]_)(?!text_model_)")


def kohya_state_dict(
    lora_state: dict[str, dict[str, torch.Tensor]],
    network_alpha: float,
    layers_per_block: int,
    dtype: torch.dtype = torch.float16,
) -> dict[str, torch.Tensor]:
    """kohya keys for the peft state dicts of ``unet``, ``text_encoder`` and ``text_encoder_2``."""
    from diffusers.utils.state_dict_utils import convert_state_dict_to_kohya

    prefixed = {
        f"{component}.{key}": tensor for component, state in lora_state.items() for key, tensor in state.items()
    }
    converted = convert_state_dict_to_kohya(prefixed)
    result = {}
    for key, tensor in converted.items():
        module, _, kind = key.partition(".")
        module = original_module_name(module, layers_per_block)
        if kind == "alpha":
            result[f"{module}.alpha"] = torch.tensor(float(network_alpha), dtype=dtype)
        else:
            result[f"{module}.{kind}"] = tensor.detach().to("cpu", dtype).contiguous()
    return result


def original_module_name(name: str, layers_per_block: int) -> str:
    """A diffusers-named kohya module name (``lora_unet_down_blocks_1_attentions_0_…``) in sd-scripts'
    SDXL naming (``lora_unet_input_blocks_4_1_…``); text-encoder modules get their ``text_model_`` level.

    The original UNet numbers each side's blocks in one sequence: a level has ``layers_per_block``
    layers and then a downsampler (input side) or one more layer (output side).
    """
    per_level = layers_per_block + 1
    if match := _DOWN.match(name):
        block = 1 + int(match[1]) * per_level + int(match[2])
        return f"lora_unet_input_blocks_{block}_1_" + name[match.end() :]
    if match := _UP.match(name):
        block = int(match[1]) * per_level + int(match[2])
        return f"lora_unet_output_blocks_{block}_1_" + name[match.end() :]
    if match := _MID.match(name):
        return "lora_unet_middle_block_1_" + name[match.end() :]
    return _TEXT.sub(r"\1text_model_", name)


def tag_frequency(dataset: Dataset) -> dict[str, dict[str, int]]:
    """kohya's ``ss_tag_frequency``: per dataset folder (``<repeats>_<trigger> <class>``), how often each
    comma-separated caption tag occurs."""
    folder = concept_folder_name(dataset.repeats, dataset.trigger, dataset.class_word)
    counts: Counter[str] = Counter()
    for image in dataset.images:
        counts.update(tag.strip() for tag in image.caption.split(",") if tag.strip())
    return {folder: dict(counts)}


def kohya_metadata(
    dataset: Dataset,
    settings: TrainingSettings,
    *,
    model_name: str,
    output_name: str,
    epoch: int,
    step: int,
    total_steps: int,
    started_at: float,
    optimizer: str,
    precision: str,
) -> dict[str, str]:
    """The ``ss_*`` metadata sd-scripts writes (all values strings), plus the trigger word
    (``ss_trigger_word`` and the SAI model spec's ``modelspec.trigger_phrase``). ``precision`` is the
    mixed precision actually used (``no`` where the device could not honour the setting)."""
    resolution = f"({settings.resolution}, {settings.resolution})"
    values: dict[str, object] = {
        "ss_base_model_version": "sdxl_base_v1-0",
        "ss_sd_model_name": model_name,
        "ss_network_module": "networks.lora",
        "ss_network_dim": settings.network_dim,
        "ss_network_alpha": settings.network_alpha,
        "ss_network_dropout": settings.network_dropout,
        "ss_resolution": resolution,
        "ss_num_epochs": settings.epochs,
        "ss_epoch": epoch,
        "ss_steps": step,
        "ss_max_train_steps": total_steps,
        "ss_learning_rate": settings.unet_lr,
        "ss_unet_lr": settings.unet_lr,
        "ss_text_encoder_lr": settings.text_encoder_lr,
        "ss_network_train_unet_only": not settings.train_text_encoders,
        "ss_min_snr_gamma": settings.min_snr_gamma,
        "ss_scale_weight_norms": settings.scale_weight_norms,
        "ss_mixed_precision": precision,
        "ss_lr_scheduler": settings.lr_scheduler,
        "ss_optimizer": optimizer,
        "ss_batch_size_per_device": settings.batch_size,
        "ss_gradient_checkpointing": settings.gradient_checkpointing,
        "ss_cache_latents": settings.cache_latents,
        "ss_seed": settings.seed,
        "ss_num_train_images": len(dataset.images) * dataset.repeats,
        "ss_num_reg_images": len(dataset.regularisation),
        "ss_tag_frequency": json.dumps(tag_frequency(dataset)),
        "ss_dataset_dirs": json.dumps(
            {concept_folder_name(dataset.repeats, dataset.trigger, dataset.class_word): _dir_entry(dataset)}
        ),
        "ss_output_name": output_name,
        "ss_training_started_at": started_at,
        "ss_training_finished_at": time.time(),
        "ss_trigger_word": dataset.trigger,
        "ss_v2": False,
        "modelspec.sai_model_spec": "1.0.0",
        "modelspec.architecture": "stable-diffusion-xl-v1-base/lora",
        "modelspec.implementation": "https://github.com/Stability-AI/generative-models",
        "modelspec.title": f"{output_name}-{epoch:06d}",
        "modelspec.resolution": f"{settings.resolution}x{settings.resolution}",
        "modelspec.trigger_phrase": dataset.trigger,
    }
    return {key: str(value) for key, value in values.items()}


def save_kohya_lora(path: Path, state: dict[str, torch.Tensor], metadata: dict[str, str]) -> Path:
    """Write the LoRA file atomically: readers see the old file or the whole new one, never a part."""
    from safetensors.torch import save_file

    atomic_write(path, lambda temporary: save_file(state, str(temporary), metadata=metadata))
    return path


def _dir_entry(dataset: Dataset) -> dict[str, int]:
    return {"n_repeats": dataset.repeats, "img_count": len(dataset.images)}
