"""The studio's tables. Every row belongs to one author (``owner``), so every query can filter on it.

Comic content keeps the core's shape: the parts of a domain object that need no relation of their
own live in a JSON ``spec`` validated by the domain model, so the database and the comic script
never disagree about what a panel is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Owned(models.Model):
    """A row that belongs to one author."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Comic(Owned):
    """A comic: title and series data as columns; style, generation defaults and layout in ``spec``."""

    title = models.CharField(max_length=200)
    spec = models.JSONField(default=dict, help_text="Comic fields other than characters and panels.")

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Asset(Owned):
    """An uploaded file: a sketch, a mask, a reference image, an init image or a LoRA/checkpoint."""

    class Kind(models.TextChoices):
        IMAGE = "image"
        MODEL = "model"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(max_length=300)
    name = models.CharField(max_length=120, help_text="The uploader's file name, for display only.")
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    width = models.IntegerField(null=True, blank=True)
    height = models.IntegerField(null=True, blank=True)
    comic = models.ForeignKey(Comic, null=True, blank=True, on_delete=models.CASCADE, related_name="assets")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name


class Character(Owned):
    """A character of a comic; ``spec`` is the domain Character without its reference images."""

    comic = models.ForeignKey(Comic, on_delete=models.CASCADE, related_name="characters")
    name = models.CharField(max_length=100)
    position = models.IntegerField(default=0)
    spec = models.JSONField(default=dict)
    reference_images = models.ManyToManyField(Asset, blank=True, related_name="+")

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["comic", "name"], name="unique_character_name")]

    def __str__(self) -> str:
        return self.name


class Panel(Owned):
    """A panel of a comic, in ``position`` order; ``spec`` is the domain Panel without sketch and bubbles."""

    comic = models.ForeignKey(Comic, on_delete=models.CASCADE, related_name="panels")
    position = models.IntegerField(default=0)
    spec = models.JSONField(default=dict)
    sketch = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"panel {self.position + 1} of {self.comic_id}"


class Bubble(Owned):
    """Lettering on a panel, in stacking ``position`` order; ``spec`` is the domain Bubble."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="bubbles")
    position = models.IntegerField(default=0)
    spec = models.JSONField(default=dict)

    class Meta:
        ordering = ["position", "id"]


class GeneratedImage(Owned):
    """A candidate a generation job drew for a panel; one per panel may be picked."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="images")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="images")
    candidate = models.IntegerField(help_text="0-based index of the candidate within its job.")
    file = models.FileField(max_length=300)
    seed = models.BigIntegerField()
    width = models.IntegerField()
    height = models.IntegerField()
    parameters = models.JSONField(default=dict, help_text="The single-image request that redraws this image.")
    picked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "candidate"]
        constraints = [
            models.UniqueConstraint(fields=["job", "candidate"], name="one_image_per_job_candidate"),
            models.UniqueConstraint(
                fields=["panel"], condition=models.Q(picked=True), name="one_picked_image_per_panel"
            ),
        ]


class Export(Owned):
    """A file an export job wrote: webtoon slices (zip), tall PNG, PDF or CBZ."""

    comic = models.ForeignKey(Comic, on_delete=models.CASCADE, related_name="exports")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="exports")
    format = models.CharField(max_length=10)
    file = models.FileField(max_length=300)
    name = models.CharField(max_length=200, help_text="The download's file name.")
    size = models.BigIntegerField()
    warnings = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at", "format"]
