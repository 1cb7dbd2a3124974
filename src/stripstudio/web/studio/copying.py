"""Duplicating a comic: new rows for every character, panel and bubble; files are shared (content-addressed)."""

from __future__ import annotations

from stripstudio.web.studio import models


def copy_comic(source: models.Comic) -> models.Comic:
    """A copy of ``source`` owned by the same author, with picked images carried over (call in a transaction)."""
    copy = models.Comic.objects.create(owner=source.owner, title=f"{source.title} (copy)"[:200], spec=source.spec)
    for character in source.characters.all():
        references = list(character.reference_images.all())
        character.pk, character.comic = None, copy
        character.save()
        character.reference_images.set(references)
    for panel in source.panels.prefetch_related("bubbles", "images"):
        bubbles = list(panel.bubbles.all())
        picked = [image for image in panel.images.all() if image.picked]
        panel.pk, panel.comic = None, copy
        panel.save()
        for bubble in bubbles:
            bubble.pk, bubble.panel = None, panel
            bubble.save()
        for image in picked:
            image.pk, image.panel, image.job = None, panel, None
            image.save()
    return copy
