import type { MouseEvent, KeyboardEvent } from "react";
import type { Panel } from "../../api/client";
import { usePanelPatch } from "../panels/usePanelPatch";

const STEP = 0.05;
const clamp = (v: number) => Math.min(1, Math.max(0, Math.round(v * 100) / 100));

/** Where the picture sits in its frame: click (or use the arrow keys) to put the point the frame keeps in view. */
export function FocusPicker({ panel, label }: { panel: Panel; label: string }) {
  const patch = usePanelPatch(panel);
  const x = Number(panel.spec.focus_x ?? 0.5);
  const y = Number(panel.spec.focus_y ?? 0.5);
  const set = (fx: number, fy: number) => patch.mutate({ focus_x: clamp(fx), focus_y: clamp(fy) });
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    set((e.clientX - box.left) / box.width, (e.clientY - box.top) / box.height);
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, [number, number]> = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    set(x + move[0], y + move[1]);
  };
  if (!panel.picked_image) return <p className="muted">{label}: no picture picked yet</p>;
  return (
    <figure className="focus-picker">
      <div
        className="focus-area"
        role="slider"
        tabIndex={0}
        aria-label={`${label}: where the frame keeps the picture`}
        aria-valuetext={`${Math.round(x * 100)}% across, ${Math.round(y * 100)}% down`}
        aria-valuenow={Math.round(x * 100)}
        onClick={onClick}
        onKeyDown={onKey}
        data-testid={`focus-${panel.id}`}
      >
        <img src={panel.picked_image.url} alt="" draggable={false} />
        <span className="focus-handle" style={{ left: `${x * 100}%`, top: `${y * 100}%` }} aria-hidden="true" />
      </div>
      <figcaption>{label}</figcaption>
    </figure>
  );
}
