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
    cover = models.ForeignKey(
        "GeneratedImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The picture on the comic's card; none: the first panel's picked picture.",
    )

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


class TrainingDataset(Owned):
    """Photos of a character to train a LoRA on, prepared into a kohya-layout folder (see training.dataset).

    ``captions`` keeps the captions the author edited, by prepared image name, so that preparing the
    folder again (after more photos arrive) keeps them; ``problems`` lists what the last preparation
    could not use, by file name; ``prepared_photos`` the photos (by id) the folder was last prepared from."""

    class Mode(models.TextChoices):
        FACE_CROP = "face-crop"
        BUCKETS = "buckets"

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="training_datasets")
    trigger = models.CharField(max_length=100)
    class_word = models.CharField(max_length=100)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.FACE_CROP)
    resolution = models.IntegerField(default=1024)
    repeats = models.IntegerField(default=20)
    captions = models.JSONField(default=dict)
    problems = models.JSONField(default=list)
    prepared_photos = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at", "-id"]


class TrainingPhoto(Owned):
    """A picture uploaded into a training dataset, as uploaded (re-encoded, without metadata): a photo of
    the character, or a regularisation image (a photo of the class, e.g. other men, never the character)."""

    class Role(models.TextChoices):
        PHOTO = "photo"
        REGULARISATION = "regularisation"

    dataset = models.ForeignKey(TrainingDataset, on_delete=models.CASCADE, related_name="photos")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PHOTO)
    file = models.FileField(max_length=300)
    name = models.CharField(max_length=120, help_text="The uploader's file name, for display only.")
    sha256 = models.CharField(max_length=64)
    width = models.IntegerField()
    height = models.IntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["dataset", "sha256"], name="one_copy_of_a_photo_per_dataset")]


class TrainingRun(Owned):
    """One training of a dataset: its settings, its job, and the epoch the author picked (if any)."""

    dataset = models.ForeignKey(TrainingDataset, on_delete=models.CASCADE, related_name="runs")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    settings = models.JSONField(default=dict)
    total_steps = models.IntegerField()
    picked_epoch = models.IntegerField(null=True, blank=True)
    lora = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    stop_requested = models.BooleanField(
        default=False, help_text="The author asked to stop training and keep the epochs saved so far."
    )

    class Meta:
        ordering = ["-created_at", "-id"]


class TrainingEpoch(Owned):
    """A saved epoch of a run: its LoRA file and the test grid drawn with it (``grid``: row, label, file)."""

    run = models.ForeignKey(TrainingRun, on_delete=models.CASCADE, related_name="epochs")
    epoch = models.IntegerField()
    step = models.IntegerField()
    lora_file = models.FileField(max_length=300)
    grid = models.JSONField(default=list)

    class Meta:
        ordering = ["epoch"]
        constraints = [models.UniqueConstraint(fields=["run", "epoch"], name="one_row_per_saved_epoch")]


class Portrait(Owned):
    """A portrait a character sheet drew: kept in the character's history until deleted with it."""

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="portraits")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    candidate = models.IntegerField(help_text="0-based index of the portrait within its sheet.")
    file = models.FileField(max_length=300)
    seed = models.BigIntegerField()
    width = models.IntegerField()
    height = models.IntegerField()

    class Meta:
        ordering = ["-created_at", "candidate"]


class SheetJob(models.Model):
    """Which character a character-sheet job draws, so its portraits land in that character's history."""

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="+")
    job = models.OneToOneField("jobs.Job", on_delete=models.CASCADE, related_name="+")


class Batch(Owned):
    """Jobs queued together by "generate the whole comic", followed and cancelled as one."""

    comic = models.ForeignKey(Comic, on_delete=models.CASCADE, related_name="batches")
    jobs = models.ManyToManyField("jobs.Job", related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
