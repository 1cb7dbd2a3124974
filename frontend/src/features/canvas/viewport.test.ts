import { describe, expect, it } from "vitest";
import { FIT, KEEP_IN_SIGHT, clampPan, panBy, pinchView, scaleLimits, stepZoom, toScreen, toView, wheelPixels, wheelView, zoomAbout, zoomOf, zoomStep, zoomTo, type Viewport } from "./viewport";

const screen = { width: 600, height: 400 };
const base = 0.5; // the layout draws half a screen pixel per picture pixel

describe("the canvas viewport", () => {
  it("maps screen and view points through the stage transform, both ways", () => {
    const view: Viewport = { scale: 2.5, x: -40, y: 12 };
    const p = { x: 123, y: 77 };
    const back = toScreen(view, toView(view, p));
    expect(back.x).toBeCloseTo(p.x, 9);
    expect(back.y).toBeCloseTo(p.y, 9);
    expect(toView(view, { x: -40, y: 12 })).toEqual({ x: 0, y: 0 });
    expect(toView(FIT, p)).toEqual(p);
  });

  it("zooms about a point: the view point under it stays under it", () => {
    const anchor = { x: 450, y: 100 };
    const before = toView(FIT, anchor);
    const zoomed = zoomAbout(FIT, 3, anchor, base, screen);
    expect(zoomed.scale).toBe(3);
    const after = toView(zoomed, anchor);
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
    const out = zoomAbout(zoomed, 1.5, anchor, base, screen);
    expect(toView(out, anchor).x).toBeCloseTo(before.x, 9);
  });

  it("keeps the zoom between 10 % and 800 % of the picture, and the fitted layout always reachable", () => {
    expect(scaleLimits(base)).toEqual([0.2, 16]);
    expect(zoomOf(zoomAbout(FIT, 100, { x: 0, y: 0 }, base, screen), base)).toBe(8);
    expect(zoomOf(zoomAbout(FIT, 0.001, { x: 0, y: 0 }, base, screen), base)).toBeCloseTo(0.1, 9);
    // A huge picture fitted at 5 %: fitting stays allowed below the 10 % floor.
    expect(scaleLimits(0.05)[0]).toBe(1);
    expect(zoomAbout(FIT, 0.5, { x: 0, y: 0 }, 0.05, screen).scale).toBe(1);
  });

  it("never pans the layout out of sight", () => {
    const far = panBy(FIT, { x: 5000, y: -5000 }, screen);
    expect(far.x).toBe(screen.width - KEEP_IN_SIGHT);
    expect(far.y).toBe(KEEP_IN_SIGHT - screen.height);
    const zoomed = { scale: 4, x: 0, y: 0 };
    expect(clampPan({ ...zoomed, x: -10_000 }, screen).x).toBe(KEEP_IN_SIGHT - screen.width * 4);
    expect(panBy(zoomed, { x: -30, y: 20 }, screen)).toEqual({ scale: 4, x: -30, y: 20 });
  });

  it("steps through round zooms and stops at the limits", () => {
    expect(stepZoom(1, 1)).toBe(1.25);
    expect(stepZoom(1, -1)).toBe(0.75);
    expect(stepZoom(0.9, 1)).toBe(1);
    expect(stepZoom(0.9, -1)).toBe(0.75);
    expect(stepZoom(8, 1)).toBe(8);
    expect(stepZoom(0.1, -1)).toBe(0.1);
    const in1 = zoomStep(FIT, 1, base, screen); // 50 % -> 67 %, about the middle
    expect(zoomOf(in1, base)).toBeCloseTo(0.67, 9);
    expect(toView(in1, { x: 300, y: 200 }).x).toBeCloseTo(300, 9);
    expect(zoomOf(zoomTo(in1, 1, base, screen), base)).toBeCloseTo(1, 9);
  });

  it("zooms with ctrl/⌘ + wheel and pinches about the pointer, and pans with a plain wheel", () => {
    const wheel = { deltaX: 0, deltaY: -100, deltaMode: 0, ctrlKey: true, metaKey: false, shiftKey: false };
    const pointer = { x: 100, y: 300 };
    const zoomed = wheelView(FIT, wheel, pointer, base, screen);
    expect(zoomed.scale).toBeCloseTo(1.25, 9);
    expect(wheelView(FIT, { ...wheel, deltaY: -1000 }, pointer, base, screen).scale).toBeCloseTo(1.25, 9); // a fast fling
    expect(toView(zoomed, pointer).x).toBeCloseTo(100, 9);
    expect(wheelView(zoomed, { ...wheel, deltaY: 100 }, pointer, base, screen).scale).toBeCloseTo(1, 9);
    expect(wheelView(FIT, { ...wheel, ctrlKey: false, metaKey: true }, pointer, base, screen).scale).toBeGreaterThan(1);
    const scroll = { ...wheel, ctrlKey: false, deltaX: 10, deltaY: 30 };
    expect(wheelView(FIT, scroll, pointer, base, screen)).toEqual({ scale: 1, x: -10, y: -30 });
    expect(wheelView(FIT, { ...scroll, deltaX: 0, shiftKey: true }, pointer, base, screen)).toEqual({ scale: 1, x: -30, y: 0 });
    expect(wheelPixels({ deltaX: 0, deltaY: 3, deltaMode: 1 })).toEqual({ x: 0, y: 48 });
  });

  it("zooms by a pinch's spread about the fingers' midpoint and pans with it", () => {
    const before: [{ x: number; y: number }, { x: number; y: number }] = [{ x: 100, y: 100 }, { x: 200, y: 100 }];
    const spread = pinchView(FIT, before, [{ x: 50, y: 100 }, { x: 250, y: 100 }], base, screen);
    expect(spread.scale).toBeCloseTo(2, 9);
    expect(toView(spread, { x: 150, y: 100 }).x).toBeCloseTo(150, 9); // the midpoint stays put
    const moved = pinchView(FIT, before, [{ x: 130, y: 90 }, { x: 230, y: 90 }], base, screen);
    expect(moved).toEqual({ scale: 1, x: 30, y: -10 });
  });
});
