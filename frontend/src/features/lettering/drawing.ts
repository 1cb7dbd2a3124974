// What the editor draws for a bubble, computed from the server's layout (GET /panels/{id}/lettering), which
// is the layout the export draws: the same outline, tails, thought circles, colours, line breaks, slant
// and SFX turn, scaled to the displayed frame. The rules below follow src/stripstudio/lettering/render.py.
import type { PlacedBubble } from "../../api/client";
import { fontStack } from "../../lib/bubbles";

/** render.py's DASH: a whisper's dashes (and the gaps) are this many outline widths long. */
export const DASH = 3;
/** render.py's ITALIC_SLANT and ITALIC_MIDDLE: the shear of slanted text and the height it turns about. */
export const ITALIC_SLANT = 0.2;
export const ITALIC_MIDDLE = 0.35;

export interface Size {
  width: number;
  height: number;
}

/** One closed shape (the outline with its tails, or a thought circle), in display pixels. */
export interface DrawnShape {
  points: number[];
  /** Dash and gap lengths along the outline, or null for a solid line. */
  dash: number[] | null;
}

export interface DrawnLine {
  text: string;
  x: number;
  baseline: number;
}

export interface BubbleDrawing {
  id: number;
  kind: string;
  shapes: DrawnShape[];
  fill: string;
  border: string;
  /** The outline band's width, inside the shape. */
  lineWidth: number;
  text: {
    font: string;
    color: string;
    /** The letters' outline (drawn under the letters), in display pixels; 0 for none. */
    stroke: number;
    strokeColor: string;
    /** Horizontal shift per pixel of height above ``middle`` below each baseline (0: upright). */
    slant: number;
    middle: number;
    lines: DrawnLine[];
  };
  /** Degrees clockwise on screen (the server's counter-clockwise rotation, negated) about ``pivot``. */
  rotation: number;
  pivot: { x: number; y: number };
  /** The area the bubble covers, in display pixels (left, top, width, height). */
  box: { left: number; top: number; width: number; height: number };
}

/** The drawing of ``placed`` in a frame shown at ``size`` display pixels (``exportWidth`` wide when exported). */
export function bubbleDrawing(placed: PlacedBubble, size: Size, exportWidth: number): BubbleDrawing {
  const px = (p: readonly number[]) => [p[0] * size.width, p[1] * size.height];
  const scale = size.width / exportWidth;
  const lineWidth = placed.outline_width * size.width;
  const outlines = [placed.outline, ...placed.trail].filter((s): s is [number, number][] => Boolean(s && s.length));
  const shapes = outlines.map((outline) => {
    const points = outline.flatMap(px);
    return { points, dash: placed.dashed ? dashes(points, lineWidth) : null };
  });
  const fontPx = placed.font_size * scale;
  const [left, top, right, bottom] = placed.box;
  const sfx = placed.outline === null;
  return {
    id: placed.bubble_id,
    kind: placed.kind,
    shapes,
    fill: placed.fill,
    border: placed.border_color,
    lineWidth,
    text: {
      font: `${placed.font_weight >= 700 ? "bold " : ""}${fontPx}px ${fontStack(placed.font_family)}`,
      // An SFX has no body: its letters take the fill colour.
      color: sfx ? placed.fill : placed.text_color,
      stroke: placed.stroke_width * size.width,
      strokeColor: placed.border_color,
      slant: placed.italic ? ITALIC_SLANT : 0,
      middle: ITALIC_MIDDLE * fontPx,
      lines: placed.lines.map((line) => ({ text: line.text, x: line.x * size.width, baseline: line.baseline * size.height })),
    },
    rotation: -placed.rotation,
    pivot: { x: placed.center[0] * size.width, y: placed.center[1] * size.height },
    box: { left: left * size.width, top: top * size.height, width: (right - left) * size.width, height: (bottom - top) * size.height },
  };
}

/** The dash pattern render.py uses: ``count`` dashes evenly along the outline, each half a step long. */
export function dashes(points: number[], lineWidth: number): number[] {
  let length = 0;
  for (let i = 0; i < points.length; i += 2) {
    const j = (i + 2) % points.length;
    length += Math.hypot(points[j] - points[i], points[j + 1] - points[i + 1]);
  }
  const count = Math.max(4, Math.round(length / (2 * DASH * lineWidth)));
  const step = length / count;
  return [step / 2, step / 2];
}

/** Draw the text of ``drawing`` on a 2D canvas context, as Pillow does: stroke under the letters, baselines exact. */
export function drawText(context: CanvasRenderingContext2D, drawing: BubbleDrawing) {
  const { text } = drawing;
  context.font = text.font;
  context.textBaseline = "alphabetic";
  context.textAlign = "left";
  context.lineJoin = "round";
  for (const line of text.lines) {
    context.save();
    if (text.slant) {
      const middle = line.baseline - text.middle;
      // x' = x - slant * (y - middle): rows above the middle lean right.
      context.transform(1, 0, -text.slant, 1, text.slant * middle, 0);
    }
    if (text.stroke > 0) {
      context.strokeStyle = text.strokeColor;
      context.lineWidth = 2 * text.stroke;
      context.strokeText(line.text, line.x, line.baseline);
    }
    context.fillStyle = text.color;
    context.fillText(line.text, line.x, line.baseline);
    context.restore();
  }
}
