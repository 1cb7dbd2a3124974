"""Page grids: the preset grids, custom ones, and the frame rectangles they give on a page.

Cells are listed in reading order (left to right, top to bottom). The ``manga-5`` preset is a
classic five-frame page on a 3 x 3 grid::

    +-----------------------+
    |           1           |    1: wide establishing frame across the top row
    +-------+---------------+
    |       |       3       |    2: tall frame through the middle and bottom rows
    |   2   +-------+-------+    3: wide frame beside its top
    |       |   4   |   5   |    4, 5: two frames beside its bottom
    +-------+-------+-------+

The tall frame sits on the left so that left-to-right reading meets it before the frames stacked
beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from stripstudio.domain import GridCell, PageLayout
from stripstudio.layout.errors import LayoutError
from stripstudio.layout.paper import PageBox


@dataclass(frozen=True)
class Grid:
    """``rows`` x ``columns`` of equal tracks, with the cells that hold frames in reading order."""

    rows: int
    columns: int
    cells: tuple[GridCell, ...]


def _cell(row: int, column: int, row_span: int = 1, column_span: int = 1) -> GridCell:
    return GridCell(row=row, column=column, row_span=row_span, column_span=column_span)


PRESETS: dict[str, Grid] = {
    "single": Grid(1, 1, (_cell(0, 0),)),
    "two-stacked": Grid(2, 1, (_cell(0, 0), _cell(1, 0))),
    "2x2": Grid(2, 2, (_cell(0, 0), _cell(0, 1), _cell(1, 0), _cell(1, 1))),
    "three-rows": Grid(3, 1, (_cell(0, 0), _cell(1, 0), _cell(2, 0))),
    "manga-5": Grid(
        3,
        3,
        (_cell(0, 0, column_span=3), _cell(1, 0, row_span=2), _cell(1, 1, column_span=2), _cell(2, 1), _cell(2, 2)),
    ),
}


def page_grid(page: PageLayout) -> Grid:
    """The grid a page layout asks for: its own rows, columns and cells if given, else its preset."""
    if page.rows and page.columns and page.cells:
        grid = Grid(page.rows, page.columns, tuple(page.cells))
        _check_no_overlap(grid)
        return grid
    if page.preset not in PRESETS:
        known = ", ".join(PRESETS)
        raise LayoutError(
            f"unknown page preset {page.preset!r}: use one of {known}, or give rows, columns and cells",
            setting="layout.page.preset",
        )
    return PRESETS[page.preset]


def _check_no_overlap(grid: Grid) -> None:
    taken: dict[tuple[int, int], int] = {}
    for index, cell in enumerate(grid.cells):
        for row in range(cell.row, cell.row + cell.row_span):
            for column in range(cell.column, cell.column + cell.column_span):
                if (row, column) in taken:
                    raise LayoutError(
                        f"cells {taken[row, column] + 1} and {index + 1} both cover row {row}, column {column}: "
                        "move or shrink one of them",
                        setting="layout.page.cells",
                    )
                taken[row, column] = index


def frame_boxes(grid: Grid, live: PageBox, gutter: int) -> list[PageBox]:
    """The frame of each cell inside ``live``, with ``gutter`` pixels between neighbouring tracks."""
    xs = _track_edges(grid.columns, live.x, live.width, gutter, "columns")
    ys = _track_edges(grid.rows, live.y, live.height, gutter, "rows")
    boxes = []
    for cell in grid.cells:
        x0, x1 = xs[cell.column][0], xs[cell.column + cell.column_span - 1][1]
        y0, y1 = ys[cell.row][0], ys[cell.row + cell.row_span - 1][1]
        boxes.append(PageBox(x0, y0, x1 - x0, y1 - y0))
    return boxes


def _track_edges(count: int, start: int, length: int, gutter: int, name: str) -> list[tuple[int, int]]:
    """(first, past-last) pixel of each of ``count`` equal tracks separated by ``gutter``."""
    track = (length - gutter * (count - 1)) / count
    if track < 1:
        raise LayoutError(
            f"{count} {name} with {gutter} px gutters do not fit in {length} px: use a smaller gutter or margin",
            setting="layout.page.gutter_mm",
        )
    return [(start + round(i * (track + gutter)), start + round(i * (track + gutter) + track)) for i in range(count)]
