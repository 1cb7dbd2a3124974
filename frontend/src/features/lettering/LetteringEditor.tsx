// The lettering editor: the panel's frame as the export shows it, with every bubble drawn from the server's
// layout (the one the export draws), a side panel for the selected bubble and the comic's lettering style,
// the bubbles in reading order, and keyboard moves (arrows; Shift for bigger steps).
import { useEffect, useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, ok, type Bubble, type Lettering, type Panel } from "../../api/client";
import { keys } from "../../api/queries";
import { ErrorMessage, SaveIndicator } from "../../components/ui";
import { errorAbout } from "../../lib/errors";
import { BUBBLE_KINDS, FONTS, arrowStep, newBubble, restack } from "../../lib/bubbles";
import { clampBox, fitScale, round4, toFractions, type Point } from "../../lib/geometry";
import { useWidth } from "../../lib/hooks";
import { BubbleProps } from "./BubbleProps";
import { BubbleStage, MARGIN } from "./BubbleStage";
import { ComicLetteringStyle } from "./ComicLetteringStyle";
import { ReadingOrder } from "./ReadingOrder";
import { useBubbleEdits } from "./useBubbleEdits";

const fontsReady = Promise.all(
  [...FONTS, "bold 20px Comic Neue"].map((f) => document.fonts?.load(f.startsWith("bold") ? f : `20px "${f}"`).catch(() => null)),
);

const typingIn = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

