// react-konva for jsdom, which has no <canvas>: each shape becomes an element naming its kind, so views
// that hold a canvas render in component tests (use: vi.mock("react-konva", () => import("…/konvaStub"))).
import { forwardRef, useImperativeHandle, type ReactNode } from "react";

interface Props {
  children?: ReactNode;
  text?: string;
}

function shape(kind: string) {
  return forwardRef<unknown, Props & object>(function Shape({ children, text }, ref) {
    useImperativeHandle(ref, () => ({
      position: () => undefined,
      nodes: () => undefined,
      getLayer: () => ({ batchDraw: () => undefined }),
      toDataURL: () => "data:image/png;base64,",
      getPointerPosition: () => ({ x: 0, y: 0 }),
    }));
    return (
      <div data-konva={kind}>
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
