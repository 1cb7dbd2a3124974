import { describe, expect, it } from "vitest";
import { snapRect } from "./snapping";

const frame = { width: 400, height: 300 };

describe("snapRect", () => {
  it("snaps a bubble's centre to the frame's centre and shows the guide", () => {
    const { rect, guides } = snapRect({ left: 146, top: 20, width: 100, height: 40 }, [], frame);
    expect(rect.left).toBe(150);
    expect(guides).toContainEqual({ axis: "x", at: 200 });
    expect(guides.some((g) => g.axis === "y")).toBe(false); // 20 px from the top edge: too far to snap
  });

  it("aligns edges with another bubble and leaves far-off bubbles alone", () => {
    const other = { left: 30, top: 100, width: 80, height: 50 };
    const near = snapRect({ left: 34, top: 203, width: 60, height: 40 }, [other], frame);
    expect(near.rect.left).toBe(30);
    expect(near.guides).toContainEqual({ axis: "x", at: 30 });
    const far = snapRect({ left: 80, top: 200, width: 10, height: 10 }, [other], frame);
    expect(far.rect).toEqual({ left: 80, top: 200, width: 10, height: 10 });
    expect(far.guides).toEqual([]);
  });

  it("snaps to the frame's edges", () => {
    const { rect } = snapRect({ left: 3, top: 255, width: 100, height: 40 }, [], frame);
    expect(rect).toMatchObject({ left: 0, top: 260 });
  });
});
