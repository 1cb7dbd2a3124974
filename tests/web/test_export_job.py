"""Export jobs: a cancel set part-way stops the export at its next checkpoint, the job ends cancelled
and no Export row or file is left; too many page pixels are refused before any panel is read."""

from __future__ import annotations

import io
import threading
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from stripstudio import domain
from stripstudio.export import episode
from stripstudio.jobs.execution import _run
from stripstudio.jobs.lifecycle import claim
from stripstudio.jobs.models import Job
from stripstudio.jobs.storage import store_bytes
from stripstudio.web.studio import models
from stripstudio.web.studio.convert import comic_spec, panel_spec
from stripstudio.web.studio.runners import exporting

PANELS = 12


def make_comic(owner, panels: int, page: domain.PageLayout | None = None) -> models.Comic:
    layout = domain.Layout(mode="pages", page=page or domain.PageLayout(dpi=72, preset="2x2"))
    comic = domain.Comic(title="Cancelled", layout=layout, panels=[domain.Panel(description="x")] * panels)
    row = models.Comic.objects.create(owner=owner, title=comic.title, spec=comic_spec(comic))
    for position, panel in enumerate(comic.panels):
        panel_row = models.Panel.objects.create(owner=owner, comic=row, position=position, spec=panel_spec(panel))
        buffer = io.BytesIO()
        Image.new("RGB", (64, 80), (position * 20, 90, 160)).save(buffer, "PNG")
        name, _sha = store_bytes(buffer.getvalue(), ".png")
        models.GeneratedImage.objects.create(
            owner=owner, panel=panel_row, candidate=0, file=name, seed=1, width=64, height=80, picked=True
        )
    return row


def test_a_cancel_part_way_stops_the_export_at_the_next_checkpoint_and_saves_nothing(runtime, monkeypatch):
    owner = get_user_model().objects.create_user("exporter")
    comic = make_comic(owner, PANELS)
    job = Job.objects.create(owner=owner, kind=Job.Kind.EXPORT, comic_id=comic.pk, request={"formats": ["pdf"]})
    lease = claim(job.pk, "test-worker", 30)
    keeper = SimpleNamespace(cancel=threading.Event(), lost=False)
    opened, pages_after_cancel = [], []
    real_open, real_page_file = exporting._open, episode.page_file

    def open_and_cancel_at_the_sixth(image):
        opened.append(keeper.cancel.is_set())
        if len(opened) == 6:
            keeper.cancel.set()  # as the lease keeper does when the author cancels
        return real_open(image)

    def counting_page_file(*args, **kwargs):
        pages_after_cancel.append(keeper.cancel.is_set())
        return real_page_file(*args, **kwargs)

    monkeypatch.setattr(exporting, "_open", open_and_cancel_at_the_sixth)
    monkeypatch.setattr(episode, "page_file", counting_page_file)
    _run(runtime, job, lease, keeper)

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and "cancelled" in job.message
    assert pages_after_cancel == [False]  # page 1 was encoded before the cancel; no page after it
    # Panels of page 2 already past their checkpoint when the cancel came may finish; none after them.
    assert len(opened) <= 8 and opened.count(True) <= 2
    assert not models.Export.objects.filter(comic=comic).exists()


def test_an_export_too_many_pixels_in_all_fails_naming_the_dpi_before_reading_a_panel(runtime, monkeypatch):
    owner = get_user_model().objects.create_user("exporter")
    comic = make_comic(owner, 40, domain.PageLayout(dpi=880, preset="single"))
    job = Job.objects.create(owner=owner, kind=Job.Kind.EXPORT, comic_id=comic.pk, request={"formats": ["pdf"]})
    monkeypatch.setattr(exporting, "_open", lambda image: pytest.fail("a panel was read"))
    _run(runtime, job, claim(job.pk, "test-worker", 30), SimpleNamespace(cancel=threading.Event(), lost=False))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error_type == "ExportError"
    assert "layout.page.dpi" in job.error_message and "gigapixel limit" in job.error_message
