import { describe, expect, it } from "vitest";
import { arrowStep, fontStack, newBubble, restack } from "./bubbles";

describe("bubbles", () => {
  it("makes new bubbles without a place or size, spoken by the speaker for kinds with tails", () => {
    const speech = newBubble("speech", "Mia");
    expect(speech).toEqual({ kind: "speech", text: "Hello!", speaker: "Mia" });
    expect("x" in speech || "width" in speech).toBe(false); // the server finds free space and fits the text
    expect(newBubble("caption", "Mia").speaker).toBe(null);
    expect(newBubble("sfx").speaker).toBe(null);
  });

  it("falls back letter by letter to the renderer's fonts", () => {
    expect(fontStack("Bangers")).toBe(
      '"Bangers", "Bangers Latin Ext", "Bangers Vietnamese", "Noto Sans", "Noto Sans Latin Ext", "Noto Sans Cyrillic", "Noto Sans Greek", "Noto Sans JP"',
    );
    expect(fontStack("Noto Sans").startsWith('"Noto Sans", "Noto Sans Latin Ext"')).toBe(true);
    expect(fontStack("Noto Sans").match(/"Noto Sans"/g)).toHaveLength(1);
  });

  it("moves by one pixel with an arrow key, ten with Shift, and ignores other keys", () => {
    expect(arrowStep("ArrowLeft", false)).toEqual({ dx: -1, dy: 0 });
    expect(arrowStep("ArrowDown", true)).toEqual({ dx: 0, dy: 10 });
    expect(arrowStep("a", false)).toBe(null);
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
