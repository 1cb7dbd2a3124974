// The panel's bubbles in reading order (which is also their stacking order: later ones on top), to select
// them from the keyboard and to move them earlier or later.
import type { Bubble } from "../../api/client";

export function ReadingOrder({
  bubbles,
  selectedId,
  direction = "ltr",
  onSelect,
  onMove,
}: {
  bubbles: Bubble[];
  selectedId: number | null;
  direction?: "ltr" | "rtl";
  onSelect: (id: number) => void;
  onMove: (bubble: Bubble, step: 1 | -1) => void;
}) {
  return (
    <section className="reading-order" aria-label="Reading order">
      <h3>Reading order</h3>
      <p className="muted small">
        {direction === "rtl" ? "Read right to left" : "Read left to right"}, top to bottom: new bubbles are placed after the ones above them.
      </p>
      <ol className="bubble-list" aria-label="Bubbles">
        {bubbles.map((b, i) => (
          <li key={b.id} className="row">
            <button type="button" className="grow text-left" aria-pressed={b.id === selectedId} onClick={() => onSelect(b.id)} data-testid={`bubble-${i + 1}`} data-bubble-id={b.id}>
              {i + 1}. {String(b.spec.kind)}: {String(b.spec.text)}
            </button>
            <button type="button" className="small" aria-label={`Read bubble ${i + 1} earlier`} disabled={i === 0} onClick={() => onMove(b, -1)} data-testid={`bubble-${i + 1}-earlier`}>
              ↑
            </button>
            <button type="button" className="small" aria-label={`Read bubble ${i + 1} later`} disabled={i === bubbles.length - 1} onClick={() => onMove(b, 1)} data-testid={`bubble-${i + 1}-later`}>
              ↓
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
