"""Training lowers the loss on the image it over-fits."""

from __future__ import annotations

import statistics

from stripstudio.training.trainer import train

from .conftest import make_dataset, tiny_settings

STEPS = 30
BATCH = 8


def losses(photo, tmp_path, unet_lr: float) -> list[float]:
    """Per-step losses of training on one photo: batches of 8 copies, so each step averages 8 noise draws."""
    settings = tiny_settings(
        epochs=1,
        unet_lr=unet_lr,
        network_dim=8,
        network_alpha=8.0,
        network_dropout=0.0,
        batch_size=BATCH,
        scale_weight_norms=None,
        min_snr_gamma=None,
    )
    reported: list = []
    train(make_dataset([photo], repeats=STEPS * BATCH), settings, tmp_path, on_progress=reported.append, device="cpu")
    return [progress.loss for progress in reported]


def test_the_loss_on_a_single_over_fitted_image_falls(photos, tmp_path):
    trained = losses(photos[0], tmp_path / "trained", unet_lr=1e-2)
    # The same run with a learning rate too small to move the weights draws the very same noise and
    # timesteps (the seed fixes them), so step by step the two losses differ only by what was learnt.
    untrained = losses(photos[0], tmp_path / "untrained", unet_lr=1e-12)
    learnt = [a - b for a, b in zip(trained, untrained, strict=True)]
    assert len(learnt) == STEPS
    assert learnt[0] == 0.0  # the first step's loss is computed before any update
    first_half, second_half = learnt[: STEPS // 2], learnt[STEPS // 2 :]
    assert statistics.mean(second_half) < statistics.mean(first_half) < 0
    assert statistics.mean(second_half) < -0.005
    assert sum(difference < 0 for difference in second_half) >= 0.7 * len(second_half)
