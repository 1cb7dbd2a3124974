import { describe, expect, it } from "vitest";
import { editableBox, newBubble, restack } from "./bubbles";

describe("bubbles", () => {
  it("makes new bubbles inside the panel with a tail for speech only", () => {
    const speech = newBubble("speech", 0, "Mia");
    expect(speech.speaker).toBe("Mia");
    expect(speech.tail_y).toBeGreaterThan(speech.y);
    expect(speech.x - speech.width / 2).toBeGreaterThanOrEqual(0);
    const caption = newBubble("caption", 1, "Mia");
    expect(caption.speaker).toBe(null);
    expect("tail_x" in caption).toBe(false);
  });

  it("edits the bubble's own box, else the outline's bounds", () => {
    expect(editableBox({ x: 0.5, y: 0.5, width: 0.2, height: 0.1 }, null)).toEqual({ x: 0.5, y: 0.5, width: 0.2, height: 0.1 });
    expect(editableBox({}, [[0, 0], [0.5, 0.25]])).toEqual({ x: 0.25, y: 0.125, width: 0.5, height: 0.25 });
    expect(editableBox({}, null)).toBe(null);
  });

  it("restacks by swapping neighbours, renumbering positions", () => {
    const order = [
      { id: 10, position: 0 },
      { id: 11, position: 1 },
      { id: 12, position: 5 },
    ];
    expect(restack(order, 10, 1)).toEqual([
      [11, 0],
      [10, 1],
      [12, 2],
    ]);
    expect(restack(order, 12, -1)).toEqual([
      [12, 1],
      [11, 2],
    ]);
    expect(restack(order, 12, 1)).toEqual([]);
  });
});
