// Where each character of a panel stands: boxes in fractions of the panel (x, y, width, height), as the
// server keeps them. The editor works in pixels of the displayed picture; these helpers convert.
import { clamp, MIN_FRACTION, round4, type Size } from "../../lib/geometry";

export type Box = [number, number, number, number];

/** A character's box as the panel's composed request places it. */
export interface CharacterBox {
  character: string;
  box: Box;
}

/** A region as the API takes it: a box or a preset placement. */
export interface RegionValue {
  character: string;
  box?: Box | null;
  place?: string | null;
}

/** Preset placements for a panel with that many characters, in the order the panel lists them. */
export const PRESETS: { label: string; count: number; places: string[] }[] = [
  { label: "Left / right", count: 2, places: ["left", "right"] },
  { label: "Top / bottom", count: 2, places: ["top", "bottom"] },
  { label: "Thirds", count: 3, places: ["left-third", "middle-third", "right-third"] },
];

export function presetsFor(count: number) {
  return PRESETS.filter((preset) => preset.count === count);
}

/** Regions that put the characters at a preset's places. */
export function presetRegions(characters: string[], places: string[]): RegionValue[] {
  return characters.map((character, index) => ({ character, place: places[index] }));
}

/** A box kept inside the panel and at least MIN_FRACTION wide and high, rounded to 4 decimals. */
export function fitBox([x, y, width, height]: Box): Box {
  const w = clamp(width, MIN_FRACTION, 1);
  const h = clamp(height, MIN_FRACTION, 1);
  const left = round4(clamp(x, 0, 1 - w));
  const top = round4(clamp(y, 0, 1 - h));
  return [left, top, round4(Math.min(w, 1 - left)), round4(Math.min(h, 1 - top))];
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function boxToPixels([x, y, width, height]: Box, size: Size): Rect {
  return { x: x * size.width, y: y * size.height, width: width * size.width, height: height * size.height };
}

export function boxFromPixels(rect: Rect, size: Size): Box {
  return fitBox([rect.x / size.width, rect.y / size.height, rect.width / size.width, rect.height / size.height]);
}

/** Every character's region as a box, with ``character``'s replaced by ``box``. */
export function withBox(boxes: CharacterBox[], character: string, box: Box): CharacterBox[] {
  return boxes.map((b) => (b.character === character ? { character, box } : b));
}

/** "x 5%, y 10%, 40% × 90%": a box for people and tests to read. */
export function describeBox([x, y, width, height]: Box): string {
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  return `x ${pct(x)}, y ${pct(y)}, ${pct(width)} × ${pct(height)}`;
}
