"""Fitting a picture into a frame of another shape: scale to cover, crop around the focus point."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class CoverCrop:
    """How a picture covers a frame: one ``scale`` for both axes, then a frame-sized window.

    ``scaled_width`` x ``scaled_height`` is the whole picture at ``scale`` (its aspect ratio kept);
    ``left`` and ``top`` place the frame's window in that scaled picture.
    """

    scale: float
    scaled_width: int
    scaled_height: int
    left: int
    top: int
    frame_width: int
    frame_height: int

    def source_box(self, source_size: tuple[int, int]) -> tuple[float, float, float, float]:
        """The window in the source picture's pixels (left, top, right, bottom).

        Rounding the scaled size can push the far edge a fraction of a pixel past the picture; it is
        clamped to the picture.
        """
        source_w, source_h = source_size
        return (
            self.left / self.scale,
            self.top / self.scale,
            min(source_w, (self.left + self.frame_width) / self.scale),
            min(source_h, (self.top + self.frame_height) / self.scale),
        )


def cover_crop(
    source_size: tuple[int, int], frame_size: tuple[int, int], focus_x: float = 0.5, focus_y: float = 0.5
) -> CoverCrop:
    """Scale a picture just enough to cover the frame and centre the window on the focus point.

    Near an edge the window stops at the edge, so the focus point is as central as the picture allows.
    """
    source_w, source_h = source_size
    frame_w, frame_h = frame_size
    scale = max(frame_w / source_w, frame_h / source_h)
    scaled_w = max(frame_w, round(source_w * scale))
    scaled_h = max(frame_h, round(source_h * scale))
    left = _window_start(focus_x * scaled_w, frame_w, scaled_w)
    top = _window_start(focus_y * scaled_h, frame_h, scaled_h)
    return CoverCrop(scale, scaled_w, scaled_h, left, top, frame_w, frame_h)


def _window_start(focus: float, window: int, total: int) -> int:
    return min(max(round(focus - window / 2), 0), total - window)


def crop_to_frame(
    image: Image.Image, frame_size: tuple[int, int], focus_x: float = 0.5, focus_y: float = 0.5
) -> Image.Image:
    """The picture scaled (never stretched) and cropped to exactly ``frame_size``."""
    crop = cover_crop(image.size, frame_size, focus_x, focus_y)
    return image.resize(frame_size, Image.Resampling.LANCZOS, box=crop.source_box(image.size))
