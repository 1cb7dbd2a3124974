// Everything the lettering tools of the panel canvas share: the server's layout of the frame (the one the
// export draws), the bubbles in reading order, the selection, saving with undo, arrow-key moves not yet laid
// out, and the handlers the lettering layer calls (display pixels in, fractions out).
import { useEffect, useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, ok, type Bubble, type Lettering, type Panel } from "../../api/client";
import { keys } from "../../api/queries";
import { FONTS, arrowStep, fontStack } from "../../lib/bubbles";
import { clampBox, round4, toFractions, type PixelRect, type Point, type Size } from "../../lib/geometry";
import { isTyping } from "../../lib/hooks";
import { useBubbleEdits } from "./useBubbleEdits";

const fontsReady = Promise.all(
  FONTS.flatMap((f) => [`20px "${f}"`, `bold 20px "${f}"`]).map((font) => document.fonts?.load(font).catch(() => null)),
);

export function useLettering(panel: Panel) {
  const picked = panel.picked_image;
  const lettering = useQuery({
    queryKey: keys.lettering(panel.id),
    queryFn: async () =>
      (await ok(api.GET("/api/panels/{panel_id}/lettering", { params: { path: { panel_id: panel.id } } }))) as Lettering,
    enabled: Boolean(picked),
    placeholderData: (previous) => previous,
  });
  const bubbles = useMemo(() => [...panel.bubbles].sort((a, b) => a.position - b.position), [panel.bubbles]);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const selected = bubbles.find((b) => b.id === selectedId) ?? null;
  const edits = useBubbleEdits(panel, setSelectedId, () => setSelectedId(null));
  const [editing, setEditing] = useState<Bubble | null>(null);
  // Arrow-key moves shown at once (display pixels), until the server has laid the bubble out again.
  const [pending, setPending] = useState<Record<number, Point>>({});
  useEffect(() => setPending({}), [lettering.dataUpdatedAt]);
  const [, setFontTick] = useState(0);
  useEffect(() => {
    // Redraw once the fonts are in, and whenever a fallback font (loaded when first needed) arrives.
    const redraw = () => setFontTick((t) => t + 1);
    void fontsReady.then(redraw);
    document.fonts?.addEventListener("loadingdone", redraw);
    return () => document.fonts?.removeEventListener("loadingdone", redraw);
  }, []);
  const frame = lettering.data ?? null;
  // The fonts of the laid-out text, fallbacks included (loaded when first needed), then a redraw.
  const [fontsLoaded, setFontsLoaded] = useState(false);
  useEffect(() => {
    if (!frame) return;
    let live = true;
    setFontsLoaded(false);
    const loads = frame.bubbles.flatMap((b) =>
      b.lines.map((line) => document.fonts?.load(`${b.font_weight >= 700 ? "bold " : ""}20px ${fontStack(b.font_family)}`, line.text)),
    );
    void Promise.all(loads)
      .catch(() => null)
      .then(() => {
        if (!live) return;
        setFontsLoaded(true);
        setFontTick((t) => t + 1);
      });
    return () => {
      live = false;
    };
  }, [frame]);
  const exportSize = frame ? { width: frame.width, height: frame.height } : { width: picked?.width ?? 1, height: picked?.height ?? 1 };
  const placed = frame?.bubbles ?? [];
  const placedOf = (id: number) => placed.find((p) => p.bubble_id === id);

  /** What the stage calls, for a frame shown at ``size`` display pixels. */
  const stage = (size: Size) => {
    const moveTo = (bubble: Bubble, centre: Point, soon = false) => {
      const at = { x: round4(Math.min(1, Math.max(0, centre.x / size.width))), y: round4(Math.min(1, Math.max(0, centre.y / size.height))) };
      (soon ? edits.changeSoon : edits.change)(bubble, at);
    };
    return {
      size,
      exportWidth: exportSize.width,
      bubbles,
      placed,
      pending,
      selectedId,
      onSelect: setSelectedId,
      onEditText: setEditing,
      onMove: (bubble: Bubble, centre: Point) => moveTo(bubble, centre),
      onResize: (bubble: Bubble, rect: PixelRect) => edits.change(bubble, clampBox(toFractions(rect, size))),
      onTail: (bubble: Bubble, index: number, tip: Point) => {
        if (index === 0) return edits.change(bubble, { tail_x: tip.x, tail_y: tip.y });
        const tails = [...((bubble.spec.tails as Point[] | undefined) ?? [])];
        tails[index - 1] = tip;
        edits.change(bubble, { tails });
      },
      /** Arrow keys move the selected bubble by a pixel (Shift: ten), unless typing in a field. */
      onKeyDown: (event: React.KeyboardEvent) => {
        const step = arrowStep(event.key, event.shiftKey);
        const p = selected && placedOf(selected.id);
        if (!step || !selected || !p || isTyping(event.target)) return;
        event.preventDefault();
        const moved = { x: (pending[selected.id]?.x ?? 0) + step.dx, y: (pending[selected.id]?.y ?? 0) + step.dy };
        setPending((all) => ({ ...all, [selected.id]: moved }));
        moveTo(selected, { x: p.center[0] * size.width + moved.x, y: p.center[1] * size.height + moved.y }, true);
      },
    };
  };

  return { panel, picked, lettering, frame, fontsLoaded, exportSize, bubbles, placed, placedOf, selected, selectedId, setSelectedId, edits, editing, setEditing, stage };
}

export type LetteringState = ReturnType<typeof useLettering>;
