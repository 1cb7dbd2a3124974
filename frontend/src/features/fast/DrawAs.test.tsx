// @vitest-environment jsdom
// One Generate as a fast draft or a final; the panel's own choice; drafts marked on their cards; and a
// draft whose LoRA is not installed, told at the control with the way to the profile settings.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bodiesOf, resetServer, route, Status } from "../../test/fakeServer";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { useMutation } from "@tanstack/react-query";
import { api, ok, type GenerateIn, type Panel } from "../../api/client";
import { comic, image, job, panel as panelOf } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import { initialProgress } from "../../lib/jobEvents";
import { GenerateSection } from "../panels/GenerateSection";
import { PROFILES } from "./profiles";

const LIGHTNING = "sdxl_lightning_4step_lora.safetensors";
const NOT_INSTALLED = `LoRA '${LIGHTNING}' not found (not installed): put ${LIGHTNING} in /data/models/loras, or choose another fast profile, or draw a final (the fast profile cannot draw without its LoRA)`;
const GENERATE = "/api/panels/5/generate";

function Harness({ panel }: { panel: Panel }) {
  const generate = useMutation({
    mutationFn: (body: GenerateIn) => ok(api.POST("/api/panels/{panel_id}/generate", { params: { path: { panel_id: panel.id } }, body })),
  });
  return <GenerateSection panel={panel} job={null} progress={initialProgress()} running={false} generate={generate} />;
}

function open({ comicDrafts = false, panelFast = null as boolean | null } = {}) {
  route("GET", "/api/comics/:id", comic(1, { spec: { generation: { candidates: 2, steps: 20, fast: comicDrafts } } }));
  const shown = panelOf(5, 1, { fast: panelFast });
  renderWithProviders(<Harness panel={shown} />);
}

beforeEach(() => {
  resetServer();
  route("GET", "/api/fast-profiles", PROFILES);
  route("GET", "/api/panels/:id/images", []);
  route("POST", GENERATE, job("00000000-0000-0000-0000-000000000001"));
});
afterEach(cleanup);

describe("drawing one Generate as a draft or a final", () => {
  it("follows the comic (drafts) and can draw this one time as a final", async () => {
    open({ comicDrafts: true });
    const button = screen.getByTestId("generate");
    await waitFor(() => expect(button.textContent).toBe("Generate 2 drafts"));
    fireEvent.click(button);
    await waitFor(async () => expect(await bodiesOf("POST", GENERATE)).toHaveLength(1));
    fireEvent.click(screen.getByRole("radio", { name: "Final" }));
    expect(button.textContent).toBe("Generate 2 candidates");
    fireEvent.click(button);
    await waitFor(async () =>
      expect(await bodiesOf("POST", GENERATE)).toEqual([
        { mode: "text", candidates: 2, fast: true },
        { mode: "text", candidates: 2, fast: false },
      ]),
    );
  });

  it("draws a panel marked 'always drafts' as a draft although the comic draws finals", async () => {
    open({ comicDrafts: false, panelFast: true });
    await waitFor(() => expect(screen.getByRole("radio", { name: "Fast draft" }).getAttribute("aria-checked")).toBe("true"));
    fireEvent.click(screen.getByTestId("generate"));
    await waitFor(async () => expect(await bodiesOf("POST", GENERATE)).toEqual([{ mode: "text", candidates: 2, fast: true }]));
  });

  it("shows a missing draft LoRA at the control, with a link to the profile settings", async () => {
    route("POST", GENERATE, new Status(422, { detail: [{ loc: ["body", "generation", "loras", 0], msg: NOT_INSTALLED }] }));
    open({ comicDrafts: true });
    await waitFor(() => expect(screen.getByTestId("generate").textContent).toBe("Generate 2 drafts"));
    fireEvent.click(screen.getByTestId("generate"));
    const message = await screen.findByTestId("draft-lora-missing");
    expect(message.textContent).toContain(`put ${LIGHTNING} in /data/models/loras`);
    const link = screen.getByRole("link", { name: "Choose another profile or your own LoRA file" });
    expect(link.getAttribute("href")).toBe("/comics/1/style#fast-drafts");
    expect(screen.getByTestId("draw-as").getAttribute("aria-describedby")).toBe(message.id);
    // Drawing a draft without its distilled LoRA makes no sense: that way out is not offered, nor repeated below.
    expect(screen.queryByTestId("generate-without-missing-loras")).toBeNull();
    expect(screen.getAllByRole("alert")).toEqual([message]);
    fireEvent.click(screen.getByRole("button", { name: "Draw a final instead" }));
    expect(screen.getByTestId("generate").textContent).toBe("Generate 2 candidates");
  });
});

describe("the panel's own choice", () => {
  it("is saved at once", async () => {
    route("PATCH", "/api/panels/5", async (request: Request) => panelOf(5, 1, await request.json()));
    open({ comicDrafts: true });
    const select = screen.getByRole("combobox", { name: "This panel draws" });
    await waitFor(() => expect(select.textContent).toBe("as the comic says (drafts)"));
    fireEvent.keyDown(select, { key: "Enter" });
    fireEvent.click(await screen.findByRole("option", { name: "always finals" }));
    await waitFor(async () => expect(await bodiesOf("PATCH", "/api/panels/5")).toEqual([{ fast: false }]));
  });
});

describe("candidate cards", () => {
  it("mark the drafts and show the steps and sampler of the others", async () => {
    const drawn = (steps: number, sampler: string, fast_profile: string | null) => ({ steps, sampler, fast_profile, cfg: 1, scheduler: "karras", loras: [] });
    route("GET", "/api/panels/:id/images", [
      image(7, 5, { drawn_with: drawn(4, "euler", "lightning") }),
      image(8, 5, { drawn_with: drawn(20, "dpmpp_2m", null) }),
      image(9, 5),
    ]);
    open();
    const labels = await screen.findAllByTestId("drawn-with");
    expect(labels.map((l) => l.textContent)).toEqual(["Draft (lightning) · 4 steps · euler", "20 steps · dpmpp_2m"]);
    expect(labels[0].classList.contains("draft")).toBe(true);
  });
});
