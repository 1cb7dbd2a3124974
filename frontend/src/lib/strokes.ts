// Freehand strokes (perfect-freehand) in picture pixels, drawn as filled outlines.
import { getStroke } from "perfect-freehand";

export type StrokeMode = "draw" | "erase";

export interface Stroke {
  mode: StrokeMode;
  size: number;
  points: [number, number, number][]; // x, y, pressure
}

export function strokeOutline(stroke: Stroke): number[][] {
  return getStroke(stroke.points, {
    size: stroke.size,
    thinning: stroke.mode === "erase" ? 0 : 0.5,
    smoothing: 0.5,
    streamline: 0.5,
    simulatePressure: stroke.points.every((p) => p[2] === 0.5),
    last: true,
  });
}

const average = (a: number, b: number) => (a + b) / 2;

/** An SVG path of a stroke outline (the perfect-freehand recipe with quadratic curves). */
export function svgPath(points: number[][], closed = true): string {
  const len = points.length;
  if (len < 4) {
    if (!len) return "";
    // A dot: a small square around the point keeps a tap visible.
    const [x, y] = points[0];
    return `M${x - 1},${y - 1} L${x + 1},${y - 1} L${x + 1},${y + 1} L${x - 1},${y + 1} Z`;
  }
  let a = points[0];
  let b = points[1];
  const c = points[2];
  let result = `M${a[0].toFixed(2)},${a[1].toFixed(2)} Q${b[0].toFixed(2)},${b[1].toFixed(2)} ${average(b[0], c[0]).toFixed(2)},${average(b[1], c[1]).toFixed(2)} T`;
  for (let i = 2, max = len - 1; i < max; i++) {
    a = points[i];
    b = points[i + 1];
    result += `${average(a[0], b[0]).toFixed(2)},${average(a[1], b[1]).toFixed(2)} `;
  }
  if (closed) result += "Z";
  return result;
}

export function strokePath(stroke: Stroke): string {
  return svgPath(strokeOutline(stroke));
}

export interface StrokeStore {
  strokes: Stroke[];
  /** Upload url of the drawing the strokes go over (the saved sketch), if any. */
  background: string | null;
}

export const emptyStore = (): StrokeStore => ({ strokes: [], background: null });

/** Unsaved strokes kept across reloads, per key (e.g. "sketch:12"), until they are uploaded. */
export function loadDraft(key: string): StrokeStore | null {
  try {
    const raw = globalThis.localStorage?.getItem(`stripstudio:${key}`);
    if (!raw) return null;
    const value = JSON.parse(raw);
    return value && Array.isArray(value.strokes) ? (value as StrokeStore) : null;
  } catch {
    return null;
  }
}

export function saveDraft(key: string, store: StrokeStore | null): void {
  try {
    if (!store || (!store.strokes.length && store.background === undefined)) {
      globalThis.localStorage?.removeItem(`stripstudio:${key}`);
    } else {
      globalThis.localStorage?.setItem(`stripstudio:${key}`, JSON.stringify(store));
    }
  } catch {
    /* storage full or unavailable: the strokes stay in memory */
  }
}

export function clearDraft(key: string): void {
  try {
    globalThis.localStorage?.removeItem(`stripstudio:${key}`);
  } catch {
    /* ignore */
  }
}