export function LetteringEditor({ panel, layers }: { panel: Panel; layers?: { picture: boolean; lettering: boolean } }) {
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
  const [showExport, setShowExport] = useState(false);
  const [editing, setEditing] = useState<Bubble | null>(null);
  // Arrow-key moves shown at once (display pixels), until the server has laid the bubble out again.
  const [pending, setPending] = useState<Record<number, Point>>({});
  useEffect(() => setPending({}), [lettering.dataUpdatedAt]);
  const [, setFontTick] = useState(0);
  useEffect(() => {
    void fontsReady.then(() => setFontTick((t) => t + 1));
  }, []);

  const [box, boxWidth] = useWidth<HTMLDivElement>();
  const frame = lettering.data ?? null;
  const exportSize = frame ? { width: frame.width, height: frame.height } : { width: picked?.width ?? 1, height: picked?.height ?? 1 };
  const scale = fitScale(exportSize, { width: Math.max(120, boxWidth - 2 * MARGIN), height: 620 }, 2);
  const size = { width: exportSize.width * scale, height: exportSize.height * scale };
  const placed = frame?.bubbles ?? [];
  const placedOf = (id: number) => placed.find((p) => p.bubble_id === id);

  const moveTo = (bubble: Bubble, centre: Point, soon = false) => {
    const at = { x: round4(Math.min(1, Math.max(0, centre.x / size.width))), y: round4(Math.min(1, Math.max(0, centre.y / size.height))) };
    (soon ? edits.changeSoon : edits.change)(bubble, at);
  };
  const onKeyDown = (event: React.KeyboardEvent) => {
    const step = arrowStep(event.key, event.shiftKey);
    const p = selected && placedOf(selected.id);
    if (!step || !selected || !p || typingIn(event.target)) return;
    event.preventDefault();
    const moved = { x: (pending[selected.id]?.x ?? 0) + step.dx, y: (pending[selected.id]?.y ?? 0) + step.dy };
    setPending((all) => ({ ...all, [selected.id]: moved }));
    moveTo(selected, { x: p.center[0] * size.width + moved.x, y: p.center[1] * size.height + moved.y }, true);
  };

  if (!picked) return <p>Pick a candidate under “Generate” first: bubbles are placed on the picked picture.</p>;
  const speakers = (panel.spec.characters as string[] | undefined) ?? [];
  const err = (key: string) => errorAbout(edits.patch.error, key);

  return (
    <div className="lettering grid-lettering" onKeyDown={onKeyDown}>
      <div>
        <div className="toolbar" role="toolbar" aria-label="Add lettering">
          {BUBBLE_KINDS.map((kind) => (
            <button key={kind} type="button" onClick={() => edits.create.mutate(newBubble(kind, speakers[0]))} disabled={edits.create.isPending} data-testid={`add-${kind}`}>
              Add {kind === "sfx" ? "SFX" : kind}
            </button>
          ))}
          <button type="button" onClick={edits.undo} disabled={!edits.canUndo} aria-label="Undo bubble change" data-testid="bubble-undo">
            Undo
          </button>
          <button type="button" onClick={edits.redo} disabled={!edits.canRedo} aria-label="Redo bubble change" data-testid="bubble-redo">
            Redo
          </button>
          <label className="inline">
            <input type="checkbox" checked={showExport} onChange={(e) => setShowExport(e.target.checked)} />
            Show the exported picture
          </label>
          <SaveIndicator status={edits.status} testId="lettering-save-status" />
        </div>
        <ErrorMessage error={edits.create.error ?? edits.remove.error ?? lettering.error} />
        {frame?.framed && <p className="muted small">Lettered in the panel's page frame, as the page will print it.</p>}
        <div className="bubble-stage" ref={box}>
          {showExport ? (
            <img className="lettered" src={`/api/panels/${panel.id}/lettered?v=${lettering.dataUpdatedAt}`} alt="The panel as it will be exported, with lettering" data-testid="lettered-image" />
          ) : (
            <div
              className="canvas-frame"
              style={{ width: size.width + 2 * MARGIN, height: size.height + 2 * MARGIN, position: "relative", touchAction: "none" }}
              data-testid="lettering-canvas"
              tabIndex={0}
              role="application"
              aria-label="Lettering canvas: drag bubbles, their handles and tail tips; arrow keys move the selected bubble (Shift: 10 pixels)"
            >
              <BubbleStage
                pictureUrl={picked.url}
                crop={frame?.crop ?? [0, 0, 1, 1]}
                size={size}
                exportWidth={exportSize.width}
                bubbles={bubbles}
                placed={placed}
                pending={pending}
                selectedId={selectedId}
                showPicture={layers?.picture}
                showLettering={layers?.lettering}
                onSelect={setSelectedId}
                onMove={(bubble, centre) => moveTo(bubble, centre)}
                onResize={(bubble, rect) => edits.change(bubble, clampBox(toFractions(rect, size)))}
                onTail={(bubble, index, tip) => {
                  if (index === 0) edits.change(bubble, { tail_x: tip.x, tail_y: tip.y });
                  else {
                    const tails = [...((bubble.spec.tails as Point[] | undefined) ?? [])];
                    tails[index - 1] = tip;
                    edits.change(bubble, { tails });
                  }
                }}
                onEditText={setEditing}
              />
              {editing && <InPlaceText bubble={editing} placed={placedOf(editing.id)} size={size} onDone={(text) => {
                if (text && text !== editing.spec.text) edits.change(editing, { text });
                setEditing(null);
              }} />}
            </div>
          )}
        </div>
      </div>
      <aside className="card bubble-props" aria-label="Selected bubble">
        {!selected ? (
          <p className="muted">Select a bubble to edit it (double-click to edit its text in place).</p>
        ) : (
          <>
            <h3>Bubble</h3>
            <BubbleProps
              bubble={selected}
              placed={placedOf(selected.id)}
              speakers={speakers}
              error={err}
              onChange={(body) => edits.change(selected, body)}
              onType={(body) => edits.changeSoon(selected, body)}
              onDone={edits.flushTyping}
            />
            <button type="button" className="danger" onClick={() => edits.remove.mutate(selected.id)}>
              Delete bubble
            </button>
            <ErrorMessage error={edits.patch.error} fields={["text", "kind", "speaker", "font", "font_size", "rotation", "x", "y", "width", "height", "tails"]} />
          </>
        )}
        <ReadingOrder
          bubbles={bubbles}
          selectedId={selectedId}
          onSelect={setSelectedId}
          onMove={(bubble, step) => {
            for (const [id, position] of restack(bubbles, bubble.id, step)) edits.change(bubbles.find((x) => x.id === id)!, { position });
          }}
        />
        <ComicLetteringStyle comicId={panel.comic_id} />
      </aside>
    </div>
  );
}

function InPlaceText({ bubble, placed, size, onDone }: { bubble: Bubble; placed?: { box: number[] }; size: { width: number; height: number }; onDone: (text: string) => void }) {
  const [left, top, right, bottom] = placed?.box ?? [0.3, 0.3, 0.7, 0.5];
  return (
    <textarea
      className="inplace-text"
      autoFocus
      aria-label="Bubble text"
      defaultValue={String(bubble.spec.text ?? "")}
      style={{ left: MARGIN + left * size.width, top: MARGIN + top * size.height, width: Math.max(120, (right - left) * size.width), height: Math.max(60, (bottom - top) * size.height) }}
      onBlur={(e) => onDone(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === "Escape") onDone(String(bubble.spec.text ?? ""));
        if (e.key === "Enter" && !e.shiftKey) {
          e.preventDefault();
          (e.target as HTMLTextAreaElement).blur();
        }
      }}
      data-testid="bubble-inplace-text"
    />
  );
}
