// @vitest-environment jsdom
import { bodiesOf, resetServer, route } from "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { renderApp } from "../../test/render";
import { image, job, panel, studioRoutes } from "../../test/fixtures";
import { loadDraft } from "../../lib/strokes";

vi.mock("react-konva", () => import("../../test/konvaStub"));

const bubble = { id: 41, panel_id: 5, position: 0, spec: { kind: "speech", text: "Hi there", speaker: "Mia", x: 0.3, y: 0.2, tails: [] } };
const lettering = {
  width: 400,
  height: 300,
  crop: [0, 0.1, 1, 0.85],
  framed: true,
  bubbles: [
    {
      bubble_id: 41,
      kind: "speech",
      center: [0.3, 0.2],
      outline: [
        [0.2, 0.1],
        [0.4, 0.1],
        [0.4, 0.3],
        [0.2, 0.1],
      ],
      trail: [],
      tail_tip: [0.3, 0.5],
      tail_tips: [[0.3, 0.5]],
      box: [0.2, 0.1, 0.4, 0.3],
      font_size: 14,
      font_family: "Comic Neue",
      font_weight: 400,
      lines: [{ text: "Hi there", x: 0.22, baseline: 0.22, width: 0.15 }],
      rotation: 0,
      fill: "#ffffff",
      border_color: "#000000",
      text_color: "#000000",
      bold: false,
      italic: false,
      dashed: false,
      outline_width: 0.004,
      stroke_width: 0,
    },
  ],
};

