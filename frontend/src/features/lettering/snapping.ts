// Snapping a dragged bubble to the frame's edges and centre and to the other bubbles' edges and centres,
// with the guide lines to show where it snapped (display pixels).
import type { PixelRect, Size } from "../../lib/geometry";

export interface Guide {
  /** "x": a vertical line at x = at; "y": a horizontal line at y = at. */
  axis: "x" | "y";
  at: number;
}

/** How close (display pixels) an edge or centre must come to a line to snap to it. */
export const SNAP_DISTANCE = 6;

const lines = (start: number, length: number) => [start, start + length / 2, start + length];

/** The best shift (smallest, within ``distance``) that puts one of ``own`` on one of ``targets``. */
function nearest(own: number[], targets: number[], distance: number): { shift: number; at: number } | null {
  let best: { shift: number; at: number } | null = null;
  for (const line of own) {
    for (const target of targets) {
      const shift = target - line;
      if (Math.abs(shift) <= distance && (best === null || Math.abs(shift) < Math.abs(best.shift))) best = { shift, at: target };
    }
  }
  return best;
}

/** ``rect`` moved onto the nearest frame or bubble line within ``distance`` on each axis, and the guides it meets. */
export function snapRect(rect: PixelRect, others: PixelRect[], frame: Size, distance = SNAP_DISTANCE): { rect: PixelRect; guides: Guide[] } {
  const xs = [...lines(0, frame.width), ...others.flatMap((o) => lines(o.left, o.width))];
  const ys = [...lines(0, frame.height), ...others.flatMap((o) => lines(o.top, o.height))];
  const x = nearest(lines(rect.left, rect.width), xs, distance);
  const y = nearest(lines(rect.top, rect.height), ys, distance);
  const snapped = { ...rect, left: rect.left + (x?.shift ?? 0), top: rect.top + (y?.shift ?? 0) };
  const guides: Guide[] = [];
  // Every line the snapped rect now lies on, not only the one it snapped to: alignment shows at a glance.
  if (x) for (const at of new Set(xs.filter((v) => lines(snapped.left, snapped.width).some((l) => Math.abs(l - v) < 0.5)))) guides.push({ axis: "x", at });
  if (y) for (const at of new Set(ys.filter((v) => lines(snapped.top, snapped.height).some((l) => Math.abs(l - v) < 0.5)))) guides.push({ axis: "y", at });
  return { rect: snapped, guides };
}
