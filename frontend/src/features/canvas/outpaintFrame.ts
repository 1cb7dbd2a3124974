// The outpaint frame: a box around the picture (picture pixels) that the author drags and resizes, as in
// InvokeAI's canvas; what lies beyond the picture on each side is the area to paint.
import type { PixelRect, Size } from "../../lib/geometry";

export type Side = "top" | "bottom" | "left" | "right";
export type Sides = Record<Side, number>;

export const NO_SIDES: Sides = { top: 0, bottom: 0, left: 0, right: 0 };
/** Sizes of drawn pictures are multiples of 8 pixels: so are the added sides. */
export const STEP = 8;
/** The frame may be dragged this fraction of the picture's size beyond each edge (more can be typed). */
export const REACH = 0.25;

/** The frame (picture pixels) that adds ``sides`` to a picture of ``picture``. */
export function frameOf(picture: Size, sides: Sides): PixelRect {
  return { left: -sides.left || 0, top: -sides.top || 0, width: picture.width + sides.left + sides.right, height: picture.height + sides.top + sides.bottom };
}

/** The sides a frame dragged to ``rect`` adds: what lies beyond each edge, in steps of STEP, within REACH. */
export function sidesOf(picture: Size, rect: PixelRect): Sides {
  const beyond = (value: number, limit: number) => Math.min(Math.round((REACH * limit) / STEP) * STEP, Math.max(0, Math.round(value / STEP) * STEP)) || 0;
  return {
    left: beyond(-rect.left, picture.width),
    top: beyond(-rect.top, picture.height),
    right: beyond(rect.left + rect.width - picture.width, picture.width),
    bottom: beyond(rect.top + rect.height - picture.height, picture.height),
  };
}
