import { describe, expect, it } from "vitest";
import { NO_SIDES, frameOf, sidesOf } from "./outpaintFrame";

const picture = { width: 512, height: 384 };

describe("outpaint frame", () => {
  it("is the picture itself when nothing is added, and grows by the sides", () => {
    expect(frameOf(picture, NO_SIDES)).toEqual({ left: 0, top: 0, width: 512, height: 384 });
    expect(frameOf(picture, { top: 64, bottom: 0, left: 32, right: 8 })).toEqual({ left: -32, top: -64, width: 552, height: 448 });
  });

  it("turns a dragged frame into sides in steps of 8 pixels, never negative, within a quarter of the picture", () => {
    expect(sidesOf(picture, { left: -30, top: 10, width: 600, height: 300 })).toEqual({ left: 32, top: 0, right: 56, bottom: 0 });
    expect(sidesOf(picture, { left: -1000, top: -3, width: 2000, height: 394 })).toEqual({ left: 128, top: 0, right: 128, bottom: 8 });
  });

  it("round-trips: the frame of the sides gives the same sides", () => {
    const sides = { top: 16, bottom: 40, left: 0, right: 128 };
    expect(sidesOf(picture, frameOf(picture, sides))).toEqual(sides);
  });
});
