// Bubble geometry. The server keeps bubbles in fractions of the panel: (x, y) is the centre,
// width/height the size, (tail_x, tail_y) the tail tip (may reach outside: -0.5..1.5).
// The editor works in pixels of the displayed picture; these helpers convert and keep values valid.

export interface Size {
  width: number;
  height: number;
}

/** A bubble's box in fractions of the panel (centre and size). */
export interface FracBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A box in pixels (top-left corner and size). */
export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export type Handle = "nw" | "n" | "ne" | "e" | "se" | "s" | "sw" | "w";
export const HANDLES: Handle[] = ["nw", "n", "ne", "e", "se", "s", "sw", "w"];

export const MIN_FRACTION = 0.03;
export const TAIL_MIN = -0.5;
export const TAIL_MAX = 1.5;

export const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
export const round4 = (value: number) => Math.round(value * 10000) / 10000;

export function toPixels(box: FracBox, size: Size): PixelRect {
  return {
    left: (box.x - box.width / 2) * size.width,
    top: (box.y - box.height / 2) * size.height,
    width: box.width * size.width,
    height: box.height * size.height,
  };
}

export function toFractions(rect: PixelRect, size: Size): FracBox {
  return clampBox({
    x: (rect.left + rect.width / 2) / size.width,
    y: (rect.top + rect.height / 2) / size.height,
    width: rect.width / size.width,
    height: rect.height / size.height,
  });
}

/** Size within MIN_FRACTION..1 and the whole box inside the panel; rounded to 4 decimals. */
export function clampBox(box: FracBox): FracBox {
  const width = clamp(box.width, MIN_FRACTION, 1);
  const height = clamp(box.height, MIN_FRACTION, 1);
  return {
    x: round4(clamp(box.x, width / 2, 1 - width / 2)),
    y: round4(clamp(box.y, height / 2, 1 - height / 2)),
    width: round4(width),
    height: round4(height),
  };
}

export function pointToFraction(point: Point, size: Size): Point {
  return { x: point.x / size.width, y: point.y / size.height };
}

export function fractionToPoint(point: Point, size: Size): Point {
  return { x: point.x * size.width, y: point.y * size.height };
}

/** The tail tip kept within the range the server accepts (-0.5..1.5 of the panel). */
export function clampTail(point: Point): Point {
  return { x: round4(clamp(point.x, TAIL_MIN, TAIL_MAX)), y: round4(clamp(point.y, TAIL_MIN, TAIL_MAX)) };
}

/** Where a new tail points: below the bubble, a bit toward the panel's centre. */
export function defaultTail(box: FracBox): Point {
  const towardCentre = box.x < 0.5 ? 0.05 : -0.05;
  return clampTail({ x: box.x + towardCentre, y: box.y + box.height / 2 + 0.12 });
}

/** Where each resize handle sits on a pixel rect. */
export function handlePosition(rect: PixelRect, handle: Handle): Point {
  const x = handle.includes("w") ? rect.left : handle.includes("e") ? rect.left + rect.width : rect.left + rect.width / 2;
  const y = handle.includes("n") ? rect.top : handle.includes("s") ? rect.top + rect.height : rect.top + rect.height / 2;
  return { x, y };
}

/** The rect after dragging ``handle`` by (dx, dy) pixels; the opposite side stays put, size >= minSize. */
export function resizeRect(rect: PixelRect, handle: Handle, dx: number, dy: number, minSize = 12): PixelRect {
  let { left, top } = rect;
  let right = rect.left + rect.width;
  let bottom = rect.top + rect.height;
  if (handle.includes("w")) left = Math.min(left + dx, right - minSize);
  if (handle.includes("e")) right = Math.max(right + dx, left + minSize);
  if (handle.includes("n")) top = Math.min(top + dy, bottom - minSize);
  if (handle.includes("s")) bottom = Math.max(bottom + dy, top + minSize);
  return { left, top, width: right - left, height: bottom - top };
}

/** A pixel rect moved by (dx, dy), kept inside the picture. */
export function moveRect(rect: PixelRect, dx: number, dy: number, size: Size): PixelRect {
  return {
    ...rect,
    left: clamp(rect.left + dx, 0, Math.max(0, size.width - rect.width)),
    top: clamp(rect.top + dy, 0, Math.max(0, size.height - rect.height)),
  };
}

/** The bounding box (fractions, centre form) of an outline given as points in fractions. */
export function boundsOf(points: [number, number][]): FracBox | null {
  if (!points.length) return null;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  return { x: (x0 + x1) / 2, y: (y0 + y1) / 2, width: x1 - x0, height: y1 - y0 };
}

/** Scale to fit a picture of ``size`` into ``box`` (never enlarged beyond ``maxScale``). */
export function fitScale(size: Size, box: Size, maxScale = 1): number {
  if (!size.width || !size.height) return 1;
  return Math.min(maxScale, box.width / size.width, box.height / size.height);
}
