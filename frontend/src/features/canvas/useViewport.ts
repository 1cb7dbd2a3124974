// Zoom and pan of the panel canvas, shared by all its layers and tools: ctrl/⌘ + wheel or a trackpad pinch
// zooms about the pointer, a plain wheel or two-finger scroll pans once zoomed or panned (as in tldraw and
// Figma; over the fitted picture it scrolls the page the canvas sits in), so does dragging
// with the space bar held or with the middle button; two fingers on a touch screen pinch and pan; + / - step
// the zoom, 0 fits, 1 shows 100 %.
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import type { Point, Size } from "../../lib/geometry";
import { isTyping } from "../../lib/hooks";
import { FIT, panBy, pinchView, wheelView, zoomOf, zoomStep, zoomTo, type Viewport } from "./viewport";

/** Keys that belong to something else: a field being typed in, a dialog over the canvas, the browser's zoom. */
const notOurs = (event: KeyboardEvent) =>
  event.defaultPrevented ||
  isTyping(event.target) ||
  event.ctrlKey ||
  event.metaKey ||
  event.altKey ||
  (event.target instanceof Element && !!event.target.closest('[role="dialog"], [role="alertdialog"]'));

const KEYS: Record<string, "in" | "out" | "fit" | "actual"> = { "+": "in", "=": "in", "-": "out", _: "out", "0": "fit", "1": "actual" };

/**
 * The view of a canvas whose layout draws ``base`` screen pixels per picture pixel on a screen of ``size``;
 * it returns to fitting when ``resetKey`` changes (another picture). Attach ``frame`` and ``handlers`` to the
 * element holding the stage. ``onPinch`` is called when a second finger turns a touch into a pinch (the
 * first finger's tool action is to be dropped).
 */