beforeEach(() => {
  resetServer();
  localStorage.clear();
  studioRoutes({ panels: [panel(5, 1, { characters: ["Mia"] }, { bubbles: [bubble], picked_image: image(9, 5, { picked: true }) })] });
  route("GET", "/api/panels/:id/lettering", lettering);
  route("POST", "/api/panels/:id/bubbles", { ...bubble, id: 42, position: 1, spec: { ...bubble.spec, x: 0.7 } });
  route("POST", "/api/panels/:id/generate", job("j1", { panel_id: 5, status: "succeeded" }));
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("the panel canvas", () => {
  it("opens on the lettering layer from the old lettering URL, with the bubbles in reading order", async () => {
    renderApp("/comics/1/panels/5/lettering");
    expect(await screen.findByTestId("layer-lettering")).toBeTruthy();
    expect(screen.getByRole("tab", { name: "Canvas" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.getByTestId("layer-lettering").getAttribute("aria-pressed")).toBe("true");
    expect(await screen.findByTestId("bubble-1")).toBeTruthy();
    expect(screen.getByTestId("lettering-canvas").getAttribute("data-layer")).toBe("lettering");
    // A new bubble is sent without a place: the server puts it in free space.
    fireEvent.click(screen.getByTestId("add-thought"));
    await waitFor(async () => expect(await bodiesOf("POST", "/api/panels/5/bubbles")).toEqual([{ kind: "thought", text: "Hmm…", speaker: "Mia" }]));
  });

  it("shows each layer's tools when it is chosen, and hides and shows layers", async () => {
    renderApp("/comics/1/panels/5/canvas");
    fireEvent.click(await screen.findByTestId("layer-mask"));
    expect(screen.getByTestId("mask-canvas").getAttribute("data-layer")).toBe("mask");
    expect((screen.getByTestId("inpaint") as HTMLButtonElement).disabled).toBe(true); // nothing painted yet
    expect(screen.queryByTestId("add-speech")).toBe(null);

    fireEvent.click(screen.getByTestId("layer-outpaint"));
    expect((screen.getByTestId("outpaint") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId("outpaint-right"), { target: { value: "64" } });
    fireEvent.click(screen.getByTestId("outpaint"));
    await waitFor(async () => expect(await bodiesOf("POST", "/api/panels/5/generate")).toHaveLength(1));
    const [sent] = (await bodiesOf("POST", "/api/panels/5/generate")) as { mode: string; outpaint: Record<string, number> }[];
    expect(sent.mode).toBe("outpaint");
    expect(sent.outpaint).toEqual({ top: 0, bottom: 0, left: 0, right: 64 });

    const eye = screen.getByTestId("layer-picture-visible");
    expect(eye.getAttribute("aria-label")).toBe("Hide picture");
    fireEvent.click(eye);
    expect(eye.getAttribute("aria-label")).toBe("Show picture");
    expect(eye.getAttribute("aria-pressed")).toBe("true");
  });

  it("opens on the mask layer from the old inpaint URL", async () => {
    renderApp("/comics/1/panels/5/edit");
    expect(await screen.findByTestId("mask-canvas")).toBeTruthy();
    expect(screen.getByTestId("layer-mask").getAttribute("aria-pressed")).toBe("true");
  });

  it("zooms with its control and the keys + - 0 1, but not while typing in a field or in a dialog", async () => {
    route("GET", "/api/panels/:id/images", [image(9, 5, { picked: true })]);
    renderApp("/comics/1/panels/5/canvas");
    const readout = await screen.findByTestId("zoom-fit");
    const fitted = readout.textContent;
    const frame = screen.getByTestId("lettering-canvas");
    expect(fitted).not.toBe("100%");
    fireEvent.keyDown(document.body, { key: "1" });
    expect(readout.textContent).toBe("100%");
    expect(frame.getAttribute("data-zoom")).toBe("1.0000");
    fireEvent.click(screen.getByTestId("zoom-in"));
    expect(readout.textContent).toBe("125%");
    fireEvent.keyDown(document.body, { key: "-" });
    fireEvent.keyDown(document.body, { key: "-" });
    expect(readout.textContent).toBe("75%");
    fireEvent.keyDown(document.body, { key: "+" });
    expect(readout.textContent).toBe("100%");
    fireEvent.click(screen.getByTestId("zoom-out"));
    expect(readout.textContent).toBe("75%");
    fireEvent.click(readout); // the percentage fits the picture again
    expect(readout.textContent).toBe(fitted);

    // Typed into a field, the keys are the field's own; with ctrl they are the browser's zoom.
    fireEvent.click(screen.getByTestId("layer-outpaint"));
    fireEvent.keyDown(screen.getByTestId("outpaint-right"), { key: "1" });
    fireEvent.keyDown(document.body, { key: "-", ctrlKey: true });
    expect(readout.textContent).toBe(fitted);

    // The picked candidate opened full size over the canvas: its keys zoom the viewer only.
    fireEvent.click(await screen.findByRole("button", { name: "View candidate 1 full size" }));
    const viewer = await screen.findByTestId("image-viewer");
    const viewerZoom = screen.getByTestId("zoom-level").textContent;
    fireEvent.keyDown(viewer, { key: "+" });
    expect(screen.getByTestId("zoom-level").textContent).not.toBe(viewerZoom);
    expect(readout.textContent).toBe(fitted);
    fireEvent.keyDown(viewer, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("image-viewer")).toBe(null));

    for (let i = 0; i < 20; i++) fireEvent.keyDown(document.body, { key: "=" });
    expect(readout.textContent).toBe("800%");
    expect((screen.getByTestId("zoom-in") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.keyDown(document.body, { key: "0" });
    expect(readout.textContent).toBe(fitted);
  });

  it("paints the mask at the same picture pixels under any zoom and pan", async () => {
    renderApp("/comics/1/panels/5/canvas");
    fireEvent.click(await screen.findByTestId("layer-mask"));
    const frame = screen.getByTestId("mask-canvas");
    const stage = frame.querySelector('[data-konva="stage"]')!;
    const paintAt = (x: number, y: number) => {
      fireEvent.pointerDown(stage, { clientX: x, clientY: y, button: 0, pointerId: 1 });
      fireEvent.pointerUp(stage, { pointerId: 1 });
      const strokes = loadDraft("mask:9")!.strokes;
      const [px, py] = strokes[strokes.length - 1].points[0];
      return { x: px, y: py };
    };
    fireEvent.keyDown(document.body, { key: "1" }); // 100 %: a screen pixel is a picture pixel
    const a = paintAt(100, 100);
    const b = paintAt(110, 96);
    expect(b.x - a.x).toBeCloseTo(10, 6);
    expect(b.y - a.y).toBeCloseTo(-4, 6);
    for (const _ of [1, 2, 3]) fireEvent.click(screen.getByTestId("zoom-in")); // 200 %
    expect(screen.getByTestId("zoom-fit").textContent).toBe("200%");
    const c = paintAt(100, 100);
    expect(paintAt(120, 100).x - c.x).toBeCloseTo(10, 6);

    // Ctrl + wheel (and a pinch) zooms about the pointer: the picture pixel under it stays under it.
    fireEvent.wheel(frame, { deltaY: -100, ctrlKey: true, clientX: 100, clientY: 100 });
    expect(screen.getByTestId("zoom-fit").textContent).toBe("250%");
    const d = paintAt(100, 100);
    expect(d.x).toBeCloseTo(c.x, 6);
    expect(d.y).toBeCloseTo(c.y, 6);

    // A middle-button drag pans (and paints nothing); so does a plain wheel.
    const painted = loadDraft("mask:9")!.strokes.length;
    fireEvent.pointerDown(frame, { clientX: 200, clientY: 200, button: 1, pointerId: 2 });
    fireEvent.pointerMove(frame, { clientX: 250, clientY: 180, pointerId: 2 });
    fireEvent.pointerUp(frame, { pointerId: 2 });
    expect(loadDraft("mask:9")!.strokes).toHaveLength(painted);
    const e = paintAt(100, 100);
    expect(e.x).toBeCloseTo(c.x - 50 / 2.5, 6);
    expect(e.y).toBeCloseTo(c.y + 20 / 2.5, 6);
    expect(fireEvent.wheel(frame, { deltaY: 25, clientX: 100, clientY: 100 })).toBe(false); // taken by the canvas
    expect(paintAt(100, 100).y).toBeCloseTo(e.y + 25 / 2.5, 6);

    // Back at fit, a plain wheel scrolls the page (left alone, and the picture stays put); ctrl + wheel zooms.
    fireEvent.keyDown(document.body, { key: "0" });
    const fitted = paintAt(100, 100);
    expect(fireEvent.wheel(frame, { deltaY: 25, clientX: 100, clientY: 100 })).toBe(true);
    expect(paintAt(100, 100)).toEqual(fitted);
    expect(fireEvent.wheel(frame, { deltaY: -100, ctrlKey: true, clientX: 100, clientY: 100 })).toBe(false);
  });

  it("pans with the space bar held instead of painting", async () => {
    renderApp("/comics/1/panels/5/canvas");
    fireEvent.click(await screen.findByTestId("layer-mask"));
    const frame = screen.getByTestId("mask-canvas");
    const stage = frame.querySelector('[data-konva="stage"]')!;
    fireEvent.keyDown(document.body, { key: "1" });
    fireEvent.keyDown(frame, { key: " " });
    expect(frame.getAttribute("data-panning")).toBe("true");
    fireEvent.pointerDown(stage, { clientX: 100, clientY: 100, button: 0, pointerId: 1 });
    fireEvent.pointerMove(frame, { clientX: 130, clientY: 100, pointerId: 1 });
    fireEvent.pointerUp(frame, { pointerId: 1 });
    expect(loadDraft("mask:9")).toBeNull();
    fireEvent.keyUp(frame, { key: " " });
    expect(frame.getAttribute("data-panning")).toBe(null);
    fireEvent.pointerDown(stage, { clientX: 100, clientY: 100, button: 0, pointerId: 3 });
    fireEvent.pointerUp(stage, { pointerId: 3 });
    expect(loadDraft("mask:9")!.strokes).toHaveLength(1);
  });

  it("zooms and pans with two fingers, dropping the stroke the first finger began", async () => {
    // jsdom's stand-in PointerEvent is a MouseEvent: this one also tells fingers apart.
    class TouchPointerEvent extends MouseEvent {
      readonly pointerId: number;
      readonly pointerType: string;
      readonly isPrimary: boolean;
      constructor(type: string, init: PointerEventInit = {}) {
        super(type, init);
        this.pointerId = init.pointerId ?? 0;
        this.pointerType = init.pointerType ?? "mouse";
        this.isPrimary = init.isPrimary ?? false;
      }
    }
    vi.stubGlobal("PointerEvent", TouchPointerEvent);
    renderApp("/comics/1/panels/5/canvas");
    fireEvent.click(await screen.findByTestId("layer-mask"));
    const frame = screen.getByTestId("mask-canvas");
    const stage = frame.querySelector('[data-konva="stage"]')!;
    fireEvent.keyDown(document.body, { key: "1" });
    const touch = { pointerType: "touch", button: 0 };
    fireEvent.pointerDown(stage, { ...touch, pointerId: 1, isPrimary: true, clientX: 100, clientY: 100 });
    fireEvent.pointerMove(stage, { ...touch, pointerId: 1, clientX: 104, clientY: 100 });
    fireEvent.pointerDown(stage, { ...touch, pointerId: 2, isPrimary: false, clientX: 200, clientY: 100 });
    fireEvent.pointerMove(stage, { ...touch, pointerId: 2, clientX: 296, clientY: 100 }); // 96 px apart -> 192
    expect(screen.getByTestId("zoom-fit").textContent).toBe("200%");
    fireEvent.pointerUp(stage, { ...touch, pointerId: 2 });
    fireEvent.pointerUp(stage, { ...touch, pointerId: 1 });
    expect(loadDraft("mask:9")).toBeNull();
    // One finger paints again.
    fireEvent.pointerDown(stage, { ...touch, pointerId: 3, isPrimary: true, clientX: 50, clientY: 50 });
    fireEvent.pointerUp(stage, { ...touch, pointerId: 3 });
    expect(loadDraft("mask:9")!.strokes).toHaveLength(1);
  });
});
