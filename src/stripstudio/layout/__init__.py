"""Laying out lettered panels: a vertical webtoon strip, or printed pages on a frame grid.

Depends only on the domain and Pillow.
"""

from stripstudio.layout.art import PanelArt, PanelRect
from stripstudio.layout.crop import CoverCrop, cover_crop, crop_to_frame
from stripstudio.layout.errors import LayoutError
from stripstudio.layout.grid import PRESETS, Grid, frame_boxes, page_grid
from stripstudio.layout.pages import (
    MAX_EXPORT_PIXELS,
    Checkpoint,
    Page,
    build_pages,
    check_page_budget,
    iter_pages,
    page_count,
    page_frames,
)
from stripstudio.layout.paper import PAPER_MM, PageBox, PageGeometry, mm_to_px, page_geometry
from stripstudio.layout.webtoon import Strip, build_strip

__all__ = [
    "MAX_EXPORT_PIXELS",
    "Checkpoint",
    "PAPER_MM",
    "PRESETS",
    "CoverCrop",
    "Grid",
    "LayoutError",
    "Page",
    "PageBox",
    "PageGeometry",
    "PanelArt",
    "PanelRect",
    "Strip",
    "build_pages",
    "build_strip",
    "check_page_budget",
    "cover_crop",
    "crop_to_frame",
    "frame_boxes",
    "iter_pages",
    "mm_to_px",
    "page_count",
    "page_frames",
    "page_geometry",
    "page_grid",
]
