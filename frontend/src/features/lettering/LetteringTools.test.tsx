// @vitest-environment jsdom
import { bodiesOf, resetServer, route } from "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useMutation } from "@tanstack/react-query";
import type { GenerateIn, Panel } from "../../api/client";
import { keys, usePanels } from "../../api/queries";
import { initialProgress } from "../../lib/jobEvents";
import { renderWithProviders, testClient } from "../../test/render";
import { image, job, panel } from "../../test/fixtures";
import { PanelCanvas } from "../canvas/PanelCanvas";

vi.mock("react-konva", () => import("../../test/konvaStub"));

const shown = panel(5, 1, { characters: ["Mia"] }, { picked_image: image(40, 5, { picked: true }) });

function Canvas({ of }: { of?: Panel }) {
  const panels = usePanels(1);
  const generate = useMutation({ mutationFn: async (_body: GenerateIn) => job("00000000-0000-0000-0000-000000000004") });
  const current = of ?? panels.data?.[0];
  return current ? <PanelCanvas panel={current} job={null} progress={initialProgress()} running={false} generate={generate} /> : null;
}

beforeEach(() => {
  resetServer();
  let bubble: Record<string, unknown> = {};
  route("GET", "/api/comics/1/panels", () => [{ ...shown, bubbles: bubble.id ? [bubble] : [] }]);
  route("GET", "/api/comics/:id", { id: 1, title: "T", spec: {}, panel_count: 1, character_count: 1, created_at: "", updated_at: "" });
  route("GET", "/api/panels/:id/images", []);
  route("GET", "/api/panels/5/lettering", { width: 128, height: 128, crop: [0, 0, 1, 1], framed: false, bubbles: [] });
  route("POST", "/api/panels/5/bubbles", async (r: Request) => (bubble = { id: 70, panel_id: 5, position: 0, spec: await r.clone().json() }));
  route("PATCH", "/api/bubbles/70", async (r: Request) => (bubble = { ...bubble, spec: { ...(bubble.spec as object), ...(await r.clone().json()) } }));
});
afterEach(cleanup);

describe("lettering tools on the panel canvas", () => {
  it("asks for a picked picture first", () => {
    renderWithProviders(<Canvas of={panel(5)} />);
    expect(screen.getByText(/the canvas works on the picked picture/)).toBeTruthy();
  });

  it("adds a speech bubble for the panel's character and saves the text typed into it", async () => {
    const client = testClient();
    client.setQueryData(keys.panels(1), [shown]);
    const user = userEvent.setup();
    renderWithProviders(<Canvas />, { client });
    await user.click(await screen.findByTestId("add-speech"));
    expect(await screen.findByTestId("bubble-1")).toBeTruthy();
    const [created] = (await bodiesOf("POST", "/api/panels/5/bubbles")) as { kind: string; speaker: string }[];
    expect([created.kind, created.speaker]).toEqual(["speech", "Mia"]);
    await user.click(screen.getByTestId("bubble-1"));
    const text = screen.getByTestId("bubble-text");
    await user.clear(text);
    await user.type(text, "Hi up there!");
    await user.tab(); // leaving the field saves at once
    await waitFor(async () => expect((await bodiesOf("PATCH", "/api/bubbles/70")).at(-1)).toEqual({ text: "Hi up there!" }));
    expect(screen.getByTestId("bubble-undo").hasAttribute("disabled")).toBe(false);
  });
});
