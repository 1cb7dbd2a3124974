// One bubble drawn on the Konva stage exactly as the export draws it (see drawing.ts).
import { Group, Line, Shape } from "react-konva";
import type Konva from "konva";
import { drawText, type BubbleDrawing } from "./drawing";

/** Trace a closed polygon (flat points) as the current path. */
function trace(context: Konva.Context, points: number[]) {
  context.beginPath();
  context.moveTo(points[0], points[1]);
  for (let i = 2; i < points.length; i += 2) context.lineTo(points[i], points[i + 1]);
  context.closePath();
}

/**
 * The outline is the band between the shape and the shape shrunk by the line width (as render.py draws it):
 * a line twice as wide, centred on the edge and clipped to the shape, leaves exactly that band.
 */
export function BubbleShape({ drawing, offset }: { drawing: BubbleDrawing; offset?: { x: number; y: number } }) {
  const { pivot } = drawing;
  return (
    <Group
      x={(offset?.x ?? 0) + pivot.x}
      y={(offset?.y ?? 0) + pivot.y}
      offsetX={pivot.x}
      offsetY={pivot.y}
      rotation={drawing.rotation}
      listening={false}
      name={`bubble-drawing-${drawing.id}`}
    >
      {drawing.shapes.map((shape, i) => (
        <Group key={i} clipFunc={(context) => trace(context, shape.points)}>
          <Line
            points={shape.points}
            closed
            fill={drawing.fill}
            stroke={drawing.border}
            strokeWidth={2 * drawing.lineWidth}
            dash={shape.dash ?? undefined}
            lineJoin="round"
          />
        </Group>
      ))}
      <Shape sceneFunc={(context) => drawText(context._context, drawing)} />
    </Group>
  );
}
