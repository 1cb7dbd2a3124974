"""Draw the black-on-white sketch for panel 2 of the example: a tall apartment building with
balconies and a tree at its bottom left, the way an author would scribble it.

Run from anywhere: ``python examples/sketches/draw_apartment_building.py``.
"""

from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 1024
LINE = 6
OUT = Path(__file__).with_name("apartment-building.png")


def draw_building(draw: ImageDraw.ImageDraw) -> None:
    """Outline, roof and ground line."""
    draw.rectangle((300, 140, 820, 960), outline=0, width=LINE)
    draw.line((280, 140, 840, 140), fill=0, width=LINE)
    draw.rectangle((330, 100, 470, 140), outline=0, width=LINE)
    draw.line((0, 960, SIZE, 960), fill=0, width=LINE)
    draw.rectangle((520, 850, 600, 960), outline=0, width=LINE)


def draw_floors(draw: ImageDraw.ImageDraw) -> None:
    """Seven floors of two windows, each window with a railed balcony under it."""
    for floor in range(7):
        top = 180 + floor * 95
        for left in (350, 600):
            draw.rectangle((left, top, left + 150, top + 55), outline=0, width=LINE - 2)
            draw.line((left + 75, top, left + 75, top + 55), fill=0, width=LINE - 3)
            balcony = (left - 15, top + 55, left + 165, top + 85)
            draw.rectangle(balcony, outline=0, width=LINE - 2)
            for x in range(left, left + 165, 20):
                draw.line((x, top + 55, x, top + 85), fill=0, width=2)


def draw_tree(draw: ImageDraw.ImageDraw) -> None:
    """A trunk and a cloud-like crown at the bottom left of the building."""
    draw.line((170, 960, 170, 760), fill=0, width=LINE + 4)
    draw.line((170, 820, 120, 760), fill=0, width=LINE)
    draw.line((170, 800, 220, 740), fill=0, width=LINE)
    for box in ((60, 620, 200, 760), (130, 580, 270, 720), (170, 650, 300, 780), (40, 700, 160, 810)):
        draw.arc(box, 0, 360, fill=0, width=LINE)


def draw_clouds(draw: ImageDraw.ImageDraw) -> None:
    """Two small clouds in the sky."""
    for x, y in ((60, 120), (860, 60)):
        for dx, dy, r in ((0, 20, 35), (40, 0, 45), (85, 20, 35)):
            draw.arc((x + dx - r, y + dy - r, x + dx + r, y + dy + r), 150, 30, fill=0, width=LINE - 2)
        draw.line((x - 35, y + 40, x + 120, y + 40), fill=0, width=LINE - 2)


def main() -> None:
    """Draw the sketch and save it as a 1-bit PNG next to this script."""
    image = Image.new("L", (SIZE, SIZE), 255)
    draw = ImageDraw.Draw(image)
    for step in (draw_building, draw_floors, draw_tree, draw_clouds):
        step(draw)
    image.convert("1").save(OUT, optimize=True)


if __name__ == "__main__":
    main()
