// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import type { Bubble, PlacedBubble } from "../../api/client";
import { BubbleProps } from "./BubbleProps";
import { ReadingOrder } from "./ReadingOrder";
import { StyleFields } from "./StyleFields";

afterEach(cleanup);

const bubble = (id: number, position: number, spec: Record<string, unknown> = {}): Bubble => ({
  id,
  panel_id: 1,
  position,
  spec: { kind: "speech", text: `Line ${id}`, speaker: "Mia", x: null, y: null, width: null, height: null, tails: [], ...spec },
});

const placed = {
  bubble_id: 1,
  kind: "speech",
  center: [0.25, 0.4],
  box: [0.1, 0.3, 0.4, 0.5],
  fill: "#ffffff",
  border_color: "#000000",
  text_color: "#000000",
  bold: false,
  italic: false,
  stroke_width: 0,
} as unknown as PlacedBubble;

function renderProps(spec: Record<string, unknown> = {}) {
  const onChange = vi.fn();
  const onType = vi.fn();
  render(<BubbleProps bubble={bubble(1, 0, spec)} placed={placed} speakers={["Mia", "Leo"]} error={() => undefined} onChange={onChange} onType={onType} onDone={() => {}} />);
  return { onChange, onType };
}

describe("BubbleProps", () => {
  it("shows where an auto-placed bubble is and pins it at exact X and Y typed in percent", () => {
    const { onType } = renderProps();
    const x = screen.getByTestId("bubble-x") as HTMLInputElement;
    expect(x.value).toBe("25");
    expect((screen.getByTestId("bubble-width") as HTMLInputElement).placeholder).toBe("30");
    fireEvent.change(x, { target: { value: "62.5" } });
    expect(onType).toHaveBeenCalledWith({ x: 0.625, y: 0.4 });
  });

  it("fits the bubble to its text by clearing its size, and fixes the size it has when unticked", () => {
    const sized = renderProps({ width: 0.3, height: 0.2 });
    const fit = screen.getByTestId("bubble-fit") as HTMLInputElement;
    expect(fit.checked).toBe(false);
    fireEvent.click(fit);
    expect(sized.onChange).toHaveBeenCalledWith({ width: null, height: null });
    cleanup();
    const auto = renderProps();
    fireEvent.click(screen.getByTestId("bubble-fit"));
    expect(auto.onChange).toHaveBeenCalledWith({ width: 0.3, height: 0.2 });
  });

  it("adds a second tail toward another speaker and removes it again", () => {
    const { onChange } = renderProps();
    fireEvent.click(screen.getByTestId("bubble-add-tail"));
    const [[{ tails }]] = onChange.mock.calls;
    expect(tails).toHaveLength(1);
    expect(tails[0].x).toBeCloseTo(0.55);
    cleanup();
    const again = renderProps({ tails: [{ x: 1.3, y: 0.5 }] });
    expect(screen.getByText(/Tail 2: 130%, 50%/)).toBeTruthy(); // off the panel, to the right
    fireEvent.click(screen.getByRole("button", { name: "Remove" }));
    expect(again.onChange).toHaveBeenCalledWith({ tails: [] });
  });

  it("sets the bubble's own look, shown over what it inherits, and resets it", () => {
    const { onChange } = renderProps({ fill: "#ff0000" });
    expect((screen.getByTestId("bubble-fill") as HTMLInputElement).value).toBe("#ff0000");
    expect((screen.getByTestId("bubble-border_color") as HTMLInputElement).value).toBe("#000000");
    fireEvent.click(screen.getByTestId("bubble-italic"));
    expect(onChange).toHaveBeenCalledWith({ italic: true });
    fireEvent.click(screen.getByRole("button", { name: "Fill: use the comic's lettering style" }));
    expect(onChange).toHaveBeenCalledWith({ fill: null });
  });
});

describe("ReadingOrder", () => {
  it("lists bubbles in reading order and moves one earlier or later", () => {
    const onMove = vi.fn();
    const onSelect = vi.fn();
    const list = [bubble(1, 0), bubble(2, 1), bubble(3, 2)];
    render(<ReadingOrder bubbles={list} selectedId={2} onSelect={onSelect} onMove={onMove} />);
    expect(screen.getAllByRole("listitem").map((li) => li.textContent?.slice(0, 2))).toEqual(["1.", "2.", "3."]);
    expect(screen.getByTestId("bubble-2").getAttribute("aria-pressed")).toBe("true");
    expect((screen.getByTestId("bubble-1-earlier") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("bubble-2-later"));
    expect(onMove).toHaveBeenCalledWith(list[1], 1);
    fireEvent.click(screen.getByTestId("bubble-3"));
    expect(onSelect).toHaveBeenCalledWith(3);
  });
});

describe("StyleFields", () => {
  it("shows inherited values until set, and a text stroke as a number", () => {
    const onChange = vi.fn();
    const inherited = { fill: "#fff8e0", border_color: "#000000", text_color: "#000000", bold: true, italic: false, text_stroke: 0 };
    render(<StyleFields idPrefix="comic" value={{}} inherited={inherited} inheritedLabel="the default" onChange={onChange} />);
    expect((screen.getByTestId("comic-fill") as HTMLInputElement).value).toBe("#fff8e0");
    expect((screen.getByTestId("comic-bold") as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByRole("button", { name: /reset|use the default/ })).toBe(null);
    fireEvent.change(screen.getByTestId("comic-text_stroke"), { target: { value: "2.5" } });
    expect(onChange).toHaveBeenCalledWith({ text_stroke: 2.5 });
  });
});
