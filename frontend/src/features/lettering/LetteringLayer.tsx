// The lettering layer of the panel canvas: every bubble of the panel's frame drawn as the export draws it,
// and handles to move, resize and point bubbles. Tails may be dragged past the frame's edge (a speaker off
// the panel); dragging snaps to the frame and the other bubbles and shows guides.
import { useMemo, useRef, useState } from "react";
import { Circle, Group, Line, Rect } from "react-konva";
import type Konva from "konva";
import type { Bubble, PlacedBubble } from "../../api/client";
import { HANDLES, clampTail, handlePosition, resizeRect, type Handle, type PixelRect, type Point, type Size } from "../../lib/geometry";
import { BubbleShape } from "./BubbleShape";
import { bubbleDrawing } from "./drawing";
import { SNAP_DISTANCE, snapRect, type Guide } from "./snapping";

/** How far past the frame, in display pixels, the snapping guides reach. */
const GUIDE_REACH = 40;

export interface LetteringLayerProps {
  /** The frame's display size and its exported width. */
  size: Size;
  exportWidth: number;
  bubbles: Bubble[];
  placed: PlacedBubble[];
  /** Moves not yet laid out by the server, in display pixels, by bubble id. */
  pending: Record<number, Point>;
  selectedId: number | null;
  onSelect: (id: number | null) => void;
  onMove: (bubble: Bubble, centre: Point) => void;
  onResize: (bubble: Bubble, rect: PixelRect) => void;
  onTail: (bubble: Bubble, index: number, tip: Point) => void;
  onEditText: (bubble: Bubble) => void;
}

interface Live {
  id: number;
  rect: PixelRect;
  start: PixelRect;
  tail?: { index: number; at: Point };
}

const boxRect = (p: PlacedBubble, size: Size): PixelRect => ({
  left: p.box[0] * size.width,
  top: p.box[1] * size.height,
  width: (p.box[2] - p.box[0]) * size.width,
  height: (p.box[3] - p.box[1]) * size.height,
});

/**
 * The bubbles of the frame (drawn as exported) with their handles, as a group at ``origin`` of a stage: the
 * frame is ``size`` display pixels there. ``viewScale`` is the stage's zoom: handles, guides and the snapping
 * distance keep their size on screen.
 */
