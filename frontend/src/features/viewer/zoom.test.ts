import { describe, expect, it } from "vitest";
import { centred, fitView, MAX_SCALE, panBy, wheelFactor, zoomAt } from "./zoom";

describe("zoom and pan", () => {
  it("fits a picture inside the pane, centred", () => {
    expect(fitView({ width: 1000, height: 500 }, { width: 500, height: 500 })).toEqual({ scale: 0.5, x: 0, y: 125 });
    expect(fitView({ width: 100, height: 100 }, { width: 1000, height: 800 }).scale).toBe(4);
    expect(fitView({ width: 100, height: 100 }, { width: 0, height: 0 })).toEqual({ scale: 1, x: 0, y: 0 });
  });

  it("keeps the point under the cursor still while zooming", () => {
    const view = { scale: 1, x: 10, y: 20 };
    const zoomed = zoomAt(view, 2, 110, 70);
    // The picture point under (110, 70) was (100, 50); it still is.
    expect((110 - zoomed.x) / zoomed.scale).toBe(100);
    expect((70 - zoomed.y) / zoomed.scale).toBe(50);
    expect(zoomed.scale).toBe(2);
  });

  it("bounds the zoom and pans by pane pixels", () => {
    expect(zoomAt({ scale: 10, x: 0, y: 0 }, 10, 0, 0).scale).toBe(MAX_SCALE);
    expect(panBy({ scale: 2, x: 5, y: 5 }, -10, 3)).toEqual({ scale: 2, x: -5, y: 8 });
    expect(centred({ width: 100, height: 50 }, { width: 300, height: 300 }, 1)).toEqual({ scale: 1, x: 100, y: 125 });
  });

  it("zooms in when the wheel turns up and out when it turns down, by 1.25 a notch", () => {
    expect(wheelFactor(-100)).toBeCloseTo(1.25);
    expect(wheelFactor(100)).toBeCloseTo(0.8);
  });
});
