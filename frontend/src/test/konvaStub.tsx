// react-konva for jsdom, which has no <canvas>: each shape becomes an element naming its kind, so views
// that hold a canvas render in component tests (use: vi.mock("react-konva", () => import("…/konvaStub"))).
// The stage passes DOM pointer events on as Konva would, with the pointer at (clientX, clientY).
import { forwardRef, useImperativeHandle, type PointerEvent as ReactPointerEvent, type ReactNode } from "react";

type KonvaHandler = (e: { evt: PointerEvent; target: { getStage: () => { getPointerPosition: () => { x: number; y: number } } } }) => void;
interface Props {
  children?: ReactNode;
  text?: string;
  onPointerDown?: KonvaHandler;
  onPointerMove?: KonvaHandler;
  onPointerUp?: KonvaHandler;
}

function konvaEvent(e: ReactPointerEvent) {
  const evt = e.nativeEvent;
  return { evt, target: { getStage: () => ({ getPointerPosition: () => ({ x: evt.clientX, y: evt.clientY }) }) } };
}

function shape(kind: string) {
  return forwardRef<unknown, Props & object>(function Shape({ children, text, onPointerDown, onPointerMove, onPointerUp }, ref) {
    useImperativeHandle(ref, () => ({
      position: () => undefined,
      visible: () => undefined,
      nodes: () => undefined,
      getLayer: () => ({ batchDraw: () => undefined }),
      toDataURL: () => "data:image/png;base64,",
      getPointerPosition: () => ({ x: 0, y: 0 }),
    }));
    return (
      <div
        data-konva={kind}
        onPointerDown={onPointerDown && ((e) => onPointerDown(konvaEvent(e)))}
        onPointerMove={onPointerMove && ((e) => onPointerMove(konvaEvent(e)))}
        onPointerUp={onPointerUp && ((e) => onPointerUp(konvaEvent(e)))}
      >
        {text}
        {children}
      </div>
    );
  });
}

export const Stage = shape("stage");
export const Layer = shape("layer");
export const Group = shape("group");
export const Rect = shape("rect");
export const Circle = shape("circle");
export const Line = shape("line");
export const Path = shape("path");
export const Text = shape("text");
export const Image = shape("image");
export const Transformer = shape("transformer");
export const Shape = shape("shape");
