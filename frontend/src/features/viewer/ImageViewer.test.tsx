// @vitest-environment jsdom
import { bodiesOf, resetServer, route } from "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Image } from "../../api/client";
import { keys } from "../../api/queries";
import { renderWithProviders, testClient } from "../../test/render";
import { image, panel } from "../../test/fixtures";
import { CandidateGrid } from "../panels/GenerateSection";

const JOB = "00000000-0000-0000-0000-000000000009";
const settings = (seed: number): NonNullable<Image["settings"]> => ({
  task: "text_to_image",
  prompt: `((comic style)), Mia waves from a rooftop, seed ${seed}`,
  negative_prompt: "blurry",
  model: "tiny-random-sdxl",
  loras: [{ name: "ink-style", strength_model: 0.7, strength_clip: 1 }],
  seed,
  steps: 4,
  cfg: 6.5,
  sampler: "euler",
  scheduler: "normal",
  width: 128,
  height: 96,
  strength: 1,
});
const drawn = [0, 1, 2].map((n) => image(20 + n, 5, { job_id: JOB, candidate: n, seed: 500 + n, width: 128, height: 96, settings: settings(500 + n) }));

function renderGrid() {
  const client = testClient();
  client.setQueryData(keys.images(5), drawn);
  client.setQueryData(keys.panels(1), [panel(5)]);
  return renderWithProviders(<CandidateGrid panel={panel(5)} jobId={JOB} />, { client });
}

beforeEach(() => {
  resetServer();
  route("PATCH", "/api/panels/:id", async (r: Request) => panel(5, 1, await r.clone().json()));
  route("GET", "/api/comics/:id/panels", [panel(5)]);
  route("GET", "/api/panels/:id/lettering", {});
});
afterEach(cleanup);

const viewer = () => screen.getByTestId("image-viewer");
const title = () => within(viewer()).getByRole("heading", { level: 2 }).textContent;
const zoom = () => screen.getByTestId("zoom-level").textContent;

