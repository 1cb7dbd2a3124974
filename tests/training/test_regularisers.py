"""min-SNR-gamma loss weights and kohya's max-norm regularisation of the LoRA updates."""

from __future__ import annotations

import pytest
import torch
from diffusers import DDPMScheduler

from stripstudio.training.losses import min_snr_weights
from stripstudio.training.network import ADAPTER, TrainingModel, drop_rank_activations
from stripstudio.training.optim import scale_weight_norms


def scheduler(prediction_type: str = "epsilon") -> DDPMScheduler:
    return DDPMScheduler(
        beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012, prediction_type=prediction_type
    )


def test_min_snr_weights_cap_the_easy_low_noise_timesteps():
    timesteps = torch.tensor([0, 100, 500, 999])
    snr = scheduler().alphas_cumprod[timesteps] / (1 - scheduler().alphas_cumprod[timesteps])
    weights = min_snr_weights(scheduler(), timesteps, gamma=5.0)
    assert weights.tolist() == pytest.approx(torch.clamp(snr, max=5.0).div(snr).tolist())
    assert weights[0] < 0.01 and weights[-1] == 1.0  # near-clean steps count little, noisy ones fully
    velocity = min_snr_weights(scheduler("v_prediction"), timesteps, gamma=5.0)
    assert velocity.tolist() == pytest.approx(torch.clamp(snr, max=5.0).div(snr + 1).tolist())


def lora_model(scales: list[float]) -> TrainingModel:
    """Linear layers with rank-2 LoRAs whose updates are ``scale`` times a unit-norm-ish matrix."""
    from peft import LoraConfig, inject_adapter_in_model

    layers = torch.nn.Sequential(*[torch.nn.Linear(8, 8) for _ in scales])
    config = LoraConfig(r=2, lora_alpha=1, target_modules=[str(i) for i in range(len(scales))])
    inject_adapter_in_model(config, layers, adapter_name=ADAPTER)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for layer, scale in zip(layers, scales, strict=True):
            layer.lora_A[ADAPTER].weight.copy_(torch.randn(2, 8, generator=generator))
            layer.lora_B[ADAPTER].weight.copy_(torch.randn(8, 2, generator=generator))
            norm = update(layer).norm()
            layer.lora_B[ADAPTER].weight.mul_(scale / norm)
    return TrainingModel(None, "test", torch.device("cpu"), torch.float32, None, trained={"unet": layers})


def update(layer) -> torch.Tensor:
    return layer.lora_B[ADAPTER].weight @ layer.lora_A[ADAPTER].weight * layer.scaling[ADAPTER]


def test_max_norm_scales_back_only_the_updates_above_the_limit():
    model = lora_model([0.3, 0.8, 3.0, 10.0])
    before = [update(layer).clone() for layer in model.trained["unet"]]
    scale_weight_norms(model, max_norm=1.0)
    after = [update(layer) for layer in model.trained["unet"]]
    assert torch.equal(after[0], before[0]) and torch.equal(after[1], before[1])  # within bounds: untouched
    for index in (2, 3):
        assert after[index].norm().item() == pytest.approx(1.0, rel=1e-4)
        assert torch.allclose(after[index] * before[index].norm(), before[index], atol=1e-4)  # same direction


def test_network_dropout_drops_rank_activations_while_training_only():
    layers = lora_model([1.0]).trained["unet"]
    drop_rank_activations(layers, 0.5)
    layer = layers[0]
    seen: list[torch.Tensor] = []
    layer.lora_B[ADAPTER].register_forward_pre_hook(lambda module, inputs: seen.append(inputs[0]))
    x = torch.randn(64, 8, generator=torch.Generator().manual_seed(1))
    layers.eval()
    clean = layer.lora_A[ADAPTER](x)
    layers.train()
    first, second = layers(x), layers(x)
    dropped = seen[0]
    assert not torch.equal(first, second)  # a new mask each call
    zeroed = dropped == 0
    assert 0.3 < zeroed.float().mean().item() < 0.7  # about half of the rank activations
    assert torch.allclose(dropped[~zeroed], clean[~zeroed] * 2)  # the rest scaled by 1/(1-p), as kohya's
    layers.eval()
    assert torch.equal(layers(x), layers(x))
