// The panel canvas's view: a zoom and pan applied to the whole stage, on top of the layout that fits the
// picture (and the room around it) into the page. Screen positions are stage-container pixels; view
// positions are the layout's pixels, which every layer works in.
import { clamp, type Point, type Size } from "../../lib/geometry";
import { wheelFactor, wheelPixels, zoomAt, type View } from "../viewer/zoom";

/** The stage transform: a view point ``p`` is drawn at ``p * scale + (x, y)``. */
export type Viewport = View;

/** The layout as fitted: the whole picture and the room around it in view. */
export const FIT: Viewport = { scale: 1, x: 0, y: 0 };

/** Zoom limits in screen pixels per picture pixel (10 % to 800 %). */
export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 8;
/** The zooms the zoom buttons and keys step through. */
export const ZOOM_STEPS = [0.1, 0.15, 0.25, 0.33, 0.5, 0.67, 0.75, 1, 1.25, 1.5, 2, 3, 4, 6, 8];
/** Screen pixels of the view that stay in sight however far it is panned. */
export const KEEP_IN_SIGHT = 48;

/** The zoom (screen pixels per picture pixel) that ``view`` shows when the layout draws ``base`` per picture pixel. */
export const zoomOf = (view: Viewport, base: number) => view.scale * base;

/** ``point`` (screen) as a view point. */
export const toView = (view: Viewport, point: Point): Point => ({ x: (point.x - view.x) / view.scale, y: (point.y - view.y) / view.scale });

/** ``point`` (view) as a screen point. */
export const toScreen = (view: Viewport, point: Point): Point => ({ x: point.x * view.scale + view.x, y: point.y * view.scale + view.y });

/** The stage scales allowed: 10 % to 800 % of the picture, and always the fitted layout itself. */
export function scaleLimits(base: number): [number, number] {
  return [Math.min(MIN_ZOOM, base) / base, Math.max(MAX_ZOOM, base) / base];
}

/** ``view`` moved so that some of the layout (``size``, view pixels) stays on a screen of ``size``. */
export function clampPan(view: Viewport, size: Size): Viewport {
  const keep = (length: number) => Math.min(KEEP_IN_SIGHT, length / 2);
  const range = (length: number) => [keep(length) - length * view.scale, length - keep(length)] as const;
  const [xLow, xHigh] = range(size.width);
  const [yLow, yHigh] = range(size.height);
  return { scale: view.scale, x: clamp(view.x, xLow, xHigh), y: clamp(view.y, yLow, yHigh) };
}

/** ``view`` zoomed to stage scale ``scale`` (within the limits) about ``anchor``: what lies under it stays there. */
export function zoomAbout(view: Viewport, scale: number, anchor: Point, base: number, size: Size): Viewport {
  return clampPan(zoomAt(view, scale / view.scale, anchor.x, anchor.y, scaleLimits(base)), size);
}

/** ``view`` shifted by ``delta`` screen pixels. */
export const panBy = (view: Viewport, delta: Point, size: Size): Viewport => clampPan({ ...view, x: view.x + delta.x, y: view.y + delta.y }, size);

/** The next zoom of ZOOM_STEPS above (``direction`` 1) or below (-1) ``zoom``, within the limits. */
export function stepZoom(zoom: number, direction: 1 | -1): number {
  const tolerance = 1e-3;
  const next = direction > 0 ? ZOOM_STEPS.find((s) => s > zoom * (1 + tolerance)) : [...ZOOM_STEPS].reverse().find((s) => s < zoom * (1 - tolerance));
  return next ?? (direction > 0 ? MAX_ZOOM : MIN_ZOOM);
}

/** ``view`` at the next zoom step in ``direction``, about the middle of the screen. */
export function zoomStep(view: Viewport, direction: 1 | -1, base: number, size: Size): Viewport {
  const middle = { x: size.width / 2, y: size.height / 2 };
  return zoomAbout(view, stepZoom(zoomOf(view, base), direction) / base, middle, base, size);
}

/** ``view`` at ``zoom`` screen pixels per picture pixel (1: 100 %), about the middle of the screen. */
export function zoomTo(view: Viewport, zoom: number, base: number, size: Size): Viewport {
  return zoomAbout(view, zoom / base, { x: size.width / 2, y: size.height / 2 }, base, size);
}

export { wheelPixels };

/**
 * The view after a wheel event at ``pointer`` (screen): ctrl/⌘ + wheel and trackpad pinches (which browsers
 * send as ctrl + wheel) zoom about the pointer, a wheel's notch by a quarter at most; a plain wheel or a
 * two-finger scroll pans, sideways with shift.
 */
export function wheelView(
  view: Viewport,
  event: Pick<WheelEvent, "deltaX" | "deltaY" | "deltaMode" | "ctrlKey" | "metaKey" | "shiftKey">,
  pointer: Point,
  base: number,
  size: Size,
): Viewport {
  const delta = wheelPixels(event);
  if (event.ctrlKey || event.metaKey) return zoomAbout(view, view.scale * wheelFactor(clamp(delta.y, -100, 100)), pointer, base, size);
  const sideways = event.shiftKey && !delta.x;
  return panBy(view, { x: -(sideways ? delta.y : delta.x), y: sideways ? 0 : -delta.y }, size);
}

/**
 * The view after a two-finger gesture moved the fingers from ``before`` to ``after`` (screen): it zooms by the
 * change of their distance about their midpoint, and pans with the midpoint.
 */
export function pinchView(view: Viewport, before: [Point, Point], after: [Point, Point], base: number, size: Size): Viewport {
  const middle = ([a, b]: [Point, Point]) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
  const distance = ([a, b]: [Point, Point]) => Math.hypot(a.x - b.x, a.y - b.y);
  const [from, to] = [middle(before), middle(after)];
  const factor = distance(before) > 0 ? distance(after) / distance(before) : 1;
  const zoomed = zoomAbout(view, view.scale * factor, from, base, size);
  return panBy(zoomed, { x: to.x - from.x, y: to.y - from.y }, size);
}
