import { describe, expect, it } from "vitest";
import {
  boundsOf,
  clampBox,
  clampTail,
  defaultTail,
  fitScale,
  handlePosition,
  moveRect,
  resizeRect,
  toFractions,
  toPixels,
} from "./geometry";

const size = { width: 800, height: 400 };

describe("bubble geometry", () => {
  it("converts fractions to pixels and back", () => {
    const box = { x: 0.5, y: 0.25, width: 0.25, height: 0.1 };
    const rect = toPixels(box, size);
    expect(rect).toEqual({ left: 300, top: 80, width: 200, height: 40 });
    expect(toFractions(rect, size)).toEqual(box);
  });

  it("clamps boxes inside the panel with a minimum size", () => {
    expect(clampBox({ x: 0, y: 1.2, width: 0.4, height: 0.2 })).toEqual({ x: 0.2, y: 0.9, width: 0.4, height: 0.2 });
    expect(clampBox({ x: 0.5, y: 0.5, width: 2, height: 0 })).toEqual({ x: 0.5, y: 0.5, width: 1, height: 0.03 });
    expect(clampBox({ x: 0.123456, y: 0.5, width: 0.1, height: 0.1 }).x).toBe(0.1235);
  });

  it("resizes from each handle keeping the opposite side", () => {
    const rect = { left: 100, top: 100, width: 200, height: 100 };
    expect(resizeRect(rect, "se", 20, 10)).toEqual({ left: 100, top: 100, width: 220, height: 110 });
    expect(resizeRect(rect, "nw", 20, 10)).toEqual({ left: 120, top: 110, width: 180, height: 90 });
    expect(resizeRect(rect, "n", 50, -30)).toEqual({ left: 100, top: 70, width: 200, height: 130 });
    expect(resizeRect(rect, "w", 500, 0, 12)).toEqual({ left: 288, top: 100, width: 12, height: 100 });
    expect(resizeRect(rect, "e", -500, 0, 12).width).toBe(12);
    expect(handlePosition(rect, "se")).toEqual({ x: 300, y: 200 });
    expect(handlePosition(rect, "n")).toEqual({ x: 200, y: 100 });
    expect(handlePosition(rect, "w")).toEqual({ x: 100, y: 150 });
  });

  it("moves rects inside the picture", () => {
    const rect = { left: 700, top: 10, width: 80, height: 40 };
    expect(moveRect(rect, 100, -50, size)).toEqual({ left: 720, top: 0, width: 80, height: 40 });
  });

  it("keeps the tail tip in range and places a default", () => {
    expect(clampTail({ x: 2, y: -1 })).toEqual({ x: 1.5, y: -0.5 });
    const tail = defaultTail({ x: 0.3, y: 0.2, width: 0.2, height: 0.1 });
    expect(tail.x).toBeCloseTo(0.35);
    expect(tail.y).toBeCloseTo(0.37);
  });

  it("bounds outlines and fits pictures", () => {
    const b = boundsOf([[0.1, 0.2], [0.3, 0.6]])!;
    expect([b.x, b.y, b.width, b.height].map((v) => Math.round(v * 1000) / 1000)).toEqual([0.2, 0.4, 0.2, 0.4]);
    expect(boundsOf([])).toBe(null);
    expect(fitScale({ width: 1000, height: 500 }, { width: 500, height: 500 })).toBe(0.5);
    expect(fitScale({ width: 100, height: 100 }, { width: 500, height: 500 })).toBe(1);
  });
});
