import { describe, expect, it } from "vitest";
import type { PlacedBubble } from "../../api/client";
import { DASH, ITALIC_SLANT, bubbleDrawing, dashes, drawText } from "./drawing";

const base: PlacedBubble = {
  bubble_id: 7,
  kind: "speech",
  center: [0.5, 0.25],
  outline: [
    [0.25, 0.125],
    [0.75, 0.125],
    [0.75, 0.375],
    [0.25, 0.375],
    [0.25, 0.125],
  ],
  trail: [],
  tail_tip: null,
  tail_tips: [],
  box: [0.25, 0.125, 0.75, 0.375],
  font_size: 28,
  font_family: "Comic Neue",
  font_weight: 400,
  lines: [{ text: "Hello", x: 0.4, baseline: 0.3, width: 0.2 }],
  rotation: 0,
  fill: "#ffffff",
  border_color: "#000000",
  text_color: "#111111",
  bold: false,
  italic: false,
  dashed: false,
  outline_width: 3 / 800,
  stroke_width: 0,
};

describe("bubbleDrawing", () => {
  it("scales the server's outline, box, text and line width to the displayed frame", () => {
    const drawing = bubbleDrawing(base, { width: 400, height: 200 }, 800);
    expect(drawing.shapes).toHaveLength(1);
    expect(drawing.shapes[0].points.slice(0, 4)).toEqual([100, 25, 300, 25]);
    expect(drawing.shapes[0].dash).toBe(null);
    expect(drawing.lineWidth).toBeCloseTo(1.5);
    expect(drawing.box).toEqual({ left: 100, top: 25, width: 200, height: 50 });
    expect(drawing.text.font.startsWith('14px "Comic Neue", "Noto Sans"')).toBe(true);
    expect(drawing.text.lines).toEqual([{ text: "Hello", x: 160, baseline: 60 }]);
    expect(drawing.text.color).toBe("#111111");
    expect(drawing.rotation).toBe(-0);
  });

  it("draws an SFX turned the export's way, its letters in the fill colour with the border as their outline", () => {
    const sfx = { ...base, kind: "sfx", outline: null, rotation: 20, fill: "#ffd60a", stroke_width: 7 / 800, font_weight: 400 };
    const drawing = bubbleDrawing(sfx, { width: 800, height: 400 }, 800);
    expect(drawing.shapes).toEqual([]);
    expect(drawing.rotation).toBe(-20); // counter-clockwise in the picture is a negative Konva rotation
    expect(drawing.pivot).toEqual({ x: 400, y: 100 });
    expect(drawing.text.color).toBe("#ffd60a");
    expect(drawing.text.stroke).toBeCloseTo(7);
    expect(drawing.text.strokeColor).toBe("#000000");
  });

  it("dashes a whisper as the export does and draws thought circles and bold, slanted text", () => {
    const circle: [number, number][] = [
      [0.1, 0.1],
      [0.12, 0.1],
      [0.12, 0.12],
      [0.1, 0.1],
    ];
    const whisper = { ...base, dashed: true, trail: [circle], italic: true, font_weight: 700 };
    const drawing = bubbleDrawing(whisper, { width: 800, height: 400 }, 800);
    expect(drawing.shapes).toHaveLength(2);
    const [dash, gap] = drawing.shapes[0].dash!;
    expect(dash).toBe(gap);
    // 1000 px of outline, 3 px line: round(1000 / (2 * 3 * 3)) = 56 dashes.
    expect(dash).toBeCloseTo(1000 / 56 / 2);
    expect(dashes([0, 0, 100, 0, 100, 100, 0, 100], 3)[0] * 2 * Math.round(400 / (2 * DASH * 3))).toBeCloseTo(400);
    expect(drawing.text.font.startsWith("bold ")).toBe(true);
    expect(drawing.text.slant).toBe(ITALIC_SLANT);
  });
});

describe("drawText", () => {
  it("strokes under the letters, on the alphabetic baseline, slanting about the middle of the line", () => {
    const calls: string[] = [];
    const context = new Proxy(
      {},
      {
        get: (_target, name) => (...args: unknown[]) => calls.push(`${String(name)}(${args.join(",")})`),
        set: (_target, name, value) => {
          calls.push(`${String(name)}=${value}`);
          return true;
        },
      },
    ) as unknown as CanvasRenderingContext2D;
    const drawing = bubbleDrawing({ ...base, italic: true, stroke_width: 2 / 800 }, { width: 800, height: 400 }, 800);
    drawText(context, drawing);
    expect(calls).toContain("textBaseline=alphabetic");
    const middle = 120 - 0.35 * 28;
    expect(calls).toContain(`transform(1,0,${-ITALIC_SLANT},1,${ITALIC_SLANT * middle},0)`);
    const stroke = calls.indexOf("strokeText(Hello,320,120)");
    expect(stroke).toBeGreaterThan(-1);
    expect(calls.indexOf("fillText(Hello,320,120)")).toBeGreaterThan(stroke);
    expect(calls).toContain("lineWidth=4");
  });
});