export function LetteringLayer(props: LetteringLayerProps & { origin: Point; listening?: boolean; viewScale?: number }) {
  const { size, placed, bubbles, selectedId, pending } = props;
  const unit = 1 / (props.viewScale ?? 1);
  const [live, setLive] = useState<Live | null>(null);
  const [guides, setGuides] = useState<Guide[]>([]);
  // Drawn once per layout, not on every drag move (a drag only moves the drawing by its offset).
  const { width, height } = size;
  const exportWidth = props.exportWidth;
  const drawings = useMemo(
    () => new Map(placed.map((p) => [p.bubble_id, bubbleDrawing(p, { width, height }, exportWidth)])),
    [placed, width, height, exportWidth],
  );
  const shift = (id: number) => pending[id] ?? { x: 0, y: 0 };
  const rectOf = (p: PlacedBubble): PixelRect => {
    if (live?.id === p.bubble_id) return live.rect;
    const rect = boxRect(p, size);
    const { x, y } = shift(p.bubble_id);
    return { ...rect, left: rect.left + x, top: rect.top + y };
  };
  const others = (id: number) => placed.filter((p) => p.bubble_id !== id).map((p) => boxRect(p, size));

  return (
    <Group x={props.origin.x} y={props.origin.y} name="lettering" listening={props.listening !== false}>
      <Rect width={size.width} height={size.height} name="frame" listening={false} />
      {placed.map((p) => {
        const bubble = bubbles.find((b) => b.id === p.bubble_id);
        if (!bubble) return null;
        const rect = rectOf(p);
        const base = boxRect(p, size);
        const offset = { x: rect.left - base.left, y: rect.top - base.top };
        const selected = bubble.id === selectedId;
        return (
          <Group key={bubble.id}>
            <BubbleShape drawing={drawings.get(p.bubble_id)!} offset={offset} />
            <Rect
              x={rect.left}
              y={rect.top}
              width={rect.width}
              height={rect.height}
              stroke={selected ? "#2563eb" : undefined}
              strokeWidth={selected ? 2 * unit : 0}
              dash={[6 * unit, 4 * unit]}
              fill="rgba(0,0,0,0.001)"
              draggable
              name={`bubble-box bubble-box-${bubble.id}`}
              onPointerDown={() => props.onSelect(bubble.id)}
              onDblClick={() => props.onEditText(bubble)}
              onDblTap={() => props.onEditText(bubble)}
              onDragStart={() => setLive({ id: bubble.id, rect, start: rect })}
              onDragMove={(e) => {
                const start = live?.start ?? rect;
                const moved = { ...start, left: e.target.x(), top: e.target.y() };
                const snapped = snapRect(moved, others(bubble.id), size, SNAP_DISTANCE * unit);
                e.target.position({ x: snapped.rect.left, y: snapped.rect.top });
                setGuides(snapped.guides);
                setLive({ id: bubble.id, rect: snapped.rect, start });
              }}
              onDragEnd={() => {
                const end = live?.rect ?? rect;
                setLive(null);
                setGuides([]);
                // The bubble's centre moves with the box (the box is the body's bounds).
                const dx = end.left - base.left;
                const dy = end.top - base.top;
                props.onMove(bubble, { x: p.center[0] * size.width + dx, y: p.center[1] * size.height + dy });
              }}
            />
            {selected &&
              HANDLES.map((handle) => (
                <ResizeHandle
                  key={handle}
                  handle={handle}
                  rect={rect}
                  unit={unit}
                  onMove={(r) => setLive({ id: bubble.id, rect: r, start: live?.start ?? rect })}
                  onEnd={(r) => {
                    setLive(null);
                    props.onResize(bubble, r);
                  }}
                />
              ))}
            {selected &&
              tailTips(bubble, p).map((tip, index) => {
                const at = live?.id === bubble.id && live.tail?.index === index ? live.tail.at : { x: tip[0] * size.width + offset.x, y: tip[1] * size.height + offset.y };
                return (
                  <Group key={`tail-${index}`}>
                    <Line points={[p.center[0] * size.width + offset.x, p.center[1] * size.height + offset.y, at.x, at.y]} stroke="#2563eb" strokeWidth={unit} dash={[4 * unit, 4 * unit]} listening={false} />
                    <Circle
                      x={at.x}
                      y={at.y}
                      radius={9 * unit}
                      fill={index ? "#a855f7" : "#f59e0b"}
                      stroke="#fff"
                      strokeWidth={2 * unit}
                      draggable
                      name={index ? `tail-tip tail-tip-${index}` : "tail-tip"}
                      onDragMove={(e) => setLive({ id: bubble.id, rect, start: rect, tail: { index, at: { x: e.target.x(), y: e.target.y() } } })}
                      onDragEnd={(e) => {
                        setLive(null);
                        props.onTail(bubble, index, clampTail({ x: e.target.x() / size.width, y: e.target.y() / size.height }));
                      }}
                    />
                  </Group>
                );
              })}
          </Group>
        );
      })}
      {guides.map((g, i) => (
        <Line
          key={i}
          points={g.axis === "x" ? [g.at, -GUIDE_REACH * unit, g.at, size.height + GUIDE_REACH * unit] : [-GUIDE_REACH * unit, g.at, size.width + GUIDE_REACH * unit, g.at]}
          stroke="#ec4899"
          strokeWidth={unit}
          dash={[4 * unit, 3 * unit]}
          listening={false}
          name="snap-guide"
        />
      ))}
    </Group>
  );
}

/** The bubble's tail tips in frame fractions: the laid-out ones (the first may be automatic, toward the speaker). */
function tailTips(bubble: Bubble, placed: PlacedBubble): [number, number][] {
  const own = (bubble.spec.tails as { x: number; y: number }[] | undefined) ?? [];
  const tips = placed.tail_tips.length ? placed.tail_tips : placed.tail_tip ? [placed.tail_tip] : [];
  // The laid-out tips are held at the frame's edge; the author's own points may lie beyond it.
  const first = bubble.spec.tail_x != null && bubble.spec.tail_y != null ? [[bubble.spec.tail_x as number, bubble.spec.tail_y as number] as [number, number]] : tips.slice(0, 1);
  return [...first, ...own.map((t) => [t.x, t.y] as [number, number])];
}

function ResizeHandle({ handle, rect, unit, onMove, onEnd }: { handle: Handle; rect: PixelRect; unit: number; onMove: (r: PixelRect) => void; onEnd: (r: PixelRect) => void }) {
  const start = useRef<PixelRect | null>(null);
  const at = handlePosition(rect, handle);
  // Handles are 12 px squares (on screen) centred on their point: the node's position is half that up and left.
  const half = 6 * unit;
  const resized = (node: Konva.Node) => {
    const origin = start.current ?? rect;
    const from = handlePosition(origin, handle);
    return resizeRect(origin, handle, node.x() + half - from.x, node.y() + half - from.y);
  };
  return (
    <Rect
      x={at.x - half}
      y={at.y - half}
      width={2 * half}
      height={2 * half}
      fill="#fff"
      stroke="#2563eb"
      strokeWidth={2 * unit}
      draggable
      name={`handle-${handle}`}
      onDragStart={() => (start.current = rect)}
      onDragMove={(e) => onMove(resized(e.target))}
      onDragEnd={(e) => {
        const r = resized(e.target);
        start.current = null;
        onEnd(r);
      }}
    />
  );
}
