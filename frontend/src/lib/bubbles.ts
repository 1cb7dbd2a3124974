// Bubble defaults and stacking order helpers (pure, for the lettering editor).

export const BUBBLE_KINDS = ["speech", "thought", "shout", "whisper", "caption", "sfx"] as const;
export type Kind = (typeof BUBBLE_KINDS)[number];
export const FONTS = ["Comic Neue", "Bangers", "Patrick Hand", "Noto Sans"];

/** Each bundled family's font files in the renderer's order (lettering/fonts.py), one CSS family per file (styles.css). */
const FONT_FILES: Record<string, string[]> = {
  "Comic Neue": ["Comic Neue"],
  Bangers: ["Bangers", "Bangers Latin Ext", "Bangers Vietnamese"],
  "Patrick Hand": ["Patrick Hand", "Patrick Hand Latin Ext", "Patrick Hand Vietnamese"],
  "Noto Sans": ["Noto Sans", "Noto Sans Latin Ext", "Noto Sans Cyrillic", "Noto Sans Greek"],
  "Noto Sans JP": ["Noto Sans JP"],
};
/** The families the renderer falls back to for letters its font lacks (FALLBACK_FAMILIES). */
const FALLBACK_FAMILIES = ["Noto Sans", "Noto Sans JP"];

/**
 * A CSS font-family list that falls back letter by letter as the renderer does: the family's own files, then
 * Noto Sans and Noto Sans JP, so accents, Cyrillic, Greek and Japanese are drawn with the same fonts.
 */
export function fontStack(family: string): string {
  const names = [family, ...FALLBACK_FAMILIES.filter((f) => f !== family)].flatMap((f) => FONT_FILES[f] ?? [f]);
  return names.map((name) => `"${name}"`).join(", ");
}

/** The renderer's default family and size (pixels for an 800 px wide panel) per kind. */
export const KIND_DEFAULTS: Record<Kind, { font: string; size: number; text: string; tail: boolean }> = {
  speech: { font: "Comic Neue", size: 28, text: "Hello!", tail: true },
  thought: { font: "Comic Neue", size: 28, text: "Hmm…", tail: true },
  shout: { font: "Bangers", size: 36, text: "HEY!", tail: true },
  whisper: { font: "Comic Neue", size: 24, text: "psst…", tail: true },
  caption: { font: "Comic Neue", size: 24, text: "Meanwhile…", tail: false },
  sfx: { font: "Bangers", size: 80, text: "BOOM!", tail: false },
};

/** A new bubble of ``kind``: no position or size, so the server puts it where it covers no other bubble or
 * face and sizes it to fit its text; speech-like kinds are spoken by ``speaker`` (their tail points there). */
export function newBubble(kind: Kind, speaker?: string | null) {
  const defaults = KIND_DEFAULTS[kind];
  return { kind, text: defaults.text, speaker: defaults.tail ? (speaker ?? null) : null };
}

/** The arrow key's move in display pixels: 1, or 10 with Shift; null for other keys. */
export function arrowStep(key: string, shift: boolean): { dx: number; dy: number } | null {
  const step = shift ? 10 : 1;
  const moves: Record<string, { dx: number; dy: number }> = {
    ArrowLeft: { dx: -step, dy: 0 },
    ArrowRight: { dx: step, dy: 0 },
    ArrowUp: { dx: 0, dy: -step },
    ArrowDown: { dx: 0, dy: step },
  };
  return moves[key] ?? null;
}

/** Positions after moving bubble ``id`` one step up (+1) or down (-1) the stack: [id, newPosition][] to PATCH. */
export function restack(order: { id: number; position: number }[], id: number, step: 1 | -1): [number, number][] {
  const sorted = [...order].sort((a, b) => a.position - b.position);
  const index = sorted.findIndex((b) => b.id === id);
  const other = index + step;
  if (index < 0 || other < 0 || other >= sorted.length) return [];
  const ids = sorted.map((b) => b.id);
  [ids[index], ids[other]] = [ids[other], ids[index]];
  return ids.map((bubbleId, position) => [bubbleId, position] as [number, number]).filter(([bubbleId, position]) => {
    const before = sorted.find((b) => b.id === bubbleId)!;
    return before.position !== position;
  });
}
