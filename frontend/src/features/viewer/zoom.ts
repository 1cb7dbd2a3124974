// The view of a picture in a pane: drawn at (x, y) at ``scale`` (CSS pixels per picture pixel).

export interface View {
  scale: number;
  x: number;
  y: number;
}
export interface Size {
  width: number;
  height: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 16;
const clamp = (v: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, v));

/** The whole picture, centred, as large as the pane allows (never enlarged past 4x: tiny pictures stay crisp-looking). */
export function fitView(picture: Size, pane: Size): View {
  if (!pane.width || !pane.height || !picture.width || !picture.height) return { scale: 1, x: 0, y: 0 };
  const scale = Math.min(pane.width / picture.width, pane.height / picture.height, 4);
  return centred(picture, pane, scale);
}

/** The picture at ``scale``, centred in the pane. */
export function centred(picture: Size, pane: Size, scale: number): View {
  const s = clamp(scale);
  return { scale: s, x: (pane.width - picture.width * s) / 2, y: (pane.height - picture.height * s) / 2 };
}

/**
 * Zoom by ``factor`` keeping the pane point (px, py) over the same picture point (the cursor, the pinch centre),
 * the scale kept within ``limits``.
 */
export function zoomAt(view: View, factor: number, px: number, py: number, limits: readonly [number, number] = [MIN_SCALE, MAX_SCALE]): View {
  const scale = Math.min(limits[1], Math.max(limits[0], view.scale * factor));
  const k = scale / view.scale;
  return { scale, x: px - (px - view.x) * k, y: py - (py - view.y) * k };
}

/** Move the picture by (dx, dy) pane pixels. */
export function panBy(view: View, dx: number, dy: number): View {
  return { ...view, x: view.x + dx, y: view.y + dy };
}

const LINE = 16; // pixels per wheel "line" (Firefox reports mouse wheels in lines)
const PAGE = 400;

/** A wheel event's movement in pixels, whatever unit the browser reports it in. */
export function wheelPixels(event: Pick<WheelEvent, "deltaX" | "deltaY" | "deltaMode">): { x: number; y: number } {
  const unit = event.deltaMode === 1 ? LINE : event.deltaMode === 2 ? PAGE : 1;
  return { x: event.deltaX * unit, y: event.deltaY * unit };
}

/** The wheel's zoom factor: one notch (100 px of delta) zooms by 1.25, smoothly for touchpads. */
export function wheelFactor(deltaY: number): number {
  return Math.pow(1.25, -deltaY / 100);
}
