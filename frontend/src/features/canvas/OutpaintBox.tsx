// The outpaint frame on the canvas: a box around the picture to drag and resize (as InvokeAI's bounding
// box); the area it adds beyond the picture is shaded.
import { useEffect, useRef } from "react";
import { Group, Rect, Transformer } from "react-konva";
import type Konva from "konva";
import type { Point, Size } from "../../lib/geometry";
import { frameOf, sidesOf, type Sides } from "./outpaintFrame";

export function OutpaintBox({ picture, origin, scale, sides, active, onSides }: { picture: Size; origin: Point; scale: number; sides: Sides; active: boolean; onSides: (sides: Sides) => void }) {
  const box = useRef<Konva.Rect>(null);
  const handles = useRef<Konva.Transformer>(null);
  useEffect(() => {
    if (active && box.current && handles.current) handles.current.nodes([box.current]);
  }, [active]);
  const frame = frameOf(picture, sides);
  const toView = (x: number, y: number) => ({ x: origin.x + x * scale, y: origin.y + y * scale });
  const at = toView(frame.left, frame.top);
  const settle = () => {
    const node = box.current;
    if (!node) return;
    const rect = {
      left: (node.x() - origin.x) / scale,
      top: (node.y() - origin.y) / scale,
      width: (node.width() * node.scaleX()) / scale,
      height: (node.height() * node.scaleY()) / scale,
    };
    const next = sidesOf(picture, rect);
    const snapped = frameOf(picture, next);
    node.scale({ x: 1, y: 1 });
    node.setAttrs({ ...toView(snapped.left, snapped.top), width: snapped.width * scale, height: snapped.height * scale });
    onSides(next);
  };
  return (
    <Group name="outpaint">
      <Rect {...at} width={frame.width * scale} height={frame.height * scale} fill="rgba(37, 99, 235, 0.12)" listening={false} />
      <Rect {...toView(0, 0)} width={picture.width * scale} height={picture.height * scale} stroke="#94a3b8" strokeWidth={1} listening={false} />
      <Rect
        ref={box}
        {...at}
        width={frame.width * scale}
        height={frame.height * scale}
        stroke={active ? "#2563eb" : "rgba(100, 116, 139, 0.7)"}
        strokeWidth={active ? 2 : 1}
        dash={[8, 4]}
        draggable={active}
        name="outpaint-frame"
        onDragEnd={settle}
        onTransformEnd={settle}
      />
      {active && <Transformer ref={handles} rotateEnabled={false} keepRatio={false} ignoreStroke />}
    </Group>
  );
}
