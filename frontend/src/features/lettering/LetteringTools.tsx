// The lettering tools around the frame: the toolbar (add a bubble of each kind, undo, redo, the exported
// picture), the selected bubble's fields, the bubbles in reading order and the comic's lettering style.
import type { CSSProperties } from "react";
import { ErrorMessage, SaveIndicator } from "../../components/ui";
import { errorAbout } from "../../lib/errors";
import { BUBBLE_KINDS, newBubble, restack } from "../../lib/bubbles";
import type { Size } from "../../lib/geometry";
import { BubbleProps } from "./BubbleProps";
import { ComicLetteringStyle } from "./ComicLetteringStyle";
import { ReadingOrder } from "./ReadingOrder";
import type { LetteringState } from "./useLettering";

const speakersOf = (l: LetteringState) => (l.panel.spec.characters as string[] | undefined) ?? [];

export function LetteringToolbar({ l, showExport, onShowExport }: { l: LetteringState; showExport?: boolean; onShowExport?: (show: boolean) => void }) {
  const { edits } = l;
  return (
    <>
      <div className="toolbar" role="toolbar" aria-label="Add lettering">
        {BUBBLE_KINDS.map((kind) => (
          <button key={kind} type="button" onClick={() => edits.create.mutate(newBubble(kind, speakersOf(l)[0]))} disabled={edits.create.isPending} data-testid={`add-${kind}`}>
            Add {kind === "sfx" ? "SFX" : kind}
          </button>
        ))}
        <button type="button" onClick={edits.undo} disabled={!edits.canUndo} aria-label="Undo bubble change" data-testid="bubble-undo">
          Undo
        </button>
        <button type="button" onClick={edits.redo} disabled={!edits.canRedo} aria-label="Redo bubble change" data-testid="bubble-redo">
          Redo
        </button>
        {onShowExport && (
          <label className="inline">
            <input type="checkbox" checked={Boolean(showExport)} onChange={(e) => onShowExport(e.target.checked)} />
            Show the exported picture
          </label>
        )}
        <SaveIndicator status={edits.status} testId="lettering-save-status" />
      </div>
      <ErrorMessage error={edits.create.error ?? edits.remove.error ?? l.lettering.error} />
      {l.frame?.framed && <p className="muted small">Lettered in the panel's page frame, as the page will print it.</p>}
    </>
  );
}

export function LetteringSidebar({ l }: { l: LetteringState }) {
  const { selected, edits, bubbles } = l;
  const err = (key: string) => errorAbout(edits.patch.error, key);
  return (
    <aside className="card bubble-props" aria-label="Selected bubble">
      {!selected ? (
        <p className="muted">Select a bubble to edit it (double-click to edit its text in place).</p>
      ) : (
        <>
          <h3>Bubble</h3>
          <BubbleProps
            bubble={selected}
            placed={l.placedOf(selected.id)}
            speakers={speakersOf(l)}
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
        selectedId={l.selectedId}
        onSelect={l.setSelectedId}
        onMove={(bubble, step) => {
          for (const [id, position] of restack(bubbles, bubble.id, step)) edits.change(bubbles.find((x) => x.id === id)!, { position });
        }}
      />
      <ComicLetteringStyle comicId={l.panel.comic_id} />
    </aside>
  );
}

/** The bubble's text, edited where the bubble is (``origin`` is where the frame starts in the view). */
export function InPlaceText({ l, size, origin }: { l: LetteringState; size: Size; origin: { x: number; y: number } }) {
  const bubble = l.editing;
  if (!bubble) return null;
  const [left, top, right, bottom] = l.placedOf(bubble.id)?.box ?? [0.3, 0.3, 0.7, 0.5];
  const done = (text: string) => {
    if (text && text !== bubble.spec.text) l.edits.change(bubble, { text });
    l.setEditing(null);
  };
  const style: CSSProperties = {
    left: origin.x + left * size.width,
    top: origin.y + top * size.height,
    width: Math.max(120, (right - left) * size.width),
    height: Math.max(60, (bottom - top) * size.height),
  };
  return (
    <textarea
      className="inplace-text"
      autoFocus
      aria-label="Bubble text"
      defaultValue={String(bubble.spec.text ?? "")}
      style={style}
      onBlur={(e) => done(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === "Escape") l.setEditing(null);
        if (e.key === "Enter" && !e.shiftKey) {
          e.preventDefault();
          (e.target as HTMLTextAreaElement).blur();
        }
      }}
      data-testid="bubble-inplace-text"
    />
  );
}
