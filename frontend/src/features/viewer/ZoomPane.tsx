import { useEffect, useRef, useState } from "react";
import { fitView, panBy, wheelFactor, wheelPixels, zoomAt, type Size, type View } from "./zoom";

/** The size of an element, kept up to date. */
function usePaneSize(ref: React.RefObject<HTMLElement | null>): Size {
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setSize({ width: element.clientWidth, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

/**
 * A picture in a pane that the wheel, a pinch or the buttons zoom and a drag pans. The view is the
 * caller's (``view``/``onView``), so two panes compared side by side move together; null means "fit".
 */
export function ZoomPane({
  src,
  alt,
  picture,
  view,
  onView,
  onPaneSize,
  testId,
}: {
  src: string;
  alt: string;
  picture: Size;
  view: View | null;
  onView: (view: View) => void;
  onPaneSize?: (size: Size) => void;
  testId?: string;
}) {
  const pane = useRef<HTMLDivElement>(null);
  const size = usePaneSize(pane);
  const shown = view ?? fitView(picture, size);
  const current = useRef(shown);
  current.current = shown;
  const pointers = useRef(new Map<number, { x: number; y: number }>());

  useEffect(() => onPaneSize?.(size), [size, onPaneSize]);

  // A native listener: React's wheel listener is passive, and the page must not scroll while zooming.
  useEffect(() => {
    const element = pane.current;
    if (!element) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const box = element.getBoundingClientRect();
      onView(zoomAt(current.current, wheelFactor(wheelPixels(e).y), e.clientX - box.left, e.clientY - box.top));
    };
    element.addEventListener("wheel", onWheel, { passive: false });
    return () => element.removeEventListener("wheel", onWheel);
  }, [onView]);

  const onPointerDown = (e: React.PointerEvent) => {
    pane.current?.setPointerCapture?.(e.pointerId);
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
  };
  const onPointerMove = (e: React.PointerEvent) => {
    const before = pointers.current.get(e.pointerId);
    if (!before) return;
    const others = [...pointers.current.entries()].filter(([id]) => id !== e.pointerId).map(([, p]) => p);
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (others.length === 1) {
      // Pinch: zoom by the change of the fingers' distance, around their midpoint.
      const [other] = others;
      const was = Math.hypot(before.x - other.x, before.y - other.y);
      const now = Math.hypot(e.clientX - other.x, e.clientY - other.y);
      const box = pane.current!.getBoundingClientRect();
      if (was > 0) onView(zoomAt(current.current, now / was, (e.clientX + other.x) / 2 - box.left, (e.clientY + other.y) / 2 - box.top));
    } else if (others.length === 0) {
      onView(panBy(current.current, e.clientX - before.x, e.clientY - before.y));
    }
  };
  const onPointerUp = (e: React.PointerEvent) => pointers.current.delete(e.pointerId);

  return (
    <div
      ref={pane}
      className="zoom-pane"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      data-testid={testId}
    >
      <img
        src={src}
        alt={alt}
        draggable={false}
        width={picture.width}
        height={picture.height}
        style={{ transform: `translate(${shown.x}px, ${shown.y}px) scale(${shown.scale})` }}
        className={shown.scale >= 2 ? "pixelated" : undefined}
      />
    </div>
  );
}