export function useViewport({ base, size, resetKey, onPinch }: { base: number; size: Size; resetKey: unknown; onPinch?: () => void }) {
  const [view, setView] = useState<Viewport>(FIT);
  const [shownKey, setShownKey] = useState(resetKey);
  if (shownKey !== resetKey) {
    setShownKey(resetKey);
    setView(FIT);
  }
  const [spaceHeld, setSpaceHeld] = useState(false);
  const [dragging, setDragging] = useState(false);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const frame = useRef<HTMLDivElement>(null);
  const hovered = useRef(false);
  const touches = useRef(new Map<number, Point>());
  const pinching = useRef(false);
  const latest = useRef({ base, size, view });
  latest.current = { base, size, view };

  const actions = {
    in: () => setView((v) => zoomStep(v, 1, latest.current.base, latest.current.size)),
    out: () => setView((v) => zoomStep(v, -1, latest.current.base, latest.current.size)),
    fit: () => setView(FIT),
    actual: () => setView((v) => zoomTo(v, 1, latest.current.base, latest.current.size)),
  };
  const act = useRef(actions);
  act.current = actions;

  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      // A plain wheel over the picture as laid out (the view at fit) scrolls the page the canvas sits in;
      // once zoomed or panned, it pans. Ctrl/⌘ + wheel (and a pinch) always zooms.
      const { view: shown } = latest.current;
      const atFit = shown.scale === FIT.scale && shown.x === FIT.x && shown.y === FIT.y;
      if (atFit && !event.ctrlKey && !event.metaKey) return;
      event.preventDefault(); // neither scroll the page nor zoom the browser
      const box = element.getBoundingClientRect();
      const pointer = { x: event.clientX - box.left, y: event.clientY - box.top };
      setView((v) => wheelView(v, event, pointer, latest.current.base, latest.current.size));
    };
    element.addEventListener("wheel", onWheel, { passive: false });
    return () => element.removeEventListener("wheel", onWheel);
  }, []);

  useEffect(() => {
    // The space bar pans on the canvas, on the page itself, or anywhere but a field while the pointer is over
    // the canvas (a button clicked last keeps the focus: the space bar must not press it again then).
    const spaceTarget = (target: EventTarget | null) =>
      hovered.current || target === document.body || (target instanceof Node && !!frame.current?.contains(target));
    const onDown = (event: KeyboardEvent) => {
      if (notOurs(event)) return;
      if (event.key === " " && spaceTarget(event.target)) {
        event.preventDefault();
        setSpaceHeld(true);
        return;
      }
      const action = KEYS[event.key];
      if (!action) return;
      event.preventDefault();
      act.current[action]();
    };
    const onUp = (event: KeyboardEvent) => {
      if (event.key !== " ") return;
      if (!notOurs(event) && spaceTarget(event.target)) event.preventDefault();
      setSpaceHeld(false);
    };
    const release = () => setSpaceHeld(false);
    window.addEventListener("keydown", onDown);
    window.addEventListener("keyup", onUp);
    window.addEventListener("blur", release);
    return () => {
      window.removeEventListener("keydown", onDown);
      window.removeEventListener("keyup", onUp);
      window.removeEventListener("blur", release);
    };
  }, []);

  const endDrag = () => {
    drag.current = null;
    setDragging(false);
  };
  const local = (event: ReactPointerEvent): Point => {
    const box = frame.current?.getBoundingClientRect();
    return { x: event.clientX - (box?.left ?? 0), y: event.clientY - (box?.top ?? 0) };
  };
  /** A finger moved: with two down, the view follows them. */
  const moveTouch = (event: ReactPointerEvent) => {
    const before = [...touches.current.values()] as [Point, Point];
    touches.current.set(event.pointerId, local(event));
    if (!pinching.current || before.length !== 2) return;
    const after = [...touches.current.values()] as [Point, Point];
    setView((v) => pinchView(v, before, after, latest.current.base, latest.current.size));
  };
  const liftTouch = (event: ReactPointerEvent) => {
    touches.current.delete(event.pointerId);
    if (!touches.current.size) pinching.current = false;
  };
  const handlers = {
    // In the capture phase, before the stage: a panning drag or a pinch never reaches the tools.
    onPointerDownCapture: (event: ReactPointerEvent) => {
      if (event.pointerType === "touch") {
        if (event.isPrimary) touches.current.clear(); // a new touch: forget fingers whose lifting went unseen
        touches.current.set(event.pointerId, local(event));
        if (touches.current.size < 2) return;
        event.stopPropagation();
        if (!pinching.current) onPinch?.();
        pinching.current = true;
        return;
      }
      if (event.button !== 1 && !(spaceHeld && event.button === 0)) return;
      event.preventDefault();
      event.stopPropagation();
      frame.current?.setPointerCapture?.(event.pointerId);
      drag.current = { x: event.clientX, y: event.clientY };
      setDragging(true);
    },
    onPointerMove: (event: ReactPointerEvent) => {
      if (touches.current.has(event.pointerId)) return moveTouch(event);
      const from = drag.current;
      if (!from) return;
      drag.current = { x: event.clientX, y: event.clientY };
      setView((v) => panBy(v, { x: event.clientX - from.x, y: event.clientY - from.y }, latest.current.size));
    },
    onPointerUp: (event: ReactPointerEvent) => (touches.current.has(event.pointerId) ? liftTouch(event) : endDrag()),
    onPointerCancel: (event: ReactPointerEvent) => (touches.current.has(event.pointerId) ? liftTouch(event) : endDrag()),
    onPointerEnter: () => (hovered.current = true),
    onPointerLeave: () => (hovered.current = false),
  };

  return {
    view,
    zoom: zoomOf(view, base),
    frame,
    handlers,
    /** Space held or a pan under way: the pointer pans instead of using the tools. */
    panning: spaceHeld || dragging,
    dragging,
    zoomIn: actions.in,
    zoomOut: actions.out,
    fit: actions.fit,
    actualSize: actions.actual,
  };
}

export type ViewportState = ReturnType<typeof useViewport>;
