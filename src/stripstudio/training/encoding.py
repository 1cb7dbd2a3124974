"""Images to latents and captions to text embeddings, each computed once when it can be.

Latents are cached once per image (``cache_latents``; always in the low-memory profile). Text
embeddings are cached once per caption whenever the text encoders are frozen; when they are
trained, each step encodes its captions with gradients. The VAE encodes in float32: SDXL's VAE
overflows in float16. Once everything is cached, the low-memory profile moves the VAE and the
frozen text encoders off the GPU.
"""

from __future__ import annotations

import torch

from stripstudio.training.batches import Item, pixels
from stripstudio.training.network import TrainingModel
from stripstudio.training.spec import TrainingSettings

TextEmbeddings = tuple[torch.Tensor, torch.Tensor]


class Encoder:
    """Latents and text embeddings for the trainer, cached according to the settings."""

    def __init__(self, model: TrainingModel, items: list[Item], settings: TrainingSettings):
        self.model = model
        self.items = items
        self.train_text = settings.train_text_encoders
        self.cache_latents = settings.effective().cache_latents
        self.seed = settings.seed
        self._latents: dict[int, torch.Tensor] = {}
        self._text: dict[str, TextEmbeddings] = {}
        if model.pipe.vae.dtype != torch.float32:
            model.pipe.vae.to(dtype=torch.float32)
        if self.cache_latents:
            for index in range(len(items)):
                self._latents[index] = self._encode_image(index)
        if not self.train_text:
            with torch.no_grad():
                for caption in sorted({item.image.caption for item in items}):
                    self._text[caption] = self._encode_text([caption])
        if settings.memory_profile == "low" and model.device.type == "cuda":
            self._offload()

    def latents(self, batch: list[int]) -> torch.Tensor:
        """The scaled VAE latents of the batch's items, in the base weights' dtype."""
        latents = [self._latents[i] if i in self._latents else self._encode_image(i) for i in batch]
        return torch.stack(latents).to(self.model.weight_dtype)

    def text(self, batch: list[int]) -> TextEmbeddings:
        """(prompt embeddings, pooled embeddings) of the batch's captions."""
        captions = [self.items[i].image.caption for i in batch]
        if self.train_text:
            return self._encode_text(captions)
        pairs = [self._text[caption] for caption in captions]
        return torch.cat([p[0] for p in pairs]), torch.cat([p[1] for p in pairs])

    def _encode_image(self, index: int) -> torch.Tensor:
        vae = self.model.pipe.vae
        # One generator per image: the cached sample is the same whatever the order or the cache setting.
        generator = torch.Generator().manual_seed(self.seed * 7919 + index)
        with torch.no_grad():
            image = pixels(self.items[index]).unsqueeze(0).to(self.model.device, torch.float32)
            distribution = vae.encode(image).latent_dist
            noise = torch.randn(distribution.mean.shape, generator=generator).to(self.model.device)
            sample = distribution.mean + distribution.std * noise
        return sample[0] * vae.config.scaling_factor

    def _encode_text(self, captions: list[str]) -> TextEmbeddings:
        prompt_embeds, _, pooled, _ = self.model.pipe.encode_prompt(
            captions, device=self.model.device, num_images_per_prompt=1, do_classifier_free_guidance=False
        )
        return prompt_embeds, pooled

    def _offload(self) -> None:
        pipe = self.model.pipe
        pipe.vae.to("cpu")
        pipe.text_encoder.to("cpu")
        pipe.text_encoder_2.to("cpu")
        torch.cuda.empty_cache()
