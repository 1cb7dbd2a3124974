"""How chosen panels are put together: a vertical webtoon strip or printed pages.

B5 is JIS B5 (182 x 257 mm), the size of Japanese manga magazines and many comic books;
ISO B5 (176 x 250 mm) is not offered.
"""

from typing import Literal

from pydantic import Field, model_validator

from stripstudio.domain.base import DomainModel

PagePreset = Literal["single", "two-stacked", "2x2", "three-rows", "manga-5"]
Paper = Literal["A4", "Letter", "B5"]

MM_PER_INCH = 25.4
#: Trim sizes in millimetres (width, height), portrait.
PAPER_MM: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "Letter": (8.5 * MM_PER_INCH, 11.0 * MM_PER_INCH),
    "B5": (182.0, 257.0),
}
#: The largest page image (trim plus bleed) an export draws: 80 megapixels is an A4 page at about 800 dpi
#: (240 MB of pixels); every page of an export is held in memory while it is drawn.
MAX_PAGE_PIXELS = 80_000_000


def mm_to_px(mm: float, dpi: int) -> int:
    """Millimetres to whole pixels at ``dpi``."""
    return round(mm * dpi / MM_PER_INCH)


class GridCell(DomainModel):
    """One frame of a custom page grid; rows and columns count from 0, spans from 1."""

    row: int = Field(ge=0)
    column: int = Field(ge=0)
    row_span: int = Field(1, ge=1)
    column_span: int = Field(1, ge=1)


class PageLayout(DomainModel):
    """Page size and frame grid for print: a preset, or ``rows`` x ``columns`` with ``cells``.

    Cells are filled with panels in the order listed. Sizes are in millimetres at ``dpi``.
    """

    paper: Paper = "A4"
    dpi: int = Field(300, ge=72, le=1200)
    preset: PagePreset | None = "2x2"
    rows: int | None = Field(None, ge=1, le=12)
    columns: int | None = Field(None, ge=1, le=12)
    cells: list[GridCell] = Field(default_factory=list, max_length=144)
    margin_mm: float = Field(12.0, ge=0, le=100)
    bleed_mm: float = Field(3.0, ge=0, le=20)
    gutter_mm: float = Field(4.0, ge=0, le=50)

    @model_validator(mode="after")
    def _grid_is_complete(self) -> "PageLayout":
        custom = self.rows is not None or self.columns is not None or bool(self.cells)
        if custom and not (self.rows and self.columns and self.cells):
            raise ValueError("a custom page grid needs rows, columns and cells (or use a preset)")
        for cell in self.cells:
            if cell.row + cell.row_span > (self.rows or 0) or cell.column + cell.column_span > (self.columns or 0):
                raise ValueError(f"cell at row {cell.row}, column {cell.column} reaches outside the grid")
        return self

    @model_validator(mode="after")
    def _page_fits_in_memory(self) -> "PageLayout":
        pixels = self.pixel_count()
        if pixels > MAX_PAGE_PIXELS:
            largest = self._largest_dpi()
            raise ValueError(
                f"one {self.paper} page with {self.bleed_mm:g} mm bleed at {self.dpi} dpi is "
                f"{pixels / 1e6:.1f} megapixels, over the {MAX_PAGE_PIXELS // 1_000_000}-megapixel limit of a page: "
                f"set dpi to {largest} or less"
            )
        return self

    def pixel_size(self, dpi: int | None = None) -> tuple[int, int]:
        """Width and height in pixels of the page image (trim plus bleed on every side) at ``dpi``."""
        dpi = self.dpi if dpi is None else dpi
        bleed = mm_to_px(self.bleed_mm, dpi)
        if self.paper not in PAPER_MM:  # refused by the field's own check; layout names the fix
            return 0, 0
        width_mm, height_mm = PAPER_MM[self.paper]
        return mm_to_px(width_mm, dpi) + 2 * bleed, mm_to_px(height_mm, dpi) + 2 * bleed

    def pixel_count(self, dpi: int | None = None) -> int:
        """Pixels of one page image at ``dpi`` (default: this layout's)."""
        width, height = self.pixel_size(dpi)
        return width * height

    def _largest_dpi(self) -> int:
        dpi = self.dpi
        while dpi > 72 and self.pixel_count(dpi) > MAX_PAGE_PIXELS:
            dpi -= 1
        return dpi


class Layout(DomainModel):
    """Strip or page layout. Webtoon sizes (``width``, ``gutter``, ``margin``) are in pixels."""

    mode: Literal["webtoon", "pages"] = "webtoon"
    width: int = Field(800, ge=100, le=4000)
    gutter: int = Field(40, ge=0, le=2000)
    margin: int = Field(0, ge=0, le=2000)
    background: str = Field("#ffffff", pattern=r"^#[0-9a-fA-F]{6}$")
    page: PageLayout = Field(default_factory=PageLayout)
