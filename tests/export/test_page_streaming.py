"""Page exports drawn one page at a time: memory stays at a few pages whatever the page count, and a
checkpoint that raises (a cancelled job) stops the export at once, leaving no file behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from stripstudio.domain import Comic, Layout, PageLayout, Panel
from stripstudio.export import episode
from stripstudio.export.episode import ExportOptions, export_episode
from stripstudio.layout import PanelArt

ROOT = Path(__file__).resolve().parents[2]
COLOURS = [(200, 60, 60), (60, 200, 60), (60, 60, 200), (220, 200, 80)]


class DrawnOnDemand(Sequence[PanelArt]):
    """Flat-coloured panels made when asked for (as lettering does), recording each index asked for."""

    def __init__(self, count: int, size: tuple[int, int] = (512, 640), on_draw=None) -> None:
        self.count, self.size, self.on_draw = count, size, on_draw
        self.drawn: list[int] = []

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(self.count)[index]]
        self.drawn.append(index)
        if self.on_draw:
            self.on_draw(index)
        return PanelArt(f"p{index}", Image.new("RGB", self.size, COLOURS[index % 4]))


def paged_comic(panels: int, dpi: int) -> Comic:
    layout = Layout(mode="pages", page=PageLayout(paper="A4", dpi=dpi, preset="2x2"))
    return Comic(title="Long", layout=layout, panels=[Panel(description=f"panel {i}") for i in range(panels)])


class Stop(Exception):
    pass


def test_a_checkpoint_that_raises_stops_the_export_before_the_next_page_and_leaves_nothing(tmp_path, monkeypatch):
    cancelled = False
    encoded_after_cancel = []

    def cancel_on_panel_six(index: int) -> None:
        nonlocal cancelled
        cancelled = cancelled or index == 5

    def checkpoint() -> None:
        if cancelled:
            raise Stop

    real_page_file = episode.page_file

    def counting_page_file(*args, **kwargs):
        encoded_after_cancel.append(cancelled)
        return real_page_file(*args, **kwargs)

    monkeypatch.setattr(episode, "page_file", counting_page_file)
    art = DrawnOnDemand(40, on_draw=cancel_on_panel_six)
    with pytest.raises(Stop):
        export_episode(paged_comic(40, 72), art, tmp_path / "out", ExportOptions(name="long"), checkpoint)
    assert art.drawn == list(range(8))  # the first page, then the second page's slice; not one panel more
    assert encoded_after_cancel == [False, False]  # page 1 for print and for screens; nothing after the cancel
    assert not (tmp_path / "out").exists()


def test_a_forty_panel_export_draws_every_page_and_asks_for_each_panel_once(tmp_path):
    art = DrawnOnDemand(40)
    result = export_episode(paged_comic(40, 72), art, tmp_path, ExportOptions(name="long"))
    assert art.drawn == list(range(40))
    assert len(PdfReader(result.pdf).pages) == 10
    with zipfile.ZipFile(result.cbz) as archive:
        assert sorted(archive.namelist())[:2] == ["001.png", "002.png"] and len(archive.namelist()) == 11
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.cbz", "long.pdf"]  # no scratch pages left


CHILD = """
import json, resource, sys, tempfile
from pathlib import Path
sys.path.insert(0, {tests!r})
from export.test_page_streaming import DrawnOnDemand, paged_comic
from stripstudio.export.episode import ExportOptions, export_episode

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

with tempfile.TemporaryDirectory() as folder:
    export_episode(paged_comic(4, {dpi}), DrawnOnDemand(4), Path(folder) / "warm", ExportOptions())
    before = peak_mb()
    export_episode(paged_comic({panels}, {dpi}), DrawnOnDemand({panels}), Path(folder) / "big", ExportOptions())
    print(json.dumps({{"before": before, "after": peak_mb()}}))
"""


def test_peak_memory_of_a_forty_panel_export_stays_near_one_page_not_all_of_them():
    dpi, panels = 200, 40
    comic = paged_comic(panels, dpi)
    page_mb = comic.layout.page.pixel_count() * 3 / 2**20
    all_pages_mb = page_mb * 10 * 2  # ten pages, with bleed for print and trimmed for screens
    script = CHILD.format(tests=str(ROOT / "tests"), dpi=dpi, panels=panels)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    peak = json.loads(done.stdout.strip().splitlines()[-1])
    growth = peak["after"] - peak["before"]
    assert growth < 4 * page_mb < all_pages_mb / 4, (growth, page_mb, all_pages_mb)
