// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { loadDraft } from "../../lib/strokes";
import { StrokeCanvas } from "./StrokeCanvas";

vi.mock("react-konva", () => import("../../test/konvaStub"));

const renderCanvas = () => render(<StrokeCanvas kind="sketch" width={400} height={300} draftKey="sketch:7" testId="sketch-canvas" />);
const strokes = () => screen.getByTestId("sketch-canvas").getAttribute("data-strokes");

function drawStroke(points: [number, number][]) {
  const stage = screen.getByTestId("sketch-canvas").querySelector('[data-konva="stage"]')!;
  fireEvent.pointerDown(stage, { clientX: points[0][0], clientY: points[0][1], button: 0, pointerId: 1 });
  for (const [x, y] of points.slice(1)) fireEvent.pointerMove(stage, { clientX: x, clientY: y, pointerId: 1 });
  fireEvent.pointerUp(stage, { pointerId: 1 });
}

beforeEach(() => localStorage.clear());
afterEach(cleanup);

describe("sketch pad", () => {
  it("keeps each stroke as a draft in this browser, with undo and redo", () => {
    renderCanvas();
    drawStroke([[10, 10], [60, 40], [120, 90]]);
    expect(strokes()).toBe("1");
    const draft = loadDraft("sketch:7");
    expect(draft?.strokes).toHaveLength(1);
    expect(draft?.strokes[0].points).toHaveLength(3);
    expect(draft?.strokes[0].mode).toBe("draw");

    fireEvent.click(screen.getByRole("button", { name: "Undo sketch stroke" }));
    expect(strokes()).toBe("0");
    expect(loadDraft("sketch:7")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Redo sketch stroke" }));
    expect(strokes()).toBe("1");
  });

  it("brings the unsaved strokes back after a reload, and Clear empties the pad", () => {
    renderCanvas();
    drawStroke([[5, 5], [50, 50]]);
    fireEvent.click(screen.getByRole("button", { name: "Eraser" }));
    drawStroke([[20, 20], [30, 30]]);
    cleanup();

    renderCanvas();
    expect(strokes()).toBe("2");
    expect(loadDraft("sketch:7")?.strokes.map((s) => s.mode)).toEqual(["draw", "erase"]);
    fireEvent.click(screen.getByRole("button", { name: "Clear sketch" }));
    expect(strokes()).toBe("0");
    expect(loadDraft("sketch:7")).toBeNull();
  });
});
