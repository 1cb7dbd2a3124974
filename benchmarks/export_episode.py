#!/usr/bin/env python3
"""Episode export: lay out and export a 60-panel webtoon episode, timing each step.

Panels are random comic-like pictures (flat colours, outlined shapes, a soft gradient), 800 px wide
and 800 to 1400 px tall. Steps: lettering, webtoon strip, upload slices (encoded, then written),
the tall strip PNG, PDF and CBZ. Goal: all of it within 2 s on two cores. Each panel carries one
speech bubble, lettered the way ``stripstudio export`` letters panels (in parallel threads).

  python benchmarks/export_episode.py [--panels 60] [--seed 0] [--jpeg] [--no-bubbles] [--keep DIR]

The same slices, tall PNG and PDF are then made the plain way (Pillow's PNG encoder for every file,
img2pdf on those PNGs) in the same run, and the ratio of the two is printed (``--no-stock`` skips it).
Prints one line per step and a final ``RESULT {json}`` line.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import img2pdf  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from stripstudio.domain import Bubble, Comic, Layout, Panel  # noqa: E402
from stripstudio.export import (  # noqa: E402
    SliceOptions,
    slice_strip,
    stage_slices,
    staged,
    strip_png,
    write_cbz,
    write_pdf,
)
from stripstudio.export.encoding import worker_pool  # noqa: E402
from stripstudio.layout import PanelArt, Strip, build_strip  # noqa: E402


def random_panel(rng: random.Random, width: int = 800) -> Image.Image:
    """A comic-like picture: a flat background, outlined shapes and a soft vertical gradient."""
    height = rng.randrange(800, 1401)
    image = Image.new("RGB", (width, height), _colour(rng))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(10, 30)):
        x, y = rng.randrange(width), rng.randrange(height)
        box = [x, y, x + rng.randrange(40, 400), y + rng.randrange(40, 400)]
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape(box, fill=_colour(rng), outline=(20, 20, 20), width=rng.randrange(2, 6))
    shade = Image.linear_gradient("L").resize((width, height))
    return Image.composite(image, Image.new("RGB", image.size, (0, 0, 40)), shade.point(lambda v: 255 - v // 6))


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256))


def letter(comic: Comic, art: list[PanelArt]) -> list[PanelArt]:
    """The lettering step as the export command runs it: each panel lettered, in parallel threads."""
    from stripstudio.production.export_comic import letter_all

    return letter_all(comic, [piece.image for piece in art], find_faces_in=lambda image: [])


def timed(timings: dict[str, float], name: str, step: Callable[[], object]) -> object:
    """Run ``step``, record and print how long it took, and return its result."""
    start = time.perf_counter()
    result = step()
    timings[name] = time.perf_counter() - start
    print(f"{name:<12} {timings[name] * 1000:8.1f} ms", flush=True)
    return result


def episode(panels: int, bubbles: bool) -> Comic:
    """A webtoon episode of ``panels`` panels, each with one speech bubble if ``bubbles``."""
    lines = [[Bubble(text=f"Line {i + 1}: where are we going?")] if bubbles else [] for i in range(panels)]
    return Comic(
        title="Benchmark episode",
        episode=1,
        panels=[Panel(description=f"panel {i + 1}", bubbles=lines[i]) for i in range(panels)],
        layout=Layout(width=800, gutter=40),
    )


def run(comic: Comic, art: list[PanelArt], options: SliceOptions, out: Path) -> tuple[dict[str, float], Strip, list]:
    """Time each step of exporting ``comic`` with the panel pictures ``art`` into ``out``."""
    timings: dict[str, float] = {}
    with worker_pool() as pool:
        lettered = timed(timings, "lettering", lambda: letter(comic, art))
        strip = timed(timings, "strip", lambda: build_strip(lettered, comic.layout))
        slices = timed(timings, "slices", lambda: slice_strip(strip, options, pool))
        with staged() as staging:
            timed(timings, "write slices", lambda: stage_slices(slices, out / "webtoon", staging))
            tall = timed(timings, "tall png", lambda: strip_png(strip, slices, options.compress_level, pool))
            staging.write(out / "strip.png", tall)
            timed(timings, "pdf", lambda: write_pdf(slices.images, out / "episode.pdf", staging=staging))
            timed(timings, "cbz", lambda: write_cbz(comic, slices.images, out / "episode.cbz", staging=staging))
            start = time.perf_counter()
        timings["commit"] = time.perf_counter() - start
    print(f"{'commit':<12} {timings['commit'] * 1000:8.1f} ms")
    timings["total"] = sum(timings.values())
    print(f"{'total':<12} {timings['total'] * 1000:8.1f} ms  letter + lay out + export (goal: 2000 ms)", end="")
    print(f" ({len(slices.slices)} slices, strip {strip.height} px)")
    return timings, strip, [(piece.top, piece.bottom) for piece in slices.slices]


def run_stock(strip: Strip, bounds: list[tuple[int, int]], out: Path) -> dict[str, float]:
    """The same outputs written the plain way: Pillow's PNG encoder for every file, img2pdf on its PNGs."""
    timings: dict[str, float] = {}
    out.mkdir(parents=True, exist_ok=True)
    pngs = timed(
        timings, "stock slices", lambda: [_pillow_png(strip.image.crop((0, t, strip.width, b))) for t, b in bounds]
    )
    for i, data in enumerate(pngs, start=1):
        (out / f"{i:03d}.png").write_bytes(data)
    timed(timings, "stock tall", lambda: (out / "strip.png").write_bytes(_pillow_png(strip.image)))
    layout_fun = img2pdf.get_fixed_dpi_layout_fun((96, 96))
    timed(timings, "stock pdf", lambda: (out / "e.pdf").write_bytes(img2pdf.convert(pngs, layout_fun=layout_fun)))
    timings["total"] = sum(timings.values())
    return timings


def _pillow_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jpeg", action="store_true", help="JPEG slices instead of PNG")
    parser.add_argument("--no-stock", action="store_true", help="skip the plain Pillow + img2pdf comparison")
    parser.add_argument("--no-bubbles", action="store_true", help="panels without bubbles (lettering does nothing)")
    parser.add_argument("--compress-level", type=int, default=6)
    parser.add_argument("--keep", type=Path, help="write into this folder instead of a temporary one")
    args = parser.parse_args()
    options = SliceOptions(format="jpeg" if args.jpeg else "png", compress_level=args.compress_level)
    comic = episode(args.panels, bubbles=not args.no_bubbles)
    rng = random.Random(args.seed)
    art = [PanelArt(comic.panel_id(i), random_panel(rng)) for i in range(args.panels)]
    with tempfile.TemporaryDirectory() as scratch:
        timings, strip, bounds = run(comic, art, options, args.keep or Path(scratch))
        result = {name: round(value, 4) for name, value in timings.items()}
        if not args.no_stock and not args.jpeg:
            stock = run_stock(strip, bounds, Path(scratch) / "stock")
            ours = timings["slices"] + timings["tall png"] + timings["pdf"]
            print(
                f"slices + tall png + pdf: {ours * 1000:.0f} ms, Pillow + img2pdf: {stock['total'] * 1000:.0f} ms, ",
                end="",
            )
            print(f"ratio {ours / stock['total']:.2f}")
            result |= {name: round(value, 4) for name, value in stock.items() if name != "total"}
            result["ratio"] = round(ours / stock["total"], 3)
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
