// @vitest-environment jsdom
import { bodiesOf, resetServer, route } from "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { renderApp } from "../../test/render";
import { image, job, panel, studioRoutes } from "../../test/fixtures";

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
  studioRoutes({ panels: [panel(5, 1, { characters: ["Mia"] }, { bubbles: [bubble], picked_image: image(9, 5, { picked: true }) })] });
  route("GET", "/api/panels/:id/lettering", lettering);
  route("POST", "/api/panels/:id/bubbles", { ...bubble, id: 42, position: 1, spec: { ...bubble.spec, x: 0.7 } });
  route("POST", "/api/panels/:id/generate", job("j1", { panel_id: 5, status: "succeeded" }));
});
afterEach(cleanup);

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
});
