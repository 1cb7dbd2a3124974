import { describe, expect, it } from "vitest";
import { boxFromPixels, boxToPixels, describeBox, fitBox, presetRegions, presetsFor, withBox } from "./regions";

describe("region boxes", () => {
  it("keep boxes inside the panel with a minimum size", () => {
    expect(fitBox([0.8, 0.1, 0.5, 0.5])).toEqual([0.5, 0.1, 0.5, 0.5]);
    expect(fitBox([-0.2, -0.1, 0.001, 2])).toEqual([0, 0, 0.03, 1]);
  });

  it("convert between fractions and pixels of the displayed picture", () => {
    const size = { width: 400, height: 200 };
    expect(boxToPixels([0.25, 0.5, 0.5, 0.5], size)).toEqual({ x: 100, y: 100, width: 200, height: 100 });
    expect(boxFromPixels({ x: 100, y: 100, width: 200, height: 100 }, size)).toEqual([0.25, 0.5, 0.5, 0.5]);
    expect(boxFromPixels({ x: 350, y: 0, width: 200, height: 100 }, size)).toEqual([0.5, 0, 0.5, 0.5]);
  });

  it("offer the presets that fit the number of characters, in the panel's order", () => {
    expect(presetsFor(2).map((p) => p.label)).toEqual(["Left / right", "Top / bottom"]);
    expect(presetsFor(3).map((p) => p.label)).toEqual(["Thirds"]);
    expect(presetsFor(4)).toEqual([]);
    expect(presetRegions(["Mia", "Leo"], ["left", "right"])).toEqual([
      { character: "Mia", place: "left" },
      { character: "Leo", place: "right" },
    ]);
  });

  it("replace one character's box and describe boxes in percent", () => {
    const boxes = [
      { character: "Mia", box: [0, 0, 0.5, 1] as [number, number, number, number] },
      { character: "Leo", box: [0.5, 0, 0.5, 1] as [number, number, number, number] },
    ];
    expect(withBox(boxes, "Leo", [0.6, 0.1, 0.3, 0.8])[1]).toEqual({ character: "Leo", box: [0.6, 0.1, 0.3, 0.8] });
    expect(withBox(boxes, "Leo", [0.6, 0.1, 0.3, 0.8])[0]).toBe(boxes[0]);
    expect(describeBox([0.05, 0.1, 0.4, 0.9])).toBe("x 5%, y 10%, 40% × 90%");
  });
});
