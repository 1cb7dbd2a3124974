// Freehand drawing state shared by the sketch pad, the mask canvas and the panel canvas's mask layer:
// strokes with undo/redo kept as a draft in the browser, the tool and brush size, and pointer handlers
// that turn stage positions into picture pixels.
import { useEffect, useRef, useState } from "react";
import type Konva from "konva";
import { createHistory, pushState, redo, undo, type History } from "../../lib/history";
import { clearDraft, loadDraft, saveDraft, type Stroke, type StrokeMode } from "../../lib/strokes";
import { useUndoKeys } from "../../lib/hooks";

export interface CanvasState {
  strokes: Stroke[];
  /** The background (saved sketch) is hidden after "Clear". */
  hideBackground: boolean;
}

const EMPTY: CanvasState = { strokes: [], hideBackground: false };

function fromDraft(draftKey: string): History<CanvasState> {
  const draft = loadDraft(draftKey) as (CanvasState & { background?: unknown }) | null;
  return createHistory(draft ? { strokes: draft.strokes, hideBackground: Boolean(draft.hideBackground) } : EMPTY);
}

/**
 * ``toPicture`` maps a stage position to picture pixels (null outside); ``enabled`` turns the undo keys and
 * drawing off (a layer that is not being worked on).
 */
export function useStrokeDrawing({
  kind,
  width,
  draftKey,
  toPicture,
  onDirtyChange,
  enabled = true,
}: {
  kind: "sketch" | "mask";
  width: number;
  draftKey: string;
  toPicture: (position: { x: number; y: number }) => { x: number; y: number } | null;
  onDirtyChange?: (dirty: boolean) => void;
  enabled?: boolean;
}) {
  const [history, setHistory] = useState<History<CanvasState>>(() => fromDraft(draftKey));
  // Another picture (another draft key) starts from its own strokes, never from the last picture's.
  const [shownKey, setShownKey] = useState(draftKey);
  if (shownKey !== draftKey) {
    setShownKey(draftKey);
    setHistory(fromDraft(draftKey));
  }
  const [tool, setTool] = useState<StrokeMode>("draw");
  const [size, setSize] = useState(kind === "mask" ? Math.round(width / 16) : Math.max(4, Math.round(width / 160)));
  const [current, setCurrent] = useState<Stroke | null>(null);
  const drawing = useRef<Stroke | null>(null);
  const state = history.present;
  const dirty = state.strokes.length > 0 || state.hideBackground;

  useEffect(() => {
    if (dirty) saveDraft(draftKey, { strokes: state.strokes, background: null, ...{ hideBackground: state.hideBackground } } as never);
    else clearDraft(draftKey);
    onDirtyChange?.(dirty);
  }, [state, draftKey, dirty, onDirtyChange]);

  const commit = (next: CanvasState) => setHistory((h) => pushState(h, next));
  const doUndo = () => setHistory(undo);
  const doRedo = () => setHistory(redo);
  useUndoKeys(doUndo, doRedo, enabled);

  const point = (stage: Konva.Stage | null, evt: PointerEvent): [number, number, number] | null => {
    const position = stage?.getPointerPosition();
    const at = position ? toPicture(position) : null;
    if (!at) return null;
    const pressure = evt.pointerType === "pen" && evt.pressure > 0 ? evt.pressure : 0.5;
    return [at.x, at.y, pressure];
  };
  const onDown = (e: Konva.KonvaEventObject<PointerEvent>) => {
    if (!enabled || (e.evt.button !== undefined && e.evt.button > 0)) return;
    const p = point(e.target.getStage(), e.evt);
    if (!p) return;
    (e.evt.target as Element | null)?.setPointerCapture?.(e.evt.pointerId);
    drawing.current = { mode: tool, size, points: [p] };
    setCurrent(drawing.current);
  };
  const onMove = (e: Konva.KonvaEventObject<PointerEvent>) => {
    if (!drawing.current) return;
    const p = point(e.target.getStage(), e.evt);
    if (!p) return;
    drawing.current = { ...drawing.current, points: [...drawing.current.points, p] };
    setCurrent(drawing.current);
  };
  const onUp = () => {
    const stroke = drawing.current;
    drawing.current = null;
    setCurrent(null);
    if (stroke) commit({ ...state, strokes: [...state.strokes, stroke] });
  };
  /** Drop the stroke being drawn (a second finger turned it into a pinch). */
  const cancel = () => {
    drawing.current = null;
    setCurrent(null);
  };
  const reset = () => {
    clearDraft(draftKey);
    setHistory(createHistory(EMPTY));
  };

  return {
    history,
    state,
    shown: current ? [...state.strokes, current] : state.strokes,
    tool,
    setTool,
    size,
    setSize,
    commit,
    undo: doUndo,
    redo: doRedo,
    reset,
    cancel,
    handlers: { onPointerDown: onDown, onPointerMove: onMove, onPointerUp: onUp, onPointerLeave: onUp, onPointerCancel: onUp },
  };
}
