// @vitest-environment jsdom
import { forwardRef, useImperativeHandle, type ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { RegionEditor } from "./RegionEditor";
import type { Box } from "./regions";

// Konva draws on a <canvas>, which jsdom lacks: the shapes become elements that keep their props, and
// a drag or a resize is the event Konva would send, with the node where the author left the box.
interface ShapeProps {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  text?: string;
  onDragEnd?: (e: { target: FakeNode }) => void;
  onTransformEnd?: (e: { target: FakeNode }) => void;
  onMouseDown?: () => void;
  children?: ReactNode;
}
interface FakeNode {
  x: () => number;
  y: () => number;
  width: () => number;
  height: () => number;
  scaleX: (v?: number) => number;
  scaleY: (v?: number) => number;
}
const shapes = new Map<string, ShapeProps>();
vi.mock("react-konva", () => {
  const Container = ({ children }: { children?: ReactNode }) => <div>{children}</div>;
  const Rect = (props: ShapeProps) => {
    if (props.onDragEnd) shapes.set(`${props.x},${props.y}`, props);
    return <div data-shape="rect" data-box={`${props.x},${props.y},${props.width},${props.height}`} />;
  };
  const Text = forwardRef((props: ShapeProps, ref) => {
    useImperativeHandle(ref, () => ({ position: () => undefined }));
    return <span data-shape="label">{props.text}</span>;
  });
  const Transformer = forwardRef((_props, ref) => {
    useImperativeHandle(ref, () => ({ nodes: () => undefined, getLayer: () => null }));
    return null;
  });
  return { Stage: Container, Layer: Container, Rect, Text, Transformer, Image: () => null };
});

afterEach(() => {
  cleanup();
  shapes.clear();
});

const node = (x: number, y: number, width: number, height: number, scale = 1): FakeNode => ({
  x: () => x,
  y: () => y,
  width: () => width,
  height: () => height,
  scaleX: () => scale,
  scaleY: () => scale,
});

const BOXES = [
  { character: "Mia", box: [0, 0, 0.5, 1] as Box },
  { character: "Leo", box: [0.5, 0, 0.5, 1] as Box },
];

describe("RegionEditor", () => {
  it("draws one labelled box per character at its place", () => {
    render(<RegionEditor boxes={BOXES} width={800} height={400} onChange={vi.fn()} maxDisplayWidth={400} />);
    const labels = [...document.querySelectorAll('[data-shape="label"]')].map((e) => e.textContent);
    expect(labels).toEqual(["Mia", "Leo"]);
    const drawn = [...document.querySelectorAll('[data-shape="rect"]')].map((e) => e.getAttribute("data-box"));
    expect(drawn).toEqual(["undefined,undefined,400,200", "0,0,200,200", "200,0,200,200"]);
    expect(screen.getByTestId("region-Leo").textContent).toContain("x 50%, y 0%, 50% × 100%");
  });

  it("saves a moved box and a resized box as fractions of the panel", () => {
    const onChange = vi.fn();
    render(<RegionEditor boxes={BOXES} width={800} height={400} onChange={onChange} maxDisplayWidth={400} />);
    act(() => shapes.get("200,0")!.onDragEnd!({ target: node(240, 20, 200, 180) })); // dragged partly out: kept inside
    expect(onChange).toHaveBeenLastCalledWith([
      { character: "Mia", box: [0, 0, 0.5, 1] },
      { character: "Leo", box: [0.5, 0.1, 0.5, 0.9] },
    ]);
    expect(screen.getByTestId("region-Leo").textContent).toContain("x 50%, y 10%, 50% × 90%");
    act(() => shapes.get("0,0")!.onTransformEnd!({ target: node(20, 40, 100, 100, 1.2) }));
    expect(onChange).toHaveBeenLastCalledWith([
      { character: "Mia", box: [0.05, 0.2, 0.3, 0.6] },
      { character: "Leo", box: [0.5, 0.1, 0.5, 0.9] },
    ]);
  });

  it("offers the presets that fit the characters and saves them as placements", () => {
    const onChange = vi.fn();
    render(<RegionEditor boxes={BOXES} width={800} height={400} onChange={onChange} />);
    expect(screen.queryByRole("button", { name: "Thirds" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Top / bottom" }));
    expect(onChange).toHaveBeenCalledWith([
      { character: "Mia", place: "top" },
      { character: "Leo", place: "bottom" },
    ]);
  });

  it("offers thirds for three characters", () => {
    const onChange = vi.fn();
    const three = [...BOXES, { character: "Ana", box: [0, 0, 1, 1] as Box }];
    render(<RegionEditor boxes={three} width={800} height={400} onChange={onChange} />);
    fireEvent.click(screen.getByRole("button", { name: "Thirds" }));
    expect(onChange.mock.calls[0][0].map((r: { place: string }) => r.place)).toEqual(["left-third", "middle-third", "right-third"]);
  });
});
