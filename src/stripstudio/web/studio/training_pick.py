"""Picking a training run's epoch: its LoRA becomes one of the author's models, and the character uses it.

The file is installed the way an uploaded LoRA is (a model asset of the author, listed by the model
library under its name); the character's LoRA list gets it (in place of a LoRA an earlier pick of the
same dataset attached) and its trigger words the dataset's trigger.
"""

from __future__ import annotations

from django.db import transaction

from stripstudio import domain
from stripstudio.jobs.storage import stored_name, stored_path
from stripstudio.web.studio import models
from stripstudio.web.studio.api.validation import domain_errors
from stripstudio.web.studio.convert import character_spec, domain_character


def lora_name(run: models.TrainingRun, epoch: int) -> str:
    """The name the picked LoRA is known by in the library and in the character's LoRA list."""
    return f"{run.dataset.trigger}-run{run.pk}-epoch{epoch}"


def attach_epoch(owner, run: models.TrainingRun, saved: models.TrainingEpoch) -> tuple[str, list[str]]:
    """Install ``saved``'s LoRA for ``owner`` and attach it with the trigger word to the run's character;
    returns the LoRA's name and the character's trigger words."""
    dataset = run.dataset
    character = dataset.character
    name = lora_name(run, saved.epoch)
    file_name = stored_name(saved.lora_file)
    earlier = set(
        models.TrainingRun.objects.filter(dataset__character=character, lora__isnull=False).values_list(
            "lora__name", flat=True
        )
    )
    with transaction.atomic():
        asset = models.Asset.objects.filter(owner=owner, kind=models.Asset.Kind.MODEL, name=f"{name}.safetensors")
        installed = asset.first() or models.Asset.objects.create(
            owner=owner,
            kind=models.Asset.Kind.MODEL,
            file=file_name,
            name=f"{name}.safetensors",
            sha256=file_name.rsplit("/", 1)[-1].split(".")[0],
            size=stored_path(file_name).stat().st_size,
            comic=character.comic,
        )
        current = domain_character(character)
        replaced = {entry.removesuffix(".safetensors") for entry in earlier}
        loras = [lora for lora in current.loras if lora.name.removesuffix(".safetensors") not in replaced]
        triggers = current.trigger_words + ([dataset.trigger] if dataset.trigger not in current.trigger_words else [])
        with domain_errors("character"):
            updated = domain.Character.model_validate(
                {**current.model_dump(), "loras": [*loras, domain.LoraRef(name=name)], "trigger_words": triggers}
            )
        character.spec = character_spec(updated)
        character.save(update_fields=["spec", "updated_at"])
        run.picked_epoch, run.lora = saved.epoch, installed
        run.save(update_fields=["picked_epoch", "lora", "updated_at"])
    return name, updated.trigger_words