describe("image viewer", () => {
  it("opens a candidate full size with the prompt and settings that made it, and Escape closes it", async () => {
    const user = userEvent.setup();
    renderGrid();
    await user.click(screen.getByRole("button", { name: "View candidate 2 full size" }));
    expect(title()).toBe("Candidate 2 of 3");
    expect(within(viewer()).getByRole("img", { name: "Candidate 2 (seed 501)" }).getAttribute("src")).toBe("/api/images/21/file");
    expect(screen.getByTestId("final-prompt").textContent).toBe("((comic style)), Mia waves from a rooftop, seed 501");
    const info = screen.getByTestId("image-settings");
    const table = Object.fromEntries([...info.querySelectorAll("dt")].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]));
    expect(table).toEqual({
      Seed: "501",
      Steps: "4",
      CFG: "6.5",
      Sampler: "euler · normal",
      Size: "128 × 96",
      Model: "tiny-random-sdxl",
      LoRAs: "ink-style (0.7)",
    });
    expect(within(info).getByText("blurry")).toBeTruthy();
    expect(document.activeElement).toBe(viewer());
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("image-viewer")).toBeNull());
  });

  it("steps through the candidates with the arrow keys, round the ends", async () => {
    const user = userEvent.setup();
    renderGrid();
    await user.click(screen.getByRole("button", { name: "View candidate 3 full size" }));
    await user.keyboard("{ArrowRight}");
    expect(title()).toBe("Candidate 1 of 3");
    await user.keyboard("{ArrowLeft}{ArrowLeft}");
    expect(title()).toBe("Candidate 2 of 3");
    await user.click(screen.getByRole("button", { name: "Next candidate" }));
    expect(title()).toBe("Candidate 3 of 3");
    expect(screen.getByTestId("final-prompt").textContent).toContain("seed 502");
  });

  it("zooms with the buttons, the keys and the wheel, and goes back to fit and 100%", async () => {
    const user = userEvent.setup();
    renderGrid();
    await user.click(screen.getByRole("button", { name: "View candidate 1 full size" }));
    expect(zoom()).toBe("100%"); // a pane of no size (jsdom) fits at 1:1
    await user.click(screen.getByRole("button", { name: "Zoom in" }));
    expect(zoom()).toBe("125%");
    await user.keyboard("+");
    expect(zoom()).toBe("156%");
    await user.click(screen.getByRole("button", { name: "Zoom out" }));
    await user.click(screen.getByRole("button", { name: "Zoom out" }));
    expect(zoom()).toBe("100%");
    fireEvent.wheel(screen.getByTestId("viewer-pane"), { deltaY: -200 });
    expect(zoom()).toBe("156%");
    const picture = within(screen.getByTestId("viewer-pane")).getByRole("img");
    expect(picture.style.transform).toContain("scale(1.5625)");
    await user.click(screen.getByRole("button", { name: "100%" }));
    expect(zoom()).toBe("100%");
    // A wheel that counts in lines (Firefox: 3 lines a notch, 16 px each) zooms as much as one in pixels.
    fireEvent.wheel(screen.getByTestId("viewer-pane"), { deltaY: -6.25, deltaMode: 1 });
    expect(zoom()).toBe("125%");
    await user.click(screen.getByRole("button", { name: "100%" }));
    await user.keyboard("-");
    await user.click(screen.getByRole("button", { name: "Fit to the window" }));
    expect(zoom()).toBe("100%");
  });

  it("pans the picture by dragging", async () => {
    const user = userEvent.setup();
    renderGrid();
    await user.click(screen.getByRole("button", { name: "View candidate 1 full size" }));
    const pane = screen.getByTestId("viewer-pane");
    const picture = within(pane).getByRole("img");
    const before = picture.style.transform;
    fireEvent.pointerDown(pane, { pointerId: 1, clientX: 10, clientY: 10 });
    fireEvent.pointerMove(pane, { pointerId: 1, clientX: 40, clientY: 25 });
    fireEvent.pointerUp(pane, { pointerId: 1 });
    expect(before).toContain("translate(0px, 0px)"); // a pane of no size (jsdom) shows it at the corner
    expect(picture.style.transform).toContain("translate(30px, 15px)");
  });

  it("compares two candidates side by side and picks the second", async () => {
    const user = userEvent.setup();
    renderGrid();
    await user.click(screen.getByRole("button", { name: "View candidate 1 full size" }));
    await user.click(screen.getByRole("button", { name: "Compare side by side" }));
    expect(within(screen.getByTestId("viewer-pane")).getByRole("img").getAttribute("alt")).toBe("Candidate 1 (seed 500)");
    expect(within(screen.getByTestId("viewer-compare-pane")).getByRole("img").getAttribute("alt")).toBe("Candidate 2 (seed 501)");
    await user.selectOptions(screen.getByRole("combobox", { name: "Compare with" }), "Candidate 3");
    expect(within(screen.getByTestId("viewer-compare-pane")).getByRole("img").getAttribute("alt")).toBe("Candidate 3 (seed 502)");
    await user.click(screen.getByRole("button", { name: "Compare side by side" }));
    expect(screen.queryByTestId("viewer-compare-pane")).toBeNull();
  });

  it("puts the picture's settings on the panel with “Reuse these settings”", async () => {
    const user = userEvent.setup();
    renderGrid();
    await user.click(screen.getByRole("button", { name: "View candidate 2 full size" }));
    await user.click(screen.getByRole("button", { name: "Reuse these settings" }));
    await waitFor(async () =>
      expect(await bodiesOf("PATCH", "/api/panels/5")).toEqual([{ seed: 501, steps: 4, cfg: 6.5, sampler: "euler", scheduler: "normal", width: 128, height: 96 }]),
    );
    expect((await screen.findByText(/^Settings copied to the panel/)).textContent).toContain("seed 501 is locked");
  });
});
