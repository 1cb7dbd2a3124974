// Bubble defaults and stacking order helpers (pure, for the lettering editor).
import { boundsOf, clampBox, defaultTail, type FracBox, type Point } from "./geometry";

export const BUBBLE_KINDS = ["speech", "thought", "shout", "whisper", "caption", "sfx"] as const;
export type Kind = (typeof BUBBLE_KINDS)[number];
export const FONTS = ["Comic Neue", "Bangers", "Patrick Hand", "Noto Sans"];

/** The renderer's default family and size (pixels for an 800 px wide panel) per kind. */
export const KIND_DEFAULTS: Record<Kind, { font: string; size: number; text: string; tail: boolean }> = {
  speech: { font: "Comic Neue", size: 28, text: "Hello!", tail: true },
  thought: { font: "Comic Neue", size: 28, text: "Hmm…", tail: true },
  shout: { font: "Bangers", size: 36, text: "HEY!", tail: true },
  whisper: { font: "Comic Neue", size: 24, text: "psst…", tail: true },
  caption: { font: "Comic Neue", size: 24, text: "Meanwhile…", tail: false },
  sfx: { font: "Bangers", size: 80, text: "BOOM!", tail: false },
};

export interface BubbleFields {
  kind?: string | null;
  text?: string | null;
  x?: number | null;
  y?: number | null;
  width?: number | null;
  height?: number | null;
  tail_x?: number | null;
  tail_y?: number | null;
}

/** A new bubble of ``kind``, placed in a free-ish spot (staggered by how many there are). */
export function newBubble(kind: Kind, count: number, speaker?: string | null) {
  const defaults = KIND_DEFAULTS[kind];
  const row = count % 4;
  const box = clampBox(
    kind === "caption"
      ? { x: 0.5, y: 0.08 + row * 0.1, width: 0.8, height: 0.1 }
      : { x: 0.3 + (row % 2) * 0.4, y: 0.18 + Math.floor(row / 2) * 0.3, width: 0.34, height: 0.18 },
  );
  const tail: Point | null = defaults.tail ? defaultTail(box) : null;
  return {
    kind,
    text: defaults.text,
    speaker: defaults.tail ? (speaker ?? null) : null,
    ...box,
    ...(tail ? { tail_x: tail.x, tail_y: tail.y } : {}),
  };
}

/** The box to edit: the bubble's own geometry, else the bounds of the server's outline. */
export function editableBox(fields: BubbleFields, outline: [number, number][] | null | undefined): FracBox | null {
  if (fields.x != null && fields.y != null && fields.width != null && fields.height != null) {
    return { x: fields.x, y: fields.y, width: fields.width, height: fields.height };
  }
  return outline ? boundsOf(outline) : null;
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
