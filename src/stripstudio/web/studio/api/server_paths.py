"""Names that must not reach into the server's disk.

On the command line a comic may name any file (a font, a LoRA, a checkpoint); in the studio the
author is not on the server's machine, so such fields take names only: bundled font families,
LoRA and checkpoint file names from the model folders (or hub ids), never paths. A name of a file
in a subfolder of the model folders (``loras/mia``, as the model library lists it) is a name too.
"""

from __future__ import annotations

from django.conf import settings

from stripstudio import domain
from stripstudio.lettering.fonts import default_fontbook
from stripstudio.web.studio.api.validation import invalid


def check_style(style: domain.Style, field: str = "style") -> None:
    """422 when the style's checkpoint, VAE or a LoRA is given as a path."""
    for name, value in (("checkpoint", style.checkpoint), ("vae", style.vae)):
        if value:
            check_checkpoint(value, f"{field}.{name}")
    check_loras(style.loras, f"{field}.loras")


def check_settings(comic: domain.Comic) -> None:
    """422 when the comic's style or its fast profile's own LoRA names a path."""
    check_style(comic.style)
    fast_lora = comic.generation.fast_lora
    if fast_lora and _is_path(fast_lora, allow_hub_id=False):
        raise invalid(
            "generation.fast_lora", "give a LoRA file name from the model folders or your uploads, not a path"
        )


def check_checkpoint(value: str, field: str) -> None:
    """422 when a checkpoint is given as a path rather than a model file name or a hub id."""
    if _is_path(value, allow_hub_id=True):
        raise invalid(field, "give a model file name or a hub id (org/name), not a path")


def check_loras(loras: list[domain.LoraRef], field: str = "loras") -> None:
    """422 when a LoRA is given as a path rather than a file name."""
    for index, lora in enumerate(loras):
        if _is_path(lora.name, allow_hub_id=False):
            message = "give a LoRA file name from the model folders or your uploads, not a path"
            raise invalid(f"{field}.{index}.name", message)


def check_font(bubble: domain.Bubble, field: str = "font") -> None:
    """422 when a bubble's font is not one of the studio's font families."""
    if bubble.font is None:
        return
    families = default_fontbook().families()
    if bubble.font.casefold() not in {family.casefold() for family in families}:
        raise invalid(field, f"unknown font {bubble.font!r}; choose one of: {', '.join(families)}")


def _is_path(value: str, *, allow_hub_id: bool) -> bool:
    parts = value.split("/")
    if value.startswith(("/", "~", ".")) or "\\" in value or ".." in parts or ":" in value:
        return True
    return len(parts) > (2 if allow_hub_id else 1) and not _in_model_folders(value)


def _in_model_folders(name: str) -> bool:
    """Whether ``name`` is a file in a subfolder of the model folders, as the model library names it."""
    folders = settings.STRIPSTUDIO.model_search_dirs()
    return any((folder / candidate).is_file() for folder in folders for candidate in (name, f"{name}.safetensors"))


def check_comic(comic: domain.Comic) -> None:
    """Every name of a whole comic (an imported script or project): style, fast LoRA, characters' LoRAs, fonts."""
    check_settings(comic)
    for i, character in enumerate(comic.characters):
        check_loras(character.loras, f"characters.{i}.loras")
    for i, panel in enumerate(comic.panels):
        for j, bubble in enumerate(panel.bubbles):
            check_font(bubble, f"panels.{i}.bubbles.{j}.font")
